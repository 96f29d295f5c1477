package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// fixture is an organisation with one user of each role.
type fixture struct {
	db                   *postgres.DB
	org                  *stagecraft.Organisation
	admin, marketer, rep *stagecraft.User
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	return addOrg(t, db, "Acme")
}

func addOrg(t *testing.T, db *postgres.DB, name string) *fixture {
	t.Helper()
	ctx := context.Background()
	slug := uuid.NewString()[:8]
	org, admin, err := db.CreateOrganisation(ctx, name,
		stagecraft.NewUser{Email: "admin-" + slug + "@example.com", Name: "Admin"}, "hash")
	if err != nil {
		t.Fatalf("create organisation: %v", err)
	}
	f := &fixture{db: db, org: org, admin: admin}
	for _, r := range []stagecraft.Role{stagecraft.RoleMarketer, stagecraft.RoleRep} {
		u, err := db.CreateUser(ctx, org.ID, stagecraft.NewUser{
			Email: fmt.Sprintf("%s-%s@example.com", r, slug), Name: string(r), Role: r}, "hash")
		if err != nil {
			t.Fatalf("create %s: %v", r, err)
		}
		if r == stagecraft.RoleMarketer {
			f.marketer = u
		} else {
			f.rep = u
		}
	}
	return f
}

func mustCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := stagecraft.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	db := testdb.New(t) // already migrated once
	ctx := context.Background()
	errs := make(chan error, 3)
	for range 3 {
		go func() {
			applied, err := db.Migrate(ctx)
			if err == nil && len(applied) > 0 {
				err = fmt.Errorf("re-applied %v", applied)
			}
			errs <- err
		}()
	}
	for range 3 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	ctx := context.Background()
	// Port 1 on loopback refuses connections.
	db, err := postgres.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	mustCode(t, db.Ping(ctx), stagecraft.EUNAVAILABLE)
	_, err = db.FindUserByID(ctx, uuid.NewString())
	mustCode(t, err, stagecraft.EUNAVAILABLE)
	e, _ := stagecraft.AsError(err)
	if e.RetryAfter <= 0 {
		t.Errorf("RetryAfter = %v, want > 0", e.RetryAfter)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("failing took %v; a dead database must fail fast", d)
	}
}
