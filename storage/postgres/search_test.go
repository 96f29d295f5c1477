package postgres_test

import (
	"context"
	"testing"

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
