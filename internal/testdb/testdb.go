// Package testdb gives each test its own migrated PostgreSQL schema in the
// database named by TEST_DATABASE_URL, so tests run in parallel against a
// real server without seeing each other's rows.
package testdb

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/stagecraft/stagecraft/storage/postgres"
)

var (
	adminOnce sync.Once
	adminPool *pgxpool.Pool
	adminErr  error
)

// URL returns TEST_DATABASE_URL, skipping the test when it is unset.
func URL(tb testing.TB) string {
	tb.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		tb.Skip("TEST_DATABASE_URL is not set: run `make test`, which prepares PostgreSQL")
	}
	return url
}

func admin(tb testing.TB) *pgxpool.Pool {
	tb.Helper()
	url := URL(tb)
	adminOnce.Do(func() {
		// One small pool per test binary creates and drops schemas; each
		// test gets its own pool bound to its schema.
		cfg, err := pgxpool.ParseConfig(url)
		if err != nil {
			adminErr = err
			return
		}
		cfg.MaxConns = 4
		adminPool, adminErr = pgxpool.NewWithConfig(context.Background(), cfg)
		if adminErr == nil {
			_, adminErr = adminPool.Exec(context.Background(), `CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`)
		}
	})
	if adminErr != nil {
		tb.Fatalf("connect to TEST_DATABASE_URL: %v", adminErr)
	}
	return adminPool
}

// Config returns a pool configuration bound to a new, empty schema that is
// dropped when the test ends.
func Config(tb testing.TB) *pgxpool.Config {
	tb.Helper()
	pool := admin(tb)
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "test_" + hex.EncodeToString(b)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
			tb.Logf("drop schema %s: %v", schema, err)
		}
	})
	cfg, err := pgxpool.ParseConfig(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.ConnConfig.RuntimeParams["search_path"] = schema + ",public"
	cfg.MaxConns = 8
	return cfg
}

// New returns a migrated database in a fresh schema, closed at cleanup.
func New(tb testing.TB) *postgres.DB {
	tb.Helper()
	db, err := postgres.OpenConfig(context.Background(), Config(tb), nil)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(db.Close)
	if _, err := db.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate: %v", err)
	}
	return db
}

// SchemaURL returns TEST_DATABASE_URL bound to a new, empty schema (via
// the search_path runtime parameter), for code that takes a URL.
func SchemaURL(tb testing.TB) string {
	tb.Helper()
	cfg := Config(tb)
	u, err := url.Parse(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", cfg.ConnConfig.RuntimeParams["search_path"])
	u.RawQuery = q.Encode()
	return u.String()
}
