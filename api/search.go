package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/discover"
)

// SearchHit is one asset found, with its score and highlights.
type SearchHit struct {
	Asset      *AssetResponse    `json:"asset"`
	Score      float64           `json:"score"`
	Highlights map[string]string `json:"highlights"`
}

// SearchResponse is the body of GET /api/v1/search.
type SearchResponse struct {
	Hits  []SearchHit `json:"hits"`
	Total int         `json:"total"`
	// TotalEstimated is set when total and facets count only part of
	// the matches (there were more than the backend counts exactly).
	TotalEstimated bool                      `json:"total_estimated"`
	Facets         map[string]map[string]int `json:"facets"`
	TookMS         int64                     `json:"took_ms"`
}

var assetTypes = []stagecraft.AssetType{stagecraft.TypePDF, stagecraft.TypeDeck, stagecraft.TypeDocument,
	stagecraft.TypeSpreadsheet, stagecraft.TypeImage, stagecraft.TypeVideo, stagecraft.TypeText,
	stagecraft.TypeLink, stagecraft.TypeOther}

// handleSearch handles GET /api/v1/search. Values of one facet are OR-ed,
// facets AND-ed; deal_id applies the deal's stage and personas unless
// stage or persona is given; reps find only published, unexpired assets.
func (s *Server) handleSearch(c *gin.Context) {
	start := time.Now()
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	q := discover.Query{Text: c.Query("q"), Limit: limit, Offset: offset, DealID: c.Query("deal_id"),
		Stages: splitList(c.QueryArray("stage")), Personas: splitList(c.QueryArray("persona")),
		Industries: splitList(c.QueryArray("industry")), Products: splitList(c.QueryArray("product"))}
	for _, t := range splitList(c.QueryArray("type")) {
		if !validType(t) {
			Error(c, stagecraft.Errorf(stagecraft.EINVALID, "type: unknown value '%s'; valid values are: %v.", t, assetTypes).
				WithDetails(map[string]any{"field": "type", "valid": assetTypes}))
			return
		}
		q.Types = append(q.Types, stagecraft.AssetType(t))
	}
	res, err := s.Finder.Find(c.Request.Context(), currentUser(c), q)
	if err != nil {
		Error(c, err)
		return
	}
	out := SearchResponse{Hits: make([]SearchHit, len(res.Hits)), Total: res.Total, TotalEstimated: res.Estimated,
		Facets: res.Facets}
	for i, h := range res.Hits {
		out.Hits[i] = SearchHit{Asset: s.toAssetResponse(h.Asset), Score: h.Score, Highlights: h.Highlights}
	}
	out.TookMS = time.Since(start).Milliseconds()
	c.JSON(http.StatusOK, out)
}

func validType(t string) bool {
	for _, v := range assetTypes {
		if string(v) == t {
			return true
		}
	}
	return false
}
