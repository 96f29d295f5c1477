package postgres_test

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

func TestCreateOrganisationMakesAdminAndDefaultTaxonomy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if f.admin.Role != stagecraft.RoleAdmin || f.admin.OrgID != f.org.ID {
		t.Fatalf("admin = %+v", f.admin)
	}
	tax, err := f.db.FindTaxonomy(ctx, f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := stagecraft.DefaultTaxonomy()
	if got := tax.Keys(stagecraft.FacetStages); !slices.Equal(got, want.Keys(stagecraft.FacetStages)) {
		t.Errorf("stages = %v", got)
	}
	if got := tax.Keys(stagecraft.FacetPersonas); !slices.Equal(got, want.Keys(stagecraft.FacetPersonas)) {
		t.Errorf("personas = %v", got)
	}
	if n, err := f.db.CountOrganisations(ctx); err != nil || n != 1 {
		t.Errorf("CountOrganisations = %d, %v", n, err)
	}
}

func TestCreateUserDuplicateEmailConflicts(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	// Emails are unique across organisations: sign-in is by email alone.
	_, err := f.db.CreateUser(context.Background(), other.org.ID,
		stagecraft.NewUser{Email: f.rep.Email, Role: stagecraft.RoleRep}, "hash")
	mustCode(t, err, stagecraft.ECONFLICT)
}

func TestFindCredentialByEmail(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	c, err := f.db.FindCredentialByEmail(ctx, f.rep.Email)
	if err != nil || c.User.ID != f.rep.ID || c.PasswordHash != "hash" {
		t.Fatalf("credential = %+v, %v", c, err)
	}
	_, err = f.db.FindCredentialByEmail(ctx, "nobody@example.com")
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestFindUsersIsScopedToOrganisation(t *testing.T) {
	f := newFixture(t)
	addOrg(t, f.db, "Other")
	users, err := f.db.FindUsers(context.Background(), f.org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 3 {
		t.Fatalf("got %d users, want the org's 3", len(users))
	}
	for _, u := range users {
		if u.OrgID != f.org.ID {
			t.Errorf("user %s of org %s leaked", u.Email, u.OrgID)
		}
	}
}

func TestUpdateUser(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	tests := []struct {
		name  string
		id    string
		upd   stagecraft.UserUpdate
		code  string // the error's, or "" when the update succeeds
		check func(*stagecraft.User) bool
	}{
		{"rename", f.rep.ID, stagecraft.UserUpdate{Name: ptr("Renamed")}, "", func(u *stagecraft.User) bool {
			return u.Name == "Renamed" && u.Role == stagecraft.RoleRep && u.Email == f.rep.Email && u.OrgID == f.org.ID
		}},
		{"change role", f.marketer.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleRep)}, "", func(u *stagecraft.User) bool {
			return u.Role == stagecraft.RoleRep && u.Name == f.marketer.Name
		}},
		{"nothing to change", f.admin.ID, stagecraft.UserUpdate{}, "", func(u *stagecraft.User) bool {
			return *u == *f.admin
		}},
		{"admin stays admin", f.admin.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleAdmin)}, "", func(u *stagecraft.User) bool {
			return u.Role == stagecraft.RoleAdmin
		}},
		{"demote the last admin", f.admin.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleMarketer)}, stagecraft.ECONFLICT, nil},
		{"another organisation's user", other.rep.ID, stagecraft.UserUpdate{Name: ptr("Mine")}, stagecraft.ENOTFOUND, nil},
		// Its only admin: the answer must not tell that it exists.
		{"another organisation's admin", other.admin.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleRep)}, stagecraft.ENOTFOUND, nil},
		{"unknown id", uuid.NewString(), stagecraft.UserUpdate{Name: ptr("Ghost")}, stagecraft.ENOTFOUND, nil},
		{"malformed id", "not-a-uuid", stagecraft.UserUpdate{Name: ptr("Ghost")}, stagecraft.ENOTFOUND, nil},
		{"invalid role", f.rep.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.Role("owner"))}, stagecraft.EINVALID, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := f.db.FindUserByID(ctx, tt.id)
			u, err := f.db.UpdateUser(ctx, f.org.ID, tt.id, tt.upd)
			if tt.code != "" {
				mustCode(t, err, tt.code)
				if after, _ := f.db.FindUserByID(ctx, tt.id); before != nil && *after != *before {
					t.Errorf("a failed update changed the user: %+v, was %+v", after, before)
				}
				return
			}
			if err != nil || !tt.check(u) {
				t.Fatalf("UpdateUser = %+v, %v", u, err)
			}
			if stored, err := f.db.FindUserByID(ctx, tt.id); err != nil || *stored != *u {
				t.Errorf("stored %+v (%v), returned %+v", stored, err, u)
			}
		})
	}
}

func TestUpdateUserKeepsAnAdmin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	demote := stagecraft.UserUpdate{Role: ptr(stagecraft.RoleRep)}
	if _, err := f.db.UpdateUser(ctx, f.org.ID, f.rep.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleAdmin)}); err != nil {
		t.Fatal(err)
	}
	// With a second admin, the first may step down.
	if u, err := f.db.UpdateUser(ctx, f.org.ID, f.admin.ID, demote); err != nil || u.Role != stagecraft.RoleRep {
		t.Fatalf("demote one of two admins = %+v, %v", u, err)
	}
	_, err := f.db.UpdateUser(ctx, f.org.ID, f.rep.ID, demote)
	mustCode(t, err, stagecraft.ECONFLICT)
	// The last admin may still be renamed.
	if u, err := f.db.UpdateUser(ctx, f.org.ID, f.rep.ID, stagecraft.UserUpdate{Name: ptr("Boss")}); err != nil || u.Role != stagecraft.RoleAdmin {
		t.Fatalf("rename the last admin = %+v, %v", u, err)
	}
}

// TestUpdateUserConcurrentDemotions demotes both admins of an organisation
// at once: one demotion must win and the other fail, never both. A third
// transaction holds the organisation's user rows until both demotions are
// waiting, so that they really run side by side.
func TestUpdateUserConcurrentDemotions(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	second, err := f.db.UpdateUser(ctx, f.org.ID, f.marketer.ID, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleAdmin)})
	if err != nil {
		t.Fatal(err)
	}
	hold, err := f.db.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = hold.Rollback(ctx) }()
	if _, err := hold.Exec(ctx, `SELECT id FROM users WHERE org_id = $1 FOR UPDATE`, f.org.ID); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for _, id := range []string{f.admin.ID, second.ID} {
		go func() {
			_, err := f.db.UpdateUser(ctx, f.org.ID, id, stagecraft.UserUpdate{Role: ptr(stagecraft.RoleRep)})
			errs <- err
		}()
	}
	waitForBlocked(t, f.db, 2, errs)
	if err := hold.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	var won, refused int
	for range 2 {
		switch err := <-errs; stagecraft.ErrorCode(err) {
		case "":
			won++
		case stagecraft.ECONFLICT:
			refused++
		default:
			t.Errorf("demotion failed: %v", err)
		}
	}
	var admins int
	if err := f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE org_id = $1 AND role = 'admin'`, f.org.ID).Scan(&admins); err != nil {
		t.Fatal(err)
	}
	if won != 1 || refused != 1 || admins != 1 {
		t.Errorf("%d demotions won, %d refused, %d admins left; want 1, 1, 1", won, refused, admins)
	}
}

// waitForBlocked waits until n sessions of the database wait on a lock,
// or until a result arrives on done (a session that did not wait).
func waitForBlocked(t *testing.T, db *postgres.DB, n int, done chan error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for len(done) == 0 {
		var blocked int
		err := db.Pool.QueryRow(context.Background(), `
			SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`).Scan(&blocked)
		if err != nil {
			t.Fatal(err)
		}
		if blocked >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d sessions wait on a lock after 10 s, want %d", blocked, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestAPITokenLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	hash := bytes.Repeat([]byte{7}, 32)
	tok, err := f.db.CreateAPIToken(ctx, f.rep, "extension", "sc_abcdef", hash)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.db.FindUserByAPITokenHash(ctx, hash)
	if err != nil || u.ID != f.rep.ID {
		t.Fatalf("FindUserByAPITokenHash = %+v, %v", u, err)
	}
	list, err := f.db.FindAPITokens(ctx, f.rep.ID)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil {
		t.Fatalf("tokens = %+v, %v (want one, marked used)", list, err)
	}
	// Another user cannot revoke it.
	mustCode(t, f.db.RevokeAPIToken(ctx, f.marketer.ID, tok.ID), stagecraft.ENOTFOUND)
	mustCode(t, f.db.RevokeAPIToken(ctx, f.rep.ID, "not-a-uuid"), stagecraft.ENOTFOUND)
	if err := f.db.RevokeAPIToken(ctx, f.rep.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.FindUserByAPITokenHash(ctx, hash)
	mustCode(t, err, stagecraft.ENOTFOUND)
	mustCode(t, f.db.RevokeAPIToken(ctx, f.rep.ID, tok.ID), stagecraft.ENOTFOUND)
	_, err = f.db.FindUserByID(ctx, uuid.NewString())
	mustCode(t, err, stagecraft.ENOTFOUND)
}
