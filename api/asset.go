package api

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/library"
)

// Limits on the non-file parts of an upload.
const (
	maxFieldBytes = 64 << 10
	maxParts      = 200
	// multipartOverhead is room for part headers and fields on top of the
	// file's own size limit.
	multipartOverhead = 1 << 20
	// uploadBuffer is the read buffer of an upload's request body.
	uploadBuffer = 1 << 20
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
	c.JSON(http.StatusCreated, s.assetJSON(a))
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
	c.JSON(http.StatusCreated, s.assetJSON(a))
}

// noFields refuses form fields: a new version takes its metadata from the
// asset, so a field sent with it would be silently lost.
func noFields(fields url.Values) error {
	for k := range fields {
		return stagecraft.Errorf(stagecraft.EINVALID, "%s: a new version takes only a file; change metadata with PATCH.", k).
			WithDetails(map[string]any{"field": k})
	}
	return nil
}

type uploadForm struct {
	fields url.Values
	file   *library.StoredFile
}

// readUpload reads a multipart body part by part. precheck (optional)
// sees the fields that came before the file; store streams the file. On
// error, a file already stored is discarded.
func (s *Server) readUpload(c *gin.Context, precheck func(url.Values) error,
	store func(name string, r io.Reader) (*library.StoredFile, error)) (form uploadForm, err error) {
	form.fields = url.Values{}
	defer func() {
		if err != nil && form.file != nil {
			s.Library.Discard(c.Request.Context(), form.file)
			form.file = nil
		}
	}()
	mediaType, params, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if mediaType != "multipart/form-data" {
		return form, stagecraft.Errorf(stagecraft.EUNSUPPORTED, "Content-Type must be multipart/form-data with a 'file' part.")
	}
	if c.Request.ContentLength > s.MaxUpload+multipartOverhead {
		return form, stagecraft.Errorf(stagecraft.ETOOLARGE, "file is larger than the %d MB limit.", s.MaxUpload>>20).
			WithDetails(map[string]any{"field": "file", "max_bytes": s.MaxUpload})
	}
	if params["boundary"] == "" {
		return form, stagecraft.Errorf(stagecraft.EINVALID, "the multipart body is malformed: no boundary in Content-Type.")
	}
	// The multipart reader pulls from the connection 4 KiB at a time; a
	// large buffer underneath turns that into few, large reads, which
	// matters at hundreds of megabytes.
	body := http.MaxBytesReader(c.Writer, c.Request.Body, s.MaxUpload+multipartOverhead)
	mr := multipart.NewReader(bufio.NewReaderSize(body, uploadBuffer), params["boundary"])
	for parts := 0; ; parts++ {
		if parts > maxParts {
			return form, stagecraft.Errorf(stagecraft.EINVALID, "too many form fields (at most %d).", maxParts)
		}
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return form, requestReadError(err)
		}
		name := part.FormName()
		if name != "file" {
			v, err := readField(part, name)
			if err != nil {
				return form, err
			}
			form.fields.Add(name, v)
			continue
		}
		if form.file != nil {
			return form, stagecraft.Errorf(stagecraft.EINVALID, "file: only one file may be uploaded per request.")
		}
		if precheck != nil {
			if err := precheck(form.fields); err != nil {
				return form, err
			}
		}
		body := &bodyReader{r: part}
		f, err := store(part.FileName(), body)
		if err != nil {
			if body.err != nil {
				return form, requestReadError(body.err)
			}
			return form, err
		}
		form.file = f
	}
	if form.file == nil {
		return form, stagecraft.Errorf(stagecraft.EINVALID, "file is required.").
			WithDetails(map[string]any{"field": "file"})
	}
	return form, nil
}

// bodyReader remembers an error that came from the request itself (the
// client went away, or the body was malformed or too large), so it is
// reported as the client's fault rather than the store's.
type bodyReader struct {
	r   io.Reader
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err != nil && !errors.Is(err, io.EOF) {
		b.err = err
	}
	return n, err
}

func requestReadError(err error) error {
	if isMaxBytes(err) {
		return stagecraft.Errorf(stagecraft.ETOOLARGE, "request body is too large.")
	}
	return &stagecraft.Error{Code: stagecraft.EINVALID,
		Message: "The upload was interrupted or the multipart body is malformed.", Err: err}
}

func readField(part *multipart.Part, name string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return "", requestReadError(err)
	}
	if len(b) > maxFieldBytes {
		return "", stagecraft.Errorf(stagecraft.EINVALID, "%s: longer than %d bytes.", name, maxFieldBytes)
	}
	return string(b), nil
}

// assetMeta reads the upload's metadata fields. List fields may repeat or
// hold comma-separated values.
func assetMeta(f url.Values) (stagecraft.AssetMeta, error) {
	known := map[string]bool{"title": true, "description": true, "status": true, "expires_at": true,
		"stages": true, "personas": true, "industries": true, "products": true, "tags": true}
	for k := range f {
		if !known[k] {
			return stagecraft.AssetMeta{}, stagecraft.Errorf(stagecraft.EINVALID,
				"%s: unknown field; expected file, title, description, status, expires_at, stages, personas, industries, products, tags.", k).
				WithDetails(map[string]any{"field": k})
		}
	}
	m := stagecraft.AssetMeta{
		Title:       strings.TrimSpace(f.Get("title")),
		Description: strings.TrimSpace(f.Get("description")),
		Status:      stagecraft.AssetStatus(strings.TrimSpace(f.Get("status"))),
		Stages:      splitList(f["stages"]),
		Personas:    splitList(f["personas"]),
		Industries:  splitList(f["industries"]),
		Products:    splitList(f["products"]),
		Tags:        splitList(f["tags"]),
	}
	if v := strings.TrimSpace(f.Get("expires_at")); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return m, stagecraft.Errorf(stagecraft.EINVALID, "expires_at must be an RFC 3339 time such as 2027-01-31T00:00:00Z.").
				WithDetails(map[string]any{"field": "expires_at"})
		}
		t = t.UTC()
		m.ExpiresAt = &t
	}
	return m, nil
}

func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		out = append(out, strings.Split(v, ",")...)
	}
	return stagecraft.CleanList(out)
}

type assetList struct {
	Items []*stagecraft.Asset `json:"items"`
	Total int                 `json:"total"`
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
	for i := range assets {
		assets[i] = s.assetJSON(assets[i])
	}
	c.JSON(http.StatusOK, assetList{Items: assets, Total: total})
}

// handleAssetGet handles GET /api/v1/assets/:id.
func (s *Server) handleAssetGet(c *gin.Context) {
	a, err := s.Library.FindAsset(c.Request.Context(), currentUser(c), c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	c.JSON(http.StatusOK, s.assetJSON(a))
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
	c.JSON(http.StatusOK, s.assetJSON(a))
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
	page(c, vs)
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
	url, err := s.Library.DownloadURL(c.Request.Context(), currentUser(c), c.Param("id"), c.Query("deal_id"))
	if err != nil {
		Error(c, err)
		return
	}
	c.Header("Cache-Control", "no-store")
	if format == "json" {
		c.JSON(http.StatusOK, downloadResponse{URL: url, ExpiresAt: s.now().Add(s.Library.URLTTL).UTC()})
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
	ctx := c.Request.Context()
	a, err := s.Library.FindAsset(ctx, currentUser(c), c.Param("id"))
	if err != nil {
		Error(c, err)
		return
	}
	if a.ThumbnailKey == "" {
		errorf(c, stagecraft.ENOTFOUND, "This asset has no thumbnail.")
		return
	}
	rc, info, err := s.Library.Blobs.Open(ctx, a.ThumbnailKey)
	if err != nil {
		Error(c, err)
		return
	}
	defer rc.Close()
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
	rc, info, err := s.Library.Blobs.Open(c.Request.Context(), ver.BlobKey)
	if err != nil {
		Error(c, err)
		return
	}
	defer rc.Close()
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

// assetJSON fills in the fields the API derives for display.
func (s *Server) assetJSON(a *stagecraft.Asset) *stagecraft.Asset {
	if a.ThumbnailKey != "" {
		u := s.PublicURL + "/api/v1/assets/" + a.ID + "/thumbnail"
		a.ThumbnailURL = &u
	}
	return a
}
