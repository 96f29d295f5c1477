package meili

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/searchtest"
)

// TestConformance runs the search backend suite against a real Meilisearch
// named by MEILI_URL (and MEILI_API_KEY), one fresh index per test.
func TestConformance(t *testing.T) {
	url := os.Getenv("MEILI_URL")
	if url == "" {
		t.Skip("MEILI_URL not set: the Meilisearch conformance suite needs a server (docker compose up meilisearch, then MEILI_URL=http://127.0.0.1:7700)")
	}
	key := os.Getenv("MEILI_API_KEY")
	searchtest.Run(t, func(tb testing.TB) stagecraft.SearchIndex {
		return MustOpenIndex(tb, Config{URL: url, APIKey: key, IndexUID: "test_" + randomHex(tb, 8)})
	})
}

// MustOpenIndex opens cfg's index and deletes it at cleanup.
func MustOpenIndex(tb testing.TB, cfg Config) *Index {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ix, err := New(ctx, cfg)
	if err != nil {
		tb.Fatalf("open Meilisearch index %s: %v", cfg.IndexUID, err)
	}
	tb.Cleanup(func() {
		defer ix.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		task, err := ix.client.DeleteIndexWithContext(ctx, ix.uid)
		if err == nil {
			err = ix.wait(ctx, task, "delete index "+ix.uid)
		}
		if err != nil {
			tb.Errorf("delete Meilisearch index %s: %v", ix.uid, err)
		}
	})
	return ix
}

func randomHex(tb testing.TB, n int) string {
	tb.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatal(err)
	}
	return hex.EncodeToString(b)
}
