// Package postgres stores the Stagecraft domain in PostgreSQL through pgx.
// It owns the schema (migrations/*.sql, embedded) and translates driver
// errors into stagecraft error codes, so no other package sees pgx.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"

	"github.com/stagecraft/stagecraft"
)

// DB is a pool of connections to one Stagecraft database.
type DB struct {
	Pool *pgxpool.Pool
	Now  stagecraft.Clock
	log  *slog.Logger

	events eventWriter

	// jobs enqueues River jobs in callers' transactions (see queue.go).
	jobsOnce sync.Once
	jobs     *river.Client[pgx.Tx]
	jobsErr  error
}

// requestBudget bounds background writes that no request deadline covers.
const requestBudget = 30 * time.Second

// Open connects to the database at url. The pool fails fast when the
// server is unreachable and recovers by itself when it comes back: pgx
// discards broken connections and dials new ones on demand.
func Open(ctx context.Context, url string, log *slog.Logger) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse DATABASE_URL: %w", err)
	}
	return OpenConfig(ctx, cfg, log)
}

// OpenConfig is Open with a parsed configuration (tests set search_path).
func OpenConfig(ctx context.Context, cfg *pgxpool.Config, log *slog.Logger) (*DB, error) {
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	if cfg.MaxConns < 8 {
		cfg.MaxConns = 8
	}
	cfg.HealthCheckPeriod = 15 * time.Second
	// A server-side cap on any one statement, in case a caller forgot a
	// deadline; requests carry their own, shorter ones.
	if _, ok := cfg.ConnConfig.RuntimeParams["statement_timeout"]; !ok {
		cfg.ConnConfig.RuntimeParams["statement_timeout"] = "60000"
	}
	// JIT compiles large plans (the analytics queries) for 1.5–2 s and
	// pays that back only on analytical scans far larger than ours.
	if _, ok := cfg.ConnConfig.RuntimeParams["jit"]; !ok {
		cfg.ConnConfig.RuntimeParams["jit"] = "off"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open database pool: %w", err)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &DB{Pool: pool, Now: time.Now, log: log}, nil
}

// Close closes the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that the database answers within a few seconds.
func (db *DB) Ping(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := db.Pool.Ping(ctx); err != nil {
		return mapErr(err)
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (db *DB) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	if err := pgx.BeginFunc(ctx, db.Pool, fn); err != nil {
		return mapErr(err)
	}
	return nil
}

// mapErr translates driver errors into stagecraft errors: no rows is
// ENOTFOUND, unique violations ECONFLICT, and a server that cannot be
// reached (or that went away mid-query) EUNAVAILABLE, so that callers
// answer 404, 409 or 503 instead of 500. Errors already carrying a code
// pass through.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := stagecraft.AsError(err); ok {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return &stagecraft.Error{Code: stagecraft.ENOTFOUND, Message: "Not found.", Err: err}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &stagecraft.Error{Code: stagecraft.ECONFLICT, Message: "Already exists.", Err: err}
		case "57P01", "57P02", "57P03", "53300": // admin shutdown, crash shutdown, cannot connect now, too many connections
			return stagecraft.Unavailable("database", err)
		}
		if strings.HasPrefix(pgErr.Code, "22") {
			// Data exceptions (a NUL in text, a value out of range) are
			// the input's fault: validation should have caught them, and
			// when it did not the caller still hears 400, not 500.
			return &stagecraft.Error{Code: stagecraft.EINVALID,
				Message: "The request holds a value that cannot be stored.", Err: err}
		}
		return err
	}
	if isConnectionError(err) {
		return stagecraft.Unavailable("database", err)
	}
	return err
}

func isConnectionError(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr):
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	case pgconn.SafeToRetry(err):
		return true
	}
	return false
}
