package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Throttle counts failures per key in PostgreSQL, so that every replica of
// the server sees the same counts. After Max failures within Window the key
// is locked for Lockout.
type Throttle struct {
	DB      *DB
	Max     int
	Window  time.Duration
	Lockout time.Duration
}

var _ stagecraft.LoginThrottle = (*Throttle)(nil)

// Check returns ERATELIMITED while key is locked.
func (t *Throttle) Check(ctx context.Context, key string) error {
	var until *time.Time
	err := t.DB.Pool.QueryRow(ctx, `SELECT locked_until FROM login_throttle WHERE key = $1`, key).Scan(&until)
	if err != nil {
		if stagecraft.ErrorCode(mapErr(err)) == stagecraft.ENOTFOUND {
			return nil
		}
		return fmt.Errorf("check throttle: %w", mapErr(err))
	}
	now := t.DB.Now()
	if until != nil && until.After(now) {
		wait := until.Sub(now).Round(time.Second) + time.Second
		return &stagecraft.Error{Code: stagecraft.ERATELIMITED, RetryAfter: wait,
			Message: fmt.Sprintf("Too many failed sign-in attempts; try again in %s.", wait)}
	}
	return nil
}

// Fail records a failure, locking the key when it reaches Max, and
// reports whether this failure locked it.
func (t *Throttle) Fail(ctx context.Context, key string) (bool, error) {
	now := t.DB.Now()
	var locked bool
	err := t.DB.Pool.QueryRow(ctx, `
		INSERT INTO login_throttle AS lt (key, failures, window_start, locked_until)
		VALUES ($1, 1, $2::timestamptz, CASE WHEN $4::int <= 1 THEN $2::timestamptz + $5::interval END)
		ON CONFLICT (key) DO UPDATE SET
		    failures     = CASE WHEN lt.window_start < $2 - $3::interval THEN 1 ELSE lt.failures + 1 END,
		    window_start = CASE WHEN lt.window_start < $2 - $3::interval THEN $2 ELSE lt.window_start END,
		    locked_until = CASE WHEN lt.window_start >= $2 - $3::interval AND lt.failures + 1 >= $4
		                        THEN $2 + $5::interval ELSE lt.locked_until END
		RETURNING locked_until IS NOT NULL AND locked_until = $2::timestamptz + $5::interval`,
		key, now, t.Window, t.Max, t.Lockout).Scan(&locked)
	if err != nil {
		return false, fmt.Errorf("record failed sign-in: %w", mapErr(err))
	}
	return locked, nil
}

// Reset forgets a key's failures.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	if _, err := t.DB.Pool.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("reset throttle: %w", mapErr(err))
	}
	return nil
}
