package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"slices"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/stagecraft/stagecraft"
)

const (
	// DefaultLimit is the page size of a query without one.
	DefaultLimit = 20
	cropLength   = 30
	// Highlight markers: control characters that do not occur in indexed
	// text (toDocument strips them), turned into <mark> after escaping.
	highlightPre  = "\x01"
	highlightPost = "\x02"
)

// Search runs q as one multi-search request (see buildPlan). Returns
// EINVALID for text over stagecraft.MaxQueryLength or a query Meilisearch
// rejects, and EUNAVAILABLE when Meilisearch cannot be reached.
func (ix *Index) Search(ctx context.Context, q stagecraft.SearchQuery) (*stagecraft.SearchResult, error) {
	q, err := normalize(q)
	if err != nil {
		return nil, err
	}
	plan := buildPlan(ix.uid, q)
	ctx, cancel := ix.callContext(ctx)
	defer cancel()
	resp, err := ix.client.MultiSearchWithContext(ctx, &meilisearch.MultiSearchRequest{Queries: plan.requests})
	if err != nil {
		return nil, translate(err, "search")
	}
	return plan.read(resp.Results)
}

// normalize trims the text and applies the default limit.
func normalize(q stagecraft.SearchQuery) (stagecraft.SearchQuery, error) {
	if q.OrgID == "" {
		return q, fmt.Errorf("meili: search without an organisation")
	}
	q.Text = strings.TrimSpace(q.Text)
	if len(q.Text) > stagecraft.MaxQueryLength {
		return q, stagecraft.Errorf(stagecraft.EINVALID, "The search text must be at most %d bytes.", stagecraft.MaxQueryLength)
	}
	if q.Limit <= 0 {
		q.Limit = DefaultLimit
	}
	q.Offset = max(q.Offset, 0)
	return q, nil
}

// searchPlan is the multi-search request of a query.
type searchPlan struct {
	requests []*meilisearch.SearchRequest
	// totals is the request whose totalHits is SearchResult.Total.
	totals int
}

// buildPlan builds the requests of q (normalized):
//
//   - request 0 returns the page of hits, with every filter. When Offset
//     is a multiple of Limit it pages with page/hitsPerPage, which makes
//     Meilisearch count totalHits exactly, and also asks for the facets
//     that have no filter. Otherwise it pages with offset/limit (whose
//     total is only an estimate) and request 1, with hitsPerPage 0, gives
//     the exact total and those facets.
//   - for each facet with a filter, a request with hitsPerPage 0 whose
//     filter leaves out that facet's own clause asks for that facet only:
//     the disjunctive counts of search.go.
//
// Limit 0 cannot be sent (the SDK's Limit is omitempty), hence hitsPerPage 0.
func buildPlan(uid string, q stagecraft.SearchQuery) *searchPlan {
	var unfiltered []string
	for _, f := range facetFields {
		if len(facetValues(q, f.attr)) == 0 {
			unfiltered = append(unfiltered, f.attr)
		}
	}
	hits := &meilisearch.SearchRequest{
		IndexUID: uid,
		Query:    q.Text,
		Filter:   buildFilter(q, ""),
		// Every word must match: Meilisearch's default ("last") drops
		// words from the end of the query until something matches.
		MatchingStrategy:      meilisearch.All,
		AttributesToRetrieve:  []string{"id"},
		AttributesToHighlight: []string{"title", "body"},
		AttributesToCrop:      []string{"body"},
		CropLength:            cropLength,
		HighlightPreTag:       highlightPre,
		HighlightPostTag:      highlightPost,
		ShowRankingScore:      true,
	}
	if q.Text == "" {
		// Without words every hit ranks the same: newest first.
		hits.Sort = []string{"updated_at_ts:desc"}
	}
	plan := &searchPlan{requests: []*meilisearch.SearchRequest{hits}}
	if q.Offset%q.Limit == 0 {
		perPage := int64(q.Limit)
		hits.HitsPerPage = &perPage
		hits.Page = int64(q.Offset/q.Limit) + 1
		hits.Facets = unfiltered
	} else {
		hits.Offset, hits.Limit = int64(q.Offset), int64(q.Limit)
		plan.totals = len(plan.requests)
		plan.requests = append(plan.requests, countRequest(uid, q, buildFilter(q, ""), unfiltered))
	}
	for _, f := range facetFields {
		if len(facetValues(q, f.attr)) > 0 {
			plan.requests = append(plan.requests, countRequest(uid, q, buildFilter(q, f.attr), []string{f.attr}))
		}
	}
	return plan
}

// countRequest counts matches and facet values without returning hits.
func countRequest(uid string, q stagecraft.SearchQuery, filter string, facets []string) *meilisearch.SearchRequest {
	zero := int64(0)
	return &meilisearch.SearchRequest{
		IndexUID:         uid,
		Query:            q.Text,
		Filter:           filter,
		MatchingStrategy: meilisearch.All,
		HitsPerPage:      &zero,
		Facets:           facets,
	}
}

// read assembles the result from the responses, in request order. Each
// facet's counts come from the one request that asked for it.
func (p *searchPlan) read(results []meilisearch.SearchResponse) (*stagecraft.SearchResult, error) {
	if len(results) != len(p.requests) {
		return nil, fmt.Errorf("meili: search: %d results for %d queries", len(results), len(p.requests))
	}
	res := &stagecraft.SearchResult{
		Hits:   make([]stagecraft.SearchHit, 0, len(results[0].Hits)),
		Total:  int(results[p.totals].TotalHits),
		Facets: map[string]map[string]int{},
	}
	for _, f := range facetFields {
		res.Facets[f.key] = map[string]int{}
	}
	for _, h := range results[0].Hits {
		hit, err := decodeHit(h)
		if err != nil {
			return nil, err
		}
		res.Hits = append(res.Hits, hit)
	}
	for i, r := range results {
		var dist map[string]map[string]int
		if len(r.FacetDistribution) > 0 {
			if err := json.Unmarshal(r.FacetDistribution, &dist); err != nil {
				return nil, fmt.Errorf("meili: search: decode facets: %w", err)
			}
		}
		for attr, counts := range dist {
			key, ok := facetKey(attr)
			if !ok || !slices.Contains(p.requests[i].Facets, attr) {
				continue
			}
			for v, n := range counts {
				res.Facets[key][v] = n
			}
		}
	}
	return res, nil
}

// rawHit is a hit as requested: its id, score and formatted fields.
type rawHit struct {
	ID        string  `json:"id"`
	Score     float64 `json:"_rankingScore"`
	Formatted struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"_formatted"`
}

func decodeHit(h meilisearch.Hit) (stagecraft.SearchHit, error) {
	var raw rawHit
	if err := h.DecodeInto(&raw); err != nil {
		return stagecraft.SearchHit{}, fmt.Errorf("meili: search: decode hit: %w", err)
	}
	if raw.ID == "" {
		return stagecraft.SearchHit{}, fmt.Errorf("meili: search: hit without id")
	}
	hit := stagecraft.SearchHit{
		AssetID:    raw.ID,
		Score:      raw.Score,
		Highlights: map[string]string{"title": renderHighlight(raw.Formatted.Title)},
	}
	if text := renderHighlight(raw.Formatted.Body); text != "" {
		hit.Highlights["text"] = text
	}
	return hit, nil
}

// renderHighlight HTML-escapes s and turns the highlight markers into
// <mark>…</mark>, keeping the tags balanced: a marker that would open a
// second <mark> or close none is dropped, and an open one is closed at the
// end. The result is safe in HTML whatever the document held.
func renderHighlight(s string) string {
	var b strings.Builder
	open := false
	for s != "" {
		i := strings.IndexAny(s, highlightPre+highlightPost)
		if i < 0 {
			b.WriteString(html.EscapeString(s))
			break
		}
		b.WriteString(html.EscapeString(s[:i]))
		switch {
		case s[i] == highlightPre[0] && !open:
			b.WriteString("<mark>")
			open = true
		case s[i] == highlightPost[0] && open:
			b.WriteString("</mark>")
			open = false
		}
		s = s[i+1:]
	}
	if open {
		b.WriteString("</mark>")
	}
	return b.String()
}
