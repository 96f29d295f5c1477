package main

import (
	"context"
	"fmt"
	"os"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Cleanups run when a benchmark is done or has failed: the numbers are
// measured (or the run's own error is on its way out), so a failed
// cleanup does not fail the run. It is reported on stderr, because it may
// leave a temporary directory, a schema or a session setting behind.

// warn reports a failed cleanup; a nil err says nothing.
func warn(what string, err error) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "stagecraft-bench: %s: %v\n", what, err)
	}
}

// removeAll deletes a temporary directory.
func removeAll(dir string) { warn("remove "+dir, os.RemoveAll(dir)) }

// closeConn closes a connection opened outside the pool.
func closeConn(conn *pgx.Conn) { warn("close the admin connection", conn.Close(context.Background())) }

// resetConn runs sql to undo a session setting before conn goes back to
// the pool. If that fails, the connection is closed instead, so that no
// later query of the run gets the setting (a replica-mode session skips
// foreign keys and triggers, which would skew what is measured).
func resetConn(conn *pgxpool.Conn, sql string) {
	ctx := context.Background()
	if _, err := conn.Exec(ctx, sql); err != nil {
		warn("reset the session", err)
		warn("close the session", conn.Conn().Close(ctx))
	}
}
