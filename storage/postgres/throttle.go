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

// Fail records a failure, locking the key when it reaches Max.
func (t *Throttle) Fail(ctx context.Context, key string) error {
	now := t.DB.Now()
	_, err := t.DB.Pool.Exec(ctx, `
		INSERT INTO login_throttle AS lt (key, failures, window_start)
		VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
		    failures     = CASE WHEN lt.window_start < $2 - $3::interval THEN 1 ELSE lt.failures + 1 END,
		    window_start = CASE WHEN lt.window_start < $2 - $3::interval THEN $2 ELSE lt.window_start END,
		    locked_until = CASE WHEN lt.window_start >= $2 - $3::interval AND lt.failures + 1 >= $4
		                        THEN $2 + $5::interval ELSE lt.locked_until END`,
		key, now, t.Window, t.Max, t.Lockout)
	if err != nil {
		return fmt.Errorf("record failed sign-in: %w", mapErr(err))
	}
	return nil
}

// Reset forgets a key's failures.
func (t *Throttle) Reset(ctx context.Context, key string) error {
	if _, err := t.DB.Pool.Exec(ctx, `DELETE FROM login_throttle WHERE key = $1`, key); err != nil {
		return fmt.Errorf("reset throttle: %w", mapErr(err))
	}
	return nil
}
