// Package discover finds collateral for a rep: search over the library
// with a deal's stage and personas applied, and recommendations for a
// deal ranked by evidence of lift. It holds the rules of what a user may
// find, so every way of finding applies them alike.
package discover

import (
	"context"
	"fmt"

	"github.com/stagecraft/stagecraft"
)

// Service searches and recommends on behalf of signed-in users.
type Service struct {
	Search    stagecraft.SearchIndex
	Assets    stagecraft.AssetService
	Deals     stagecraft.DealService
	Taxonomy  stagecraft.TaxonomyService
	Analytics stagecraft.AnalyticsService
	Now       stagecraft.Clock
}

// Query is a search as a user asks it. DealID, when set and no stage or
// persona is given, applies the deal's stage and personas.
type Query struct {
	Text                                   string
	Stages, Personas, Industries, Products []string
	Types                                  []stagecraft.AssetType
	DealID                                 string
	Limit, Offset                          int
}

// Hit is an asset found, with its score and highlighted snippets.
type Hit struct {
	Asset      *stagecraft.Asset
	Score      float64
	Highlights map[string]string
}

// Results are a page of hits with the number of matches and facet
// counts (see stagecraft.SearchResult).
type Results struct {
	Hits      []Hit
	Total     int
	Estimated bool
	Facets    map[string]map[string]int
}

// Find searches the user's organisation. Reps find only published,
// unexpired assets; a deal the user may not see is ENOTFOUND; a facet
// value the taxonomy does not know is EINVALID naming the field.
func (s *Service) Find(ctx context.Context, user *stagecraft.User, q Query) (*Results, error) {
	if len(q.Text) > stagecraft.MaxQueryLength {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "q: at most %d characters.", stagecraft.MaxQueryLength).
			WithDetails(map[string]any{"field": "q"})
	}
	sq := stagecraft.SearchQuery{OrgID: user.OrgID, Text: q.Text, Limit: q.Limit, Offset: q.Offset,
		Stages: q.Stages, Personas: q.Personas, Industries: q.Industries, Products: q.Products, Types: q.Types}
	if q.DealID != "" && len(sq.Stages) == 0 && len(sq.Personas) == 0 {
		deal, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, q.DealID)
		if err != nil {
			return nil, err
		}
		sq.Stages, sq.Personas = []string{deal.Stage}, deal.Personas
	}
	tax, err := s.Taxonomy.FindTaxonomy(ctx, user.OrgID)
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		facet, field string
		keys         []string
	}{
		{stagecraft.FacetStages, "stage", sq.Stages}, {stagecraft.FacetPersonas, "persona", sq.Personas},
		{stagecraft.FacetIndustries, "industry", sq.Industries}, {stagecraft.FacetProducts, "product", sq.Products},
	} {
		if err := tax.CheckKeys(f.facet, f.field, f.keys); err != nil {
			return nil, err
		}
	}
	if user.Role == stagecraft.RoleRep {
		now := s.Now()
		sq.VisibleAt = &now
	}
	res, err := s.Search.Search(ctx, sq)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.AssetID
	}
	assets, err := s.Assets.FindAssetsByIDs(ctx, user.OrgID, ids)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	out := &Results{Hits: []Hit{}, Total: res.Total, Estimated: res.Estimated, Facets: res.Facets}
	now := s.Now()
	for _, h := range res.Hits {
		// The index trails the database by a moment: check again.
		a := assets[h.AssetID]
		if a == nil || !a.VisibleTo(user, now) || a.Status == stagecraft.StatusArchived {
			continue
		}
		out.Hits = append(out.Hits, Hit{Asset: a, Score: h.Score, Highlights: h.Highlights})
	}
	return out, nil
}

// minEvidence is how many closed deals influenced at a stage an asset
// needs before its record there is used to rank it.
const minEvidence = 3

// Recommendations are the assets suggested for a deal.
type Recommendations struct {
	Deal  *stagecraft.Deal
	Items []*stagecraft.Recommendation
}

// Recommend ranks published assets for the deal's current stage and
// personas by evidence of lift at that stage, falling back to tags; at
// most limit of them. A deal the user may not see is ENOTFOUND.
func (s *Service) Recommend(ctx context.Context, user *stagecraft.User, dealID string, limit int) (*Recommendations, error) {
	deal, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, dealID)
	if err != nil {
		return nil, err
	}
	evidence, err := s.Analytics.StageEvidence(ctx, user.OrgID, deal.Stage)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	assets, _, err := s.Assets.FindAssets(ctx, stagecraft.AssetFilter{OrgID: user.OrgID, VisibleAt: &now, Limit: 10000})
	if err != nil {
		return nil, err
	}
	tax, err := s.Taxonomy.FindTaxonomy(ctx, user.OrgID)
	if err != nil {
		return nil, err
	}
	recs := stagecraft.Recommend(assets, evidence, deal, tax, minEvidence)
	if len(recs) > limit {
		recs = recs[:limit]
	}
	return &Recommendations{Deal: deal, Items: recs}, nil
}
