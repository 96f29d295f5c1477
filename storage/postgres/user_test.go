package postgres_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
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

// hostileNames are texts a search must match literally: LIKE's wildcards
// and escape character, quotes and text beyond ASCII, each beside a
// decoy that the pattern would match were they not escaped.
var hostileNames = []string{
	"100% Pure", "1000 Pure", "snake_case", "snakeXcase", `back\slash`, "backslash",
	`O'Brien "Bob"`, "Zoë École", "日本語 名前",
}

// hostileQueries map search text to the hostileNames it must find, in
// the order of a list sorted by name.
var hostileQueries = []struct {
	q    string
	want []string
}{
	{"%", []string{"100% Pure"}},
	{"100%", []string{"100% Pure"}},
	{"_", []string{"snake_case"}},
	{"e_c", []string{"snake_case"}},
	{`\`, []string{`back\slash`}},
	{`k\s`, []string{`back\slash`}},
	{"'", []string{`O'Brien "Bob"`}},
	{`"bob"`, []string{`O'Brien "Bob"`}},
	{"ZOË", []string{"Zoë École"}},
	{"école", []string{"Zoë École"}},
	{"名前", []string{"日本語 名前"}},
	{"pure 100%", []string{"100% Pure"}},
	{" PURE ", []string{"100% Pure", "1000 Pure"}},
	{"pure nothing", nil},
}

// pageThrough reads a list limit items at a time until a page comes
// short, checking that every page reports the same total and that the
// pages hold that many items, and returns them in order.
func pageThrough[T any](t *testing.T, limit int, find func(limit, offset int) ([]T, int, error)) []T {
	t.Helper()
	var all []T
	total := -1
	for offset := 0; ; offset += limit {
		items, n, err := find(limit, offset)
		if err != nil {
			t.Fatalf("offset %d: %v", offset, err)
		}
		if total >= 0 && n != total {
			t.Fatalf("offset %d: total %d, the first page said %d", offset, n, total)
		}
		total = n
		if len(items) > limit {
			t.Fatalf("offset %d: %d items, limit %d", offset, len(items), limit)
		}
		all = append(all, items...)
		if len(items) < limit {
			break
		}
	}
	if len(all) != total {
		t.Errorf("the pages hold %d items, their total says %d", len(all), total)
	}
	return all
}

func userNames(users []*stagecraft.User) []string {
	var out []string
	for _, u := range users {
		out = append(out, u.Name)
	}
	return out
}

// TestFindUsers: search, filters and tenant isolation. The other
// organisation has users of the same names, so a leak shows.
func TestFindUsers(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	for i, name := range hostileNames {
		for _, o := range []*fixture{f, other} {
			email := fmt.Sprintf("hostile-%d-%s@example.com", i, uuid.NewString()[:8])
			if _, err := f.db.CreateUser(ctx, o.org.ID, stagecraft.NewUser{Email: email, Name: name, Role: stagecraft.RoleRep}, "hash"); err != nil {
				t.Fatal(err)
			}
		}
	}
	decoy := findUser(t, f, "snakeXcase")
	if _, err := f.db.UpdateUser(ctx, f.org.ID, decoy.ID, stagecraft.UserUpdate{Disabled: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	type test struct {
		name string
		f    stagecraft.UserFilter
		want []string
	}
	tests := []test{
		{"everyone, by name", stagecraft.UserFilter{}, []string{"100% Pure", "1000 Pure", "Admin", `back\slash`,
			"backslash", "marketer", `O'Brien "Bob"`, "rep", "snake_case", "snakeXcase", "Zoë École", "日本語 名前"}},
		{"blank search", stagecraft.UserFilter{Query: "  "}, nil}, // as everyone; filled below
		{"by email", stagecraft.UserFilter{Query: "HOSTILE-1-"}, []string{"1000 Pure"}},
		{"name and email words", stagecraft.UserFilter{Query: "pure hostile-0-"}, []string{"100% Pure"}},
		{"another organisation's email", stagecraft.UserFilter{Query: other.admin.Email}, nil},
		{"role", stagecraft.UserFilter{Role: stagecraft.RoleAdmin}, []string{"Admin"}},
		{"disabled", stagecraft.UserFilter{Disabled: ptr(true)}, []string{"snakeXcase"}},
		{"enabled, searched", stagecraft.UserFilter{Disabled: ptr(false), Query: "snake"}, []string{"snake_case"}},
		{"exact email", stagecraft.UserFilter{Email: f.rep.Email}, []string{"rep"}},
		{"exact email of another organisation", stagecraft.UserFilter{Email: other.rep.Email}, nil},
		{"page", stagecraft.UserFilter{Limit: 2, Offset: 2}, []string{"Admin", `back\slash`}},
	}
	tests[1].want = tests[0].want
	for _, h := range hostileQueries {
		tests = append(tests, test{"search " + h.q, stagecraft.UserFilter{Query: h.q}, h.want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.OrgID = f.org.ID
			users, total, err := f.db.FindUsers(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if got := userNames(users); !slices.Equal(got, tt.want) {
				t.Errorf("users = %q, want %q", got, tt.want)
			}
			if tt.f.Limit == 0 && total != len(users) {
				t.Errorf("total %d, %d users", total, len(users))
			}
			for _, u := range users {
				if u.OrgID != f.org.ID {
					t.Errorf("user %s of another organisation", u.Email)
				}
			}
		})
	}

	for name, bad := range map[string]stagecraft.UserFilter{
		"long search":   {Query: strings.Repeat("é", stagecraft.MaxListQueryLength+1)},
		"NUL":           {Query: "a\x00b"},
		"invalid UTF-8": {Query: "\xff"},
		"unknown role":  {Role: "owner"},
	} {
		bad.OrgID = f.org.ID
		if _, _, err := f.db.FindUsers(ctx, bad); stagecraft.ErrorCode(err) != stagecraft.EINVALID {
			t.Errorf("%s: error %v, want invalid_input", name, err)
		}
	}
	if _, _, err := f.db.FindUsers(ctx, stagecraft.UserFilter{OrgID: f.org.ID,
		Query: strings.Repeat("é", stagecraft.MaxListQueryLength)}); err != nil {
		t.Errorf("search of the longest length: %v", err)
	}
}

func findUser(t *testing.T, f *fixture, name string) *stagecraft.User {
	t.Helper()
	users, _, err := f.db.FindUsers(context.Background(), stagecraft.UserFilter{OrgID: f.org.ID})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if u.Name == name {
			return u
		}
	}
	t.Fatalf("no user %q", name)
	return nil
}

// TestFindUsersPages: past a hundred users, every page size reads each
// user exactly once, in order, ties of name broken by email, whatever the
// page size; past the end the total still holds.
func TestFindUsersPages(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	for _, o := range []*fixture{f, other} {
		// 40 users of one name, 80 of their own, in no order of email.
		if _, err := f.db.Pool.Exec(ctx, `
			INSERT INTO users (org_id, email, name, role, password_hash)
			SELECT $1, format('bulk-%s-%s@example.com', md5(i::text), $2::text),
			       CASE WHEN i <= 40 THEN 'Same Name' ELSE format('Bulk %s', lpad(i::text, 3, '0')) END, 'rep', 'hash'
			FROM generate_series(1, 120) i`, o.org.ID, uuid.NewString()[:8]); err != nil {
			t.Fatal(err)
		}
	}
	find := func(q string) func(limit, offset int) ([]*stagecraft.User, int, error) {
		return func(limit, offset int) ([]*stagecraft.User, int, error) {
			return f.db.FindUsers(ctx, stagecraft.UserFilter{OrgID: f.org.ID, Query: q, Limit: limit, Offset: offset})
		}
	}
	all, total, err := f.db.FindUsers(ctx, stagecraft.UserFilter{OrgID: f.org.ID})
	if err != nil || total != 123 || len(all) != 123 {
		t.Fatalf("every user: %d of %d, %v; want 123", len(all), total, err)
	}
	sorted := slices.IsSortedFunc(all, func(a, b *stagecraft.User) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.Email, b.Email))
	})
	if !sorted {
		t.Errorf("not by name, then email: %q", userNames(all))
	}
	tests := []struct {
		name  string
		q     string
		limit int
		want  int
	}{
		{"a hundred at a time", "", 100, 123},
		{"an uneven page", "", 41, 123},
		{"one at a time", "", 1, 123},
		{"an exact multiple", "bulk", 40, 120},
		{"searched past a hundred", "example.com", 100, 123},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageThrough(t, tt.limit, find(tt.q))
			if len(got) != tt.want {
				t.Fatalf("%d users, want %d", len(got), tt.want)
			}
			want := all
			if tt.q == "bulk" {
				want = slices.DeleteFunc(slices.Clone(all), func(u *stagecraft.User) bool { return !strings.HasPrefix(u.Email, "bulk-") })
			}
			if !slices.EqualFunc(got, want, func(a, b *stagecraft.User) bool { return a.ID == b.ID }) {
				t.Errorf("the pages differ from the whole list")
			}
		})
	}
	if users, total, err := find("")(20, 500); err != nil || len(users) != 0 || total != 123 {
		t.Errorf("past the end: %d users, total %d, %v; want none of 123", len(users), total, err)
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
