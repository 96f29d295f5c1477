package stagecraft

import (
	"context"
	"regexp"
	"sort"
	"strings"
)

// Term is one entry of a taxonomy facet. Order is used for stages, which
// form a funnel; other facets keep it as their display order.
type Term struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Order int    `json:"order"`
}

// Taxonomy is an organisation's vocabulary for tagging collateral and deals.
type Taxonomy struct {
	Stages     []Term `json:"stages"`
	Personas   []Term `json:"personas"`
	Industries []Term `json:"industries"`
	Products   []Term `json:"products"`
}

// Facet names, as used in taxonomy rows and error details.
const (
	FacetStages     = "stages"
	FacetPersonas   = "personas"
	FacetIndustries = "industries"
	FacetProducts   = "products"
)

// Facets lists the facet names in display order.
var Facets = []string{FacetStages, FacetPersonas, FacetIndustries, FacetProducts}

// DefaultTaxonomy returns the vocabulary a new organisation starts with.
func DefaultTaxonomy() Taxonomy {
	terms := func(pairs ...string) []Term {
		var ts []Term
		for i := 0; i+1 < len(pairs); i += 2 {
			ts = append(ts, Term{Key: pairs[i], Label: pairs[i+1], Order: i/2 + 1})
		}
		return ts
	}
	return Taxonomy{
		Stages: terms(
			"prospecting", "Prospecting",
			"discovery", "Discovery",
			"evaluation", "Evaluation",
			"proposal", "Proposal",
			"negotiation", "Negotiation",
		),
		Personas: terms(
			"economic_buyer", "Economic buyer",
			"technical_buyer", "Technical buyer",
			"end_user", "End user",
			"champion", "Champion",
			"executive_sponsor", "Executive sponsor",
			"procurement", "Procurement",
		),
		Industries: terms(
			"technology", "Technology",
			"financial_services", "Financial services",
			"healthcare", "Healthcare",
			"manufacturing", "Manufacturing",
			"retail", "Retail",
			"public_sector", "Public sector",
		),
		Products: []Term{},
	}
}

// Terms returns the terms of the named facet.
func (t *Taxonomy) Terms(facet string) []Term {
	switch facet {
	case FacetStages:
		return t.Stages
	case FacetPersonas:
		return t.Personas
	case FacetIndustries:
		return t.Industries
	case FacetProducts:
		return t.Products
	}
	return nil
}

// Keys returns the keys of the named facet in order.
func (t *Taxonomy) Keys(facet string) []string {
	ts := t.Terms(facet)
	keys := make([]string, len(ts))
	for i, term := range ts {
		keys[i] = term.Key
	}
	return keys
}

// StageOrder returns the position of a stage in the funnel, or 0 if unknown.
func (t *Taxonomy) StageOrder(key string) int {
	for _, s := range t.Stages {
		if s.Key == key {
			return s.Order
		}
	}
	return 0
}

// CheckKeys returns EINVALID naming the valid keys when any of keys is not
// a key of facet. field is the request field reported in the error.
func (t *Taxonomy) CheckKeys(facet, field string, keys []string) error {
	valid := t.Keys(facet)
	var unknown []string
	for _, k := range keys {
		if !contains(valid, k) {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	list := strings.Join(valid, ", ")
	if list == "" {
		list = "(none defined)"
	}
	return Errorf(EINVALID, "%s: unknown key %s; valid keys are: %s.", field, quoteList(unknown), list).
		WithDetails(map[string]any{"field": field, "unknown": unknown, "valid": valid})
}

var keyPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,62}$`)

// Normalize sorts each facet by order when every term gives one (otherwise
// the list order stands), renumbers 1..n, and defaults empty labels to keys.
func (t *Taxonomy) Normalize() {
	for _, f := range Facets {
		ts := t.Terms(f)
		if allOrdered(ts) {
			sort.SliceStable(ts, func(i, j int) bool { return ts[i].Order < ts[j].Order })
		}
		for i := range ts {
			ts[i].Order = i + 1
			ts[i].Label = strings.TrimSpace(ts[i].Label)
			if ts[i].Label == "" {
				ts[i].Label = ts[i].Key
			}
		}
	}
	if t.Stages == nil {
		t.Stages = []Term{}
	}
	if t.Personas == nil {
		t.Personas = []Term{}
	}
	if t.Industries == nil {
		t.Industries = []Term{}
	}
	if t.Products == nil {
		t.Products = []Term{}
	}
}

// Validate checks keys are well formed and unique within their facet, and
// that there is at least one stage.
func (t *Taxonomy) Validate() error {
	if len(t.Stages) == 0 {
		return Errorf(EINVALID, "stages: at least one stage is required.")
	}
	for _, f := range Facets {
		seen := map[string]bool{}
		for i, term := range t.Terms(f) {
			if !keyPattern.MatchString(term.Key) {
				return Errorf(EINVALID, "%s[%d].key %q must be 1-63 lower-case letters, digits, '_' or '-'.", f, i, term.Key)
			}
			if seen[term.Key] {
				return Errorf(EINVALID, "%s[%d].key %q is repeated.", f, i, term.Key)
			}
			if len(term.Label) > 100 {
				return Errorf(EINVALID, "%s[%d].label is longer than 100 characters.", f, i)
			}
			seen[term.Key] = true
		}
		if len(t.Terms(f)) > 500 {
			return Errorf(EINVALID, "%s: at most 500 terms.", f)
		}
	}
	return nil
}

// TaxonomyService stores each organisation's taxonomy.
type TaxonomyService interface {
	// FindTaxonomy returns the organisation's taxonomy.
	FindTaxonomy(ctx context.Context, orgID string) (*Taxonomy, error)
	// ReplaceTaxonomy replaces it. Returns ECONFLICT naming the keys still
	// in use by assets or deals when the new taxonomy drops them.
	ReplaceTaxonomy(ctx context.Context, orgID string, t *Taxonomy) error
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = "'" + s + "'"
	}
	return strings.Join(q, ", ")
}

func allOrdered(ts []Term) bool {
	for _, t := range ts {
		if t.Order <= 0 {
			return false
		}
	}
	return true
}
