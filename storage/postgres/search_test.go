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
