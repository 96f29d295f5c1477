package postgres_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
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
	if got := tax.Keys(stagecraft.FacetStages); !equal(got, want.Keys(stagecraft.FacetStages)) {
		t.Errorf("stages = %v", got)
	}
	if got := tax.Keys(stagecraft.FacetPersonas); !equal(got, want.Keys(stagecraft.FacetPersonas)) {
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

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
