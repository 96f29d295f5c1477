package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// PreviewResponse is the state of a version's page previews, as the API
// shows it on an asset.
type PreviewResponse struct {
	// Status is none, pending, ready, failed or unavailable (the
	// converter is not installed).
	Status stagecraft.PreviewStatus `json:"status"`
	// Pages is the number of page images, 0 unless ready.
	Pages int `json:"pages"`
	// Error says why there is no preview, or that only the first pages
	// have one; null otherwise.
	Error *string `json:"error"`
	// PageSizes are the [width, height] in pixels of each page image, in
	// page order, so viewers can lay out placeholders before images load.
	PageSizes [][2]int `json:"page_sizes"`
}

func toPreviewResponse(v *stagecraft.AssetVersion) *PreviewResponse {
	r := &PreviewResponse{Status: stagecraft.PreviewNone, PageSizes: [][2]int{}}
	if v == nil {
		return r
	}
	p := v.Preview
	if p.Status != "" {
		r.Status = p.Status
	}
	r.Pages = p.Pages
	if p.Error != "" {
		msg := p.Error
		r.Error = &msg
	}
	for _, s := range p.PageSizes {
		r.PageSizes = append(r.PageSizes, [2]int{s.Width, s.Height})
	}
	return r
}

// handleAssetPage handles GET /api/v1/assets/:id/pages/:n: the JPEG image
// of page n (1-based) of the current version of an asset the caller may
// see; 404 while it has none. The URL names the asset, not the version,
// so a new version changes what it serves: caches keep it briefly.
func (s *Server) handleAssetPage(c *gin.Context) {
	n, err := strconv.Atoi(c.Param("n"))
	if err != nil || n < 1 {
		Error(c, stagecraft.Errorf(stagecraft.EINVALID, "n must be a page number from 1.").
			WithDetails(map[string]any{"field": "n"}))
		return
	}
	rc, info, err := s.Library.OpenAssetPage(c.Request.Context(), currentUser(c), c.Param("id"), n)
	if err != nil {
		Error(c, err)
		return
	}
	defer func() { _ = rc.Close() }() // read-only: a close error loses nothing
	c.Header("Cache-Control", "private, max-age=60")
	c.Header("X-Content-Type-Options", "nosniff")
	size := info.Size
	if size <= 0 {
		size = -1
	}
	c.DataFromReader(http.StatusOK, size, "image/jpeg", rc, nil)
}
