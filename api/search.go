package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
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
	ctx, user := c.Request.Context(), currentUser(c)
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	q := stagecraft.SearchQuery{OrgID: user.OrgID, Text: c.Query("q"), Limit: limit, Offset: offset,
		Stages: splitList(c.QueryArray("stage")), Personas: splitList(c.QueryArray("persona")),
		Industries: splitList(c.QueryArray("industry")), Products: splitList(c.QueryArray("product"))}
	if len(q.Text) > stagecraft.MaxQueryLength {
		errorf(c, stagecraft.EINVALID, "q: at most %d characters.", stagecraft.MaxQueryLength)
		return
	}
	for _, t := range splitList(c.QueryArray("type")) {
		if !validType(t) {
			Error(c, stagecraft.Errorf(stagecraft.EINVALID, "type: unknown value '%s'; valid values are: %v.", t, assetTypes).
				WithDetails(map[string]any{"field": "type", "valid": assetTypes}))
			return
		}
		q.Types = append(q.Types, stagecraft.AssetType(t))
	}
	if dealID := c.Query("deal_id"); dealID != "" && len(q.Stages) == 0 && len(q.Personas) == 0 {
		deal, err := s.Deals.FindDealByID(ctx, user.OrgID, dealID)
		if err == nil && !deal.VisibleTo(user) {
			err = stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
		}
		if err != nil {
			Error(c, err)
			return
		}
		q.Stages, q.Personas = []string{deal.Stage}, deal.Personas
	}
	tax, err := s.Taxonomy.FindTaxonomy(ctx, user.OrgID)
	if err != nil {
		Error(c, err)
		return
	}
	for _, f := range []struct {
		facet, field string
		keys         []string
	}{
		{stagecraft.FacetStages, "stage", q.Stages}, {stagecraft.FacetPersonas, "persona", q.Personas},
		{stagecraft.FacetIndustries, "industry", q.Industries}, {stagecraft.FacetProducts, "product", q.Products},
	} {
		if err := tax.CheckKeys(f.facet, f.field, f.keys); err != nil {
			Error(c, err)
			return
		}
	}
	if user.Role == stagecraft.RoleRep {
		now := s.now()
		q.VisibleAt = &now
	}
	res, err := s.Search.Search(ctx, q)
	if err != nil {
		Error(c, err)
		return
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.AssetID
	}
	assets, err := s.Assets.FindAssetsByIDs(ctx, user.OrgID, ids)
	if err != nil {
		Error(c, err)
		return
	}
	out := SearchResponse{Hits: []SearchHit{}, Total: res.Total, TotalEstimated: res.Estimated, Facets: res.Facets}
	now := s.now()
	for _, h := range res.Hits {
		// The index trails the database by a moment: check again.
		a := assets[h.AssetID]
		if a == nil || !a.VisibleTo(user, now) || a.Status == stagecraft.StatusArchived {
			continue
		}
		out.Hits = append(out.Hits, SearchHit{Asset: s.toAssetResponse(a), Score: h.Score, Highlights: h.Highlights})
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
