package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

func TestThrottle(t *testing.T) {
	db := testdb.New(t)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	th := &postgres.Throttle{DB: db, Max: 3, Window: 15 * time.Minute, Lockout: 5 * time.Minute}
	ctx := context.Background()

	for i := range 2 {
		if locked, err := th.Fail(ctx, "k"); err != nil || locked {
			t.Fatalf("failure %d: locked = %v, %v", i+1, locked, err)
		}
		if err := th.Check(ctx, "k"); err != nil {
			t.Fatalf("locked after %d failures: %v", i+1, err)
		}
	}
	if locked, err := th.Fail(ctx, "k"); err != nil || !locked {
		t.Fatalf("third failure: locked = %v, %v; want the lock reported", locked, err)
	}
	err := th.Check(ctx, "k")
	mustCode(t, err, stagecraft.ERATELIMITED)
	if e, _ := stagecraft.AsError(err); e.RetryAfter < 4*time.Minute || e.RetryAfter > 6*time.Minute {
		t.Errorf("RetryAfter = %v, want about the 5 min lockout", e.RetryAfter)
	}
	if err := th.Check(ctx, "other"); err != nil {
		t.Errorf("other key locked: %v", err)
	}

	now = now.Add(6 * time.Minute) // lockout over
	if err := th.Check(ctx, "k"); err != nil {
		t.Fatalf("still locked after the lockout: %v", err)
	}

	// Failures outside the window start a new count.
	now = now.Add(time.Hour)
	for range 2 {
		_, _ = th.Fail(ctx, "k")
	}
	if err := th.Check(ctx, "k"); err != nil {
		t.Fatalf("old failures counted: %v", err)
	}
	if err := th.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, _ = th.Fail(ctx, "k")
	}
	if err := th.Check(ctx, "k"); err != nil {
		t.Fatalf("reset did not clear failures: %v", err)
	}
}
