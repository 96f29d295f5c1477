package stagecraft

import (
	"context"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// SearchDoc is what the search index holds for one asset: its text and
// the fields that filters and facets use.
type SearchDoc struct {
	AssetID     string
	OrgID       string
	Title       string
	Description string
	Tags        []string
	// Body is the text extracted from the current version.
	Body string
	// Language is a PostgreSQL text search configuration name ("english",
	// "german", …, or "simple" when the language is unknown).
	Language   string
	Type       AssetType
	Status     AssetStatus
	ExpiresAt  *time.Time
	Stages     []string
	Personas   []string
	Industries []string
	Products   []string
	UpdatedAt  time.Time
}

// Search facet names, as they appear in SearchResult.Facets.
const (
	FacetTypes = "types"
)

// SearchQuery is a search within one organisation. Within a facet the
// values are OR-ed; across facets they are AND-ed.
type SearchQuery struct {
	OrgID      string
	Text       string
	Stages     []string
	Personas   []string
	Industries []string
	Products   []string
	Types      []AssetType
	// VisibleAt, when set, keeps only published assets unexpired at that
	// time (what a rep may see). Archived assets are never found.
	VisibleAt *time.Time
	Limit     int
	Offset    int
}

// SearchHit is one matching asset.
type SearchHit struct {
	AssetID string
	Score   float64
	// Highlights holds HTML-safe snippets with matches in <mark>…</mark>,
	// keyed "title" and "text".
	Highlights map[string]string
}

// SearchResult is a page of hits, the number of matches, and facet counts.
//
// Facet counts are disjunctive: the counts of a facet are over the matches
// of every other filter, ignoring that facet's own, so that a user who has
// picked one stage still sees how many results another stage would add.
type SearchResult struct {
	Hits   []SearchHit
	Total  int
	Facets map[string]map[string]int
	// Estimated is set when there were more matches than the backend
	// counts exactly; Total and Facets then cover only the part counted.
	Estimated bool
}

// MaxQueryLength is the longest search text accepted, in bytes.
const MaxQueryLength = 1000

// MaxIndexedText is the most bytes of a document's text (SearchDoc.Body)
// the indexer gives a search backend; of a longer text only the beginning
// is searchable, and the asset says so.
//
// PostgreSQL refuses a tsvector whose distinct words add up to more than
// 1 MiB, and a text's words can take three times its bytes: compounds
// (hyphenated words, addresses) are indexed whole and in parts, and
// lower-casing turns some 2-byte letters into 3-byte ones. A third of the
// limit, less room for the title, description and tags, therefore always
// fits, whatever the text. Meilisearch, which indexes only the first
// 65,535 words of a field, loses about as much.
const MaxIndexedText = 320 << 10

// TruncateText returns s cut to at most n bytes, and whether it was cut.
// The cut falls on a rune boundary, and at the last space before it when
// one is near, so that no word is indexed half.
func TruncateText(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false
	}
	if n <= 0 {
		return "", true
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	from := max(0, n-64)
	if i := strings.LastIndexFunc(s[from:n], unicode.IsSpace); i >= 0 {
		n = from + i
	}
	return s[:n], true
}

// SearchIndex is a search backend. Every method is scoped by organisation.
type SearchIndex interface {
	// Index adds or replaces documents.
	Index(ctx context.Context, docs ...*SearchDoc) error
	// Delete removes an asset's document; a missing one is not an error.
	Delete(ctx context.Context, orgID, assetID string) error
	// Search runs q. Returns EINVALID for a query it cannot run.
	Search(ctx context.Context, q SearchQuery) (*SearchResult, error)
	// Ping checks the backend answers.
	Ping(ctx context.Context) error
}
