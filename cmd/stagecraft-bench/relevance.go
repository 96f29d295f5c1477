package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/meili"
	"github.com/stagecraft/stagecraft/internal/judged"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// benchRelevance scores the judged query set (internal/judged) on each
// search backend: the built-in one always, Meilisearch when MEILI_URL is set.
func benchRelevance(_ []string) error {
	ctx := context.Background()
	db, cleanup, err := benchDB(ctx, "bench_relevance")
	if err != nil {
		return err
	}
	defer cleanup()
	backends := []struct {
		name string
		idx  stagecraft.SearchIndex
	}{{"postgres", &postgres.Search{DB: db}}}
	if url := os.Getenv("MEILI_URL"); url != "" {
		m, err := meili.New(ctx, meili.Config{URL: url, APIKey: os.Getenv("MEILI_API_KEY"), IndexUID: "bench_" + uuid.NewString()[:8]})
		if err != nil {
			return err
		}
		backends = append(backends, struct {
			name string
			idx  stagecraft.SearchIndex
		}{"meilisearch", m})
	} else {
		fmt.Fprintln(os.Stderr, "MEILI_URL not set: scoring the built-in backend only")
	}
	fmt.Printf("\nJudged query set: %d documents, %d queries (%s)\n\n", len(judged.Docs), len(judged.Queries), time.Now().UTC().Format("2006-01-02"))
	fmt.Println("| backend | recall@3 | MRR | queries with nothing relevant in the top 3 |")
	fmt.Println("|---|---|---|---|")
	for _, b := range backends {
		s, err := judged.Evaluate(ctx, b.idx)
		if err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
		fmt.Printf("| %s | %.3f | %.3f | %v |\n", b.name, s.RecallAt3, s.MRR, s.Misses)
	}
	return nil
}
