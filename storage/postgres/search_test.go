package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/searchtest"
	"github.com/stagecraft/stagecraft/internal/judged"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t testing.TB) stagecraft.SearchIndex {
		return &postgres.Search{DB: testdb.New(t)}
	})
}

// TestSearchRelevance measures the judged query set on the built-in
// backend and guards against regressions.
func TestSearchRelevance(t *testing.T) {
	s, err := judged.Evaluate(context.Background(), &postgres.Search{DB: testdb.New(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d queries: recall@3 %.3f, MRR %.3f; misses: %v", s.Queries, s.RecallAt3, s.MRR, s.Misses)
	if s.RecallAt3 < 0.9 || s.MRR < 0.85 {
		t.Errorf("relevance fell: recall@3 %.3f (want ≥ 0.9), MRR %.3f (want ≥ 0.85); misses: %v", s.RecallAt3, s.MRR, s.Misses)
	}
}

// TestSearchIndexBoundsText writes documents whose words add up to more
// than a tsvector holds, through the backend alone: each is indexed as
// far as fits and stays findable by its title and first words.
func TestSearchIndexBoundsText(t *testing.T) {
	long := func(token func(i int) string) string {
		var b strings.Builder
		b.WriteString("zanzibar ")
		for i := 0; b.Len() < 1_900_000; i++ {
			b.WriteString(token(i) + " ")
		}
		return b.String()
	}
	word := func(i int) string { return fmt.Sprintf("w%x", i*7919+1_000_000) }
	tests := []struct {
		name              string
		description, body string
	}{
		{"distinct words", "", long(word)},
		{"compounds", "", long(func(i int) string { return "ȺȺ" + word(i) + "-ȺȺ" + word(i+1) })},
		{"long description and text", long(word)[:200_000], long(word)},
	}
	s := &postgres.Search{DB: testdb.New(t)}
	org := uuid.NewString()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			doc := &stagecraft.SearchDoc{AssetID: uuid.NewString(), OrgID: org, Title: "Glossary " + tt.name,
				Description: tt.description, Body: tt.body, Language: "english", Type: stagecraft.TypeText,
				Status: stagecraft.StatusPublished, UpdatedAt: time.Now()}
			if err := s.Index(ctx, doc); err != nil {
				t.Fatalf("index: %v", err)
			}
			for _, q := range []string{doc.Title, "zanzibar"} {
				res, err := s.Search(ctx, stagecraft.SearchQuery{OrgID: org, Text: q})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.ContainsFunc(res.Hits, func(h stagecraft.SearchHit) bool { return h.AssetID == doc.AssetID }) {
					t.Errorf("%q does not find the document", q)
				}
			}
		})
	}
}

// TestSnippetFromDeepInText: the text snippet is cut from around the first
// place the query's word (or a form of it) appears, however far into a
// long text, and shows the word marked.
func TestSnippetFromDeepInText(t *testing.T) {
	filler := strings.Repeat("Quarterly review of regional enablement notes and follow ups. ", 2500) // ~150 KB
	tests := []struct {
		name, body, query, want string
	}{
		{"exact word near the end", filler + "Our zeppelin programme starts in May.", "zeppelin", "<mark>zeppelin</mark> programme"},
		{"another form of the word", filler + "Everything here was Priced for partners.", "pricing", "<mark>Priced</mark> for partners"},
		{"typo", filler + "The zeppelin fleet.", "zepelin", "<mark>zeppelin</mark> fleet"},
		{"word at the very start", "Zeppelin first. " + filler, "zeppelin", "<mark>Zeppelin</mark> first"},
		{"two words", filler + "Omega zeppelin crew.", "zeppelin crew", "<mark>zeppelin</mark> <mark>crew</mark>"},
	}
	s := &postgres.Search{DB: testdb.New(t)}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			org := uuid.NewString()
			doc := &stagecraft.SearchDoc{AssetID: uuid.NewString(), OrgID: org, Title: "Field notes",
				Body: tt.body, Language: "english", Type: stagecraft.TypeText,
				Status: stagecraft.StatusPublished, UpdatedAt: time.Now()}
			if err := s.Index(ctx, doc); err != nil {
				t.Fatalf("index: %v", err)
			}
			res, err := s.Search(ctx, stagecraft.SearchQuery{OrgID: org, Text: tt.query})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != 1 {
				t.Fatalf("%q: %d hits, want 1", tt.query, len(res.Hits))
			}
			if got := res.Hits[0].Highlights["text"]; !strings.Contains(got, tt.want) {
				t.Errorf("%q: snippet %q lacks %q", tt.query, got, tt.want)
			}
		})
	}
}

// TestSearchMatchCap: past the cap, totals say they are a lower bound, at
// the cap exactly they do not, and browsing without a query still lists
// the newest documents first however many there are.
func TestSearchMatchCap(t *testing.T) {
	ctx := context.Background()
	s := &postgres.Search{DB: testdb.New(t), MatchCap: 10}
	index := func(org string, n int) []string {
		t.Helper()
		now := time.Now().Truncate(time.Second)
		var ids []string
		for i := range n {
			doc := &stagecraft.SearchDoc{AssetID: uuid.NewString(), OrgID: org, Title: fmt.Sprintf("Zeppelin brief %d", i),
				Body: "Airship notes.", Language: "english", Type: stagecraft.TypePDF,
				Status: stagecraft.StatusPublished, UpdatedAt: now.Add(-time.Duration(i) * time.Hour)}
			if err := s.Index(ctx, doc); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, doc.AssetID) // newest first
		}
		return ids
	}
	exact, over := uuid.NewString(), uuid.NewString()
	index(exact, 10)
	newest := index(over, 25)

	tests := []struct {
		org, q    string
		total     int
		estimated bool
	}{
		{exact, "zeppelin", 10, false},
		{over, "zeppelin", 10, true},
		{over, "", 10, true},
	}
	for _, tt := range tests {
		res, err := s.Search(ctx, stagecraft.SearchQuery{OrgID: tt.org, Text: tt.q})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != tt.total || res.Estimated != tt.estimated {
			t.Errorf("%q over %d: total %d estimated %v, want %d %v", tt.q, len(newest), res.Total, res.Estimated, tt.total, tt.estimated)
		}
		if n := res.Facets[stagecraft.FacetTypes][string(stagecraft.TypePDF)]; n != tt.total {
			t.Errorf("%q: type facet counts %d, want %d", tt.q, n, tt.total)
		}
	}
	var got []string
	for offset := 0; offset < 25; offset += 20 {
		res, err := s.Search(ctx, stagecraft.SearchQuery{OrgID: over, Limit: 20, Offset: offset})
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range res.Hits {
			got = append(got, h.AssetID)
		}
	}
	if !slices.Equal(got, newest) {
		t.Errorf("browsing does not list all 25 documents newest first:\n got %v\nwant %v", got, newest)
	}
}
