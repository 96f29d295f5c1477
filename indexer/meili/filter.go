package meili

import (
	"strconv"
	"strings"

	"github.com/stagecraft/stagecraft"
)

// facetField maps a filterable Meilisearch attribute to its key in
// SearchResult.Facets.
type facetField struct {
	attr string
	key  string
}

// facetFields are the facets of a search, in filter order.
var facetFields = []facetField{
	{"stages", stagecraft.FacetStages},
	{"personas", stagecraft.FacetPersonas},
	{"industries", stagecraft.FacetIndustries},
	{"products", stagecraft.FacetProducts},
	{"type", stagecraft.FacetTypes},
}

// facetKey returns the SearchResult.Facets key of a Meilisearch facet.
func facetKey(attr string) (string, bool) {
	for _, f := range facetFields {
		if f.attr == attr {
			return f.key, true
		}
	}
	return "", false
}

// facetValues returns the values q selects for the facet attr.
func facetValues(q stagecraft.SearchQuery, attr string) []string {
	switch attr {
	case "stages":
		return q.Stages
	case "personas":
		return q.Personas
	case "industries":
		return q.Industries
	case "products":
		return q.Products
	case "type":
		vals := make([]string, len(q.Types))
		for i, t := range q.Types {
			vals[i] = string(t)
		}
		return vals
	}
	return nil
}

// filter is a conjunction of filter clauses. The only way to make one is
// newFilter, which writes the org_id clause first, so every expression this
// package sends is scoped to one organisation.
type filter struct {
	b strings.Builder
}

// newFilter starts a filter with `org_id = "<orgID>"`.
func newFilter(orgID string) *filter {
	f := &filter{}
	f.b.WriteString("org_id = ")
	f.b.WriteString(quote(orgID))
	return f
}

// and adds a clause built by this package (never from input).
func (f *filter) and(clause string) *filter {
	f.b.WriteString(" AND ")
	f.b.WriteString(clause)
	return f
}

// anyOf adds `(attr = "v1" OR attr = "v2" …)`; nothing when vals is empty.
func (f *filter) anyOf(attr string, vals []string) *filter {
	if len(vals) == 0 {
		return f
	}
	f.b.WriteString(" AND (")
	for i, v := range vals {
		if i > 0 {
			f.b.WriteString(" OR ")
		}
		f.b.WriteString(attr)
		f.b.WriteString(" = ")
		f.b.WriteString(quote(v))
	}
	f.b.WriteString(")")
	return f
}

func (f *filter) String() string { return f.b.String() }

// buildFilter returns the filter of q: its organisation, never archived,
// visible at q.VisibleAt when set, and each facet's values OR-ed, the facets
// AND-ed. The facet named skip is left out (for disjunctive facet counts).
func buildFilter(q stagecraft.SearchQuery, skip string) string {
	f := newFilter(q.OrgID).and(`status != "archived"`)
	if q.VisibleAt != nil {
		f.and(`status = "published"`)
		f.and("expires_at_ts > " + strconv.FormatInt(q.VisibleAt.Unix(), 10))
	}
	for _, ff := range facetFields {
		if ff.attr != skip {
			f.anyOf(ff.attr, facetValues(q, ff.attr))
		}
	}
	return f.String()
}

// deleteFilter selects the document of one asset, only in its organisation.
func deleteFilter(orgID, assetID string) string {
	return newFilter(orgID).and("id = " + quote(assetID)).String()
}

// quoteEscaper escapes the two characters Meilisearch's filter parser
// treats specially inside a double-quoted value. Both are ASCII, so the
// byte-wise replacement leaves multi-byte UTF-8 untouched.
var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// quote returns v as a double-quoted filter value. The parser (Meilisearch
// 1.4 and later) ends a quoted value at the first `"` not preceded by a
// backslash, skipping the character after every backslash, then replaces
// `\"` with `"` and finally unescapes backslash sequences (`\\` → `\`).
// Doubling every backslash and escaping every quote therefore keeps the
// value inside its quotes whatever it holds (quotes, parentheses, AND/OR,
// newlines, NUL) and gives back the value itself.
func quote(v string) string {
	return `"` + quoteEscaper.Replace(v) + `"`
}
