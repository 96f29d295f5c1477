package postgres_test

import (
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer/searchtest"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

func TestSearchConformance(t *testing.T) {
	searchtest.Run(t, func(t testing.TB) stagecraft.SearchIndex {
		return &postgres.Search{DB: testdb.New(t)}
	})
}
