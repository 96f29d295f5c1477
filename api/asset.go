package api

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/library"
)

// handleAssetCreate handles POST /api/v1/assets (marketer, admin). The file
// streams from the request into storage; fields may come before or after
// it. Fields that arrive first are checked before any byte of the file is
// stored.
func (s *Server) handleAssetCreate(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	assetID := library.NewAssetID()
	form, err := s.readUpload(c, func(fields url.Values) error {
		meta, err := assetMeta(fields)
		if err != nil {
			return err
		}
		return s.Library.CheckMeta(ctx, user.OrgID, &meta)
	}, func(name string, r io.Reader) (*library.StoredFile, error) {
		return s.Library.StoreFile(ctx, user, assetID, name, r)
	})
	if err != nil {
		Error(c, err)
		return
	}
	meta, err := assetMeta(form.fields)
	if err != nil {
		s.Library.Discard(ctx, form.file)
		Error(c, err)
		return
	}
	a, err := s.Library.CreateAsset(ctx, user, assetID, meta, form.file)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.toAssetResponse(a))
}

// handleVersionCreate handles POST /api/v1/assets/:id/versions: the
// uploaded file becomes the asset's current version.
func (s *Server) handleVersionCreate(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	a, err := s.Assets.FindAssetByID(ctx, user.OrgID, c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	form, err := s.readUpload(c, noFields, func(name string, r io.Reader) (*library.StoredFile, error) {
		return s.Library.StoreFile(ctx, user, a.ID, name, r)
	})
	if err == nil && len(form.fields) > 0 {
		s.Library.Discard(ctx, form.file)
		err = noFields(form.fields)
	}
	if err != nil {
		Error(c, err)
		return
	}
	a, err = s.Library.AddVersion(ctx, user, form.file)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusCreated, s.toAssetResponse(a))
}

// handleAssetList handles GET /api/v1/assets. Reps see published,
// unexpired assets only.
func (s *Server) handleAssetList(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	f := stagecraft.AssetFilter{OrgID: user.OrgID, Limit: limit, Offset: offset,
		Stages: splitList(c.QueryArray("stage")), Personas: splitList(c.QueryArray("persona"))}
	for _, st := range splitList(c.QueryArray("status")) {
		if !stagecraft.AssetStatus(st).Valid() {
			errorf(c, stagecraft.EINVALID, "status must be one of draft, published, archived.")
			return
		}
		f.Statuses = append(f.Statuses, stagecraft.AssetStatus(st))
	}
	if len(f.Stages)+len(f.Personas) > 0 {
		tax, err := s.Taxonomy.FindTaxonomy(ctx, user.OrgID)
		if err != nil {
			Error(c, err)
			return
		}
		if err := tax.CheckKeys(stagecraft.FacetStages, "stage", f.Stages); err != nil {
			Error(c, err)
			return
		}
		if err := tax.CheckKeys(stagecraft.FacetPersonas, "persona", f.Personas); err != nil {
			Error(c, err)
			return
		}
	}
	if user.Role == stagecraft.RoleRep {
		now := s.now()
		f.VisibleAt = &now
	}
	assets, total, err := s.Assets.FindAssets(ctx, f)
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, AssetList{Items: s.toAssetResponses(assets), Total: total})
}

// handleAssetGet handles GET /api/v1/assets/:id.
func (s *Server) handleAssetGet(c *gin.Context) {
	a, err := s.Library.FindAsset(c.Request.Context(), currentUser(c), c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, s.toAssetResponse(a))
}

// assetPatch is the body of PATCH /api/v1/assets/:id. expires_at is raw so
// that an explicit null (clear the expiry) differs from leaving it out.
type assetPatch struct {
	stagecraft.AssetUpdate
	ExpiresAt json.RawMessage `json:"expires_at"`
}

// handleAssetPatch handles PATCH /api/v1/assets/:id (marketer, admin).
func (s *Server) handleAssetPatch(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	var req assetPatch
	if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	upd := req.AssetUpdate
	if len(req.ExpiresAt) > 0 {
		var t *time.Time
		if err := json.Unmarshal(req.ExpiresAt, &t); err != nil {
			errorf(c, stagecraft.EINVALID, "expires_at must be an RFC 3339 time or null.")
			return
		}
		if t != nil {
			u := t.UTC()
			t = &u
		}
		upd.ExpiresAt = &t
	}
	tax, err := s.Taxonomy.FindTaxonomy(ctx, user.OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	a, err := s.Assets.UpdateAsset(ctx, user.OrgID, c.Param("id"), func(a *stagecraft.Asset) error {
		return upd.Apply(a, tax)
	})
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, s.toAssetResponse(a))
}

// handleAssetDelete handles DELETE /api/v1/assets/:id: the asset is
// archived, not erased, so its history and analytics remain.
func (s *Server) handleAssetDelete(c *gin.Context) {
	user := currentUser(c)
	_, err := s.Assets.UpdateAsset(c.Request.Context(), user.OrgID, c.Param("id"), func(a *stagecraft.Asset) error {
		a.Status = stagecraft.StatusArchived
		return nil
	})
	if err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleVersionList handles GET /api/v1/assets/:id/versions.
func (s *Server) handleVersionList(c *gin.Context) {
	ctx, user := c.Request.Context(), currentUser(c)
	a, err := s.Library.FindAsset(ctx, user, c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	vs, err := s.Assets.FindVersions(ctx, user.OrgID, a.ID)
	if err != nil {
		Error(c, err)
		return
	}
	out := make([]*VersionResponse, len(vs))
	for i, v := range vs {
		out[i] = toVersionResponse(v)
	}
	page(c, out)
}

// handleAssetDownload handles GET /api/v1/assets/:id/download: a redirect
// to a short-lived URL of the current file, recorded as a download. With
// ?format=json the URL comes in the body instead, for the web app: a
// script that follows the redirect itself cannot read a cross-origin
// presigned URL, and would fetch the whole file to learn where it is.
func (s *Server) handleAssetDownload(c *gin.Context) {
	format := c.Query("format")
	if format != "" && format != "json" {
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "format must be json, or left out for a redirect.").
			WithDetails(map[string]any{"field": "format"}))
		return
	}
	url, expires, err := s.Library.DownloadURL(c.Request.Context(), currentUser(c), c.Param("id"), c.Query("deal_id"))
	if err != nil {
		Error(c, err)
		return
	}
	if format == "json" {
		c.JSON(http.StatusOK, downloadResponse{URL: url, ExpiresAt: expires})
		return
	}
	c.Redirect(http.StatusFound, url)
}

// downloadResponse is the body of GET /api/v1/assets/:id/download?format=json.
type downloadResponse struct {
	URL       string    `json:"url"`
	ExpiresAt time.Time `json:"expires_at"`
}

// handleAssetThumbnail handles GET /api/v1/assets/:id/thumbnail.
func (s *Server) handleAssetThumbnail(c *gin.Context) {
	rc, info, err := s.Library.OpenThumbnail(c.Request.Context(), currentUser(c), c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	defer func() { _ = rc.Close() }() // read-only: a close error loses nothing
	c.Header("Cache-Control", "private, max-age=300")
	c.DataFromReader(http.StatusOK, info.Size, info.ContentType, rc, nil)
}

// previewCSP is the Content-Security-Policy of a preview: the bytes are
// the app's to render, and opened on their own they may run nothing.
const previewCSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

// previewable reports whether a file of contentType may be served inline
// from the app's origin: PDFs (which the app renders with pdf.js), plain
// text and the raster images the viewer shows. Anything that a browser
// would run or render as a page (HTML, SVG) is not.
func previewable(contentType string) bool {
	ct := mediaType(contentType)
	return ct == "application/pdf" || ct == "text/plain" || inlineImages[ct]
}

// handleAssetPreview handles GET /api/v1/assets/:id/preview: the current
// version's bytes, streamed through the API so that the web app can fetch
// them with its bearer token and render them. Types that are not safe
// inline are 415; the app offers the download instead. No event is
// recorded: the app records its views through POST /api/v1/events.
func (s *Server) handleAssetPreview(c *gin.Context) {
	// The route has no request deadline (a large file on a slow link
	// streams for as long as it takes); the lookup gets its own.
	lookup, cancel := context.WithTimeout(c.Request.Context(), requestTimeout)
	a, err := s.Library.FindAsset(lookup, currentUser(c), c.Param("id"))
	cancel()
	if err != nil {
		Error(c, err)
		return
	}
	ver := a.CurrentVersion
	if !previewable(ver.ContentType) {
		errorf(c, stagecraft.EUNSUPPORTED, "This file type cannot be previewed; download it instead.")
		return
	}
	rc, info, err := s.Library.OpenVersion(c.Request.Context(), ver)
	if err != nil {
		Error(c, err)
		return
	}
	defer func() { _ = rc.Close() }() // read-only: a close error loses nothing
	disposition := mime.FormatMediaType("inline", map[string]string{"filename": ver.Filename})
	if disposition == "" {
		disposition = "inline"
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", previewCSP)
	h.Set("Cache-Control", "private, max-age=60")
	size := info.Size
	if size <= 0 {
		size = -1
	}
	// The stored type was detected from the bytes at upload, never taken
	// from the client; it keeps a text file's charset.
	c.DataFromReader(http.StatusOK, size, ver.ContentType, rc, map[string]string{"Content-Disposition": disposition})
}

// AssetResponse is an asset as the API shows it.
type AssetResponse struct {
	ID             string                 `json:"id"`
	Title          string                 `json:"title"`
	Description    string                 `json:"description"`
	Type           stagecraft.AssetType   `json:"type"`
	Status         stagecraft.AssetStatus `json:"status"`
	Stages         []string               `json:"stages"`
	Personas       []string               `json:"personas"`
	Industries     []string               `json:"industries"`
	Products       []string               `json:"products"`
	Tags           []string               `json:"tags"`
	ExpiresAt      *time.Time             `json:"expires_at"`
	OwnerID        string                 `json:"owner_id"`
	CurrentVersion *VersionResponse       `json:"current_version"`
	IndexStatus    string                 `json:"index_status"`
	IndexError     *string                `json:"index_error"`
	// ThumbnailURL is where the app fetches the preview image; null
	// until the indexer has rendered one.
	ThumbnailURL *string `json:"thumbnail_url"`
	// Preview is the state of the current version's page previews.
	Preview   *PreviewResponse `json:"preview"`
	CreatedAt time.Time        `json:"created_at"`
	UpdatedAt time.Time        `json:"updated_at"`
}

// VersionResponse is one uploaded file of an asset.
type VersionResponse struct {
	ID          string    `json:"id"`
	Number      int       `json:"number"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	PageCount   *int      `json:"page_count"`
	UploadedBy  string    `json:"uploaded_by"`
	CreatedAt   time.Time `json:"created_at"`
}

// AssetList is the body of GET /api/v1/assets.
type AssetList struct {
	Items []*AssetResponse `json:"items"`
	Total int              `json:"total"`
}

// toAssetResponse renders a, with the URLs the API derives for it.
func (s *Server) toAssetResponse(a *stagecraft.Asset) *AssetResponse {
	r := &AssetResponse{ID: a.ID, Title: a.Title, Description: a.Description, Type: a.Type, Status: a.Status,
		Stages: a.Stages, Personas: a.Personas, Industries: a.Industries, Products: a.Products, Tags: a.Tags,
		ExpiresAt: a.ExpiresAt, OwnerID: a.OwnerID, CurrentVersion: toVersionResponse(a.CurrentVersion),
		IndexStatus: a.IndexStatus, IndexError: a.IndexError, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
		Preview: toPreviewResponse(a.CurrentVersion)}
	if a.ThumbnailKey != "" {
		u := s.PublicURL + "/api/v1/assets/" + a.ID + "/thumbnail"
		r.ThumbnailURL = &u
	}
	return r
}

func (s *Server) toAssetResponses(as []*stagecraft.Asset) []*AssetResponse {
	out := make([]*AssetResponse, len(as))
	for i, a := range as {
		out[i] = s.toAssetResponse(a)
	}
	return out
}

func toVersionResponse(v *stagecraft.AssetVersion) *VersionResponse {
	if v == nil {
		return nil
	}
	return &VersionResponse{ID: v.ID, Number: v.Number, Filename: v.Filename, ContentType: v.ContentType,
		Size: v.Size, SHA256: v.SHA256, PageCount: v.PageCount, UploadedBy: v.UploadedBy, CreatedAt: v.CreatedAt}
}
