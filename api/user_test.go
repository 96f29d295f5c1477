package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/auth"
)

func TestLogin(t *testing.T) {
	e := newEnv(t)
	var out struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
		User      struct {
			ID, Email, Name, Role string
			OrgID                 string `json:"org_id"`
		} `json:"user"`
	}
	e.json(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": strings.ToUpper(e.rep.Email), "password": testPassword}),
		http.StatusOK, &out)
	if out.Token == "" || out.User.ID != e.rep.ID || out.User.Role != "rep" || out.User.OrgID != e.org ||
		out.ExpiresAt.Before(time.Now()) {
		t.Errorf("login = %+v", out)
	}

	// Unknown email and wrong password answer alike.
	wrong := e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": e.rep.Email, "password": "nope nope nope"}),
		http.StatusUnauthorized, "unauthorized")
	unknown := e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ghost@example.com", "password": "nope nope nope"}),
		http.StatusUnauthorized, "unauthorized")
	if wrong.Error.Message != unknown.Error.Message {
		t.Errorf("messages differ: %q vs %q", wrong.Error.Message, unknown.Error.Message)
	}

	e.fail(e.do("POST", "/api/v1/auth/login", "", `{"email": "x@example.com", "password": `), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "x@example.com"}), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/auth/login", "", `[]`), http.StatusBadRequest, "invalid_input")
}

func TestLoginThrottled(t *testing.T) {
	e := newEnv(t)
	bad := map[string]string{"email": e.marketer.Email, "password": "wrong password"}
	for range 5 {
		e.fail(e.do("POST", "/api/v1/auth/login", "", bad), http.StatusUnauthorized, "unauthorized")
	}
	resp := e.do("POST", "/api/v1/auth/login", "", bad)
	if ra := resp.Header.Get("Retry-After"); ra == "" {
		t.Error("429 without Retry-After")
	}
	e.fail(resp, http.StatusTooManyRequests, "rate_limited")
	// Even the right password waits out the lockout.
	e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": e.marketer.Email, "password": testPassword}),
		http.StatusTooManyRequests, "rate_limited")
	// Other accounts are not locked.
	e.login(e.rep.Email, testPassword)
}

func TestAuthenticationRequired(t *testing.T) {
	e := newEnv(t)
	now := time.Now()
	claims := func(exp time.Time) jwt.MapClaims {
		return jwt.MapClaims{"sub": e.rep.ID, "iss": "stagecraft", "aud": "stagecraft-api", "iat": now.Add(-2 * time.Hour).Unix(), "exp": exp.Unix()}
	}
	signed := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		must(t, err)
		return s
	}
	parts := strings.Split(e.repTok, ".")
	tests := []struct{ name, header string }{
		{"no header", ""},
		{"not bearer", "Basic dXNlcjpwYXNz"},
		{"empty bearer", "Bearer "},
		{"garbage", "Bearer abc.def.ghi"},
		{"tampered", "Bearer " + parts[0] + "." + parts[1] + "." + strings.Repeat("x", len(parts[2]))},
		{"alg none", "Bearer " + signed(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claims(now.Add(time.Hour)))},
		{"expired", "Bearer " + signed(jwt.SigningMethodHS256, jwtSecret, claims(now.Add(-time.Hour)))},
		{"other key", "Bearer " + signed(jwt.SigningMethodHS256, []byte("some-other-secret-of-32-bytes!!!!"), claims(now.Add(time.Hour)))},
		{"unknown api token", "Bearer sc_" + strings.Repeat("A", 43)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/me", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp := e.send(req)
			if resp.Header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			e.fail(resp, http.StatusUnauthorized, "unauthorized")
		})
	}
	// A validly signed token is refused when its user or session does
	// not exist, or when it names them by anything but a UUID.
	j := &auth.JWT{Secret: jwtSecret, TTL: time.Hour, Now: time.Now}
	for _, ids := range [][2]string{
		{"00000000-0000-0000-0000-000000000000", "00000000-0000-0000-0000-000000000000"},
		{e.rep.ID, "00000000-0000-0000-0000-000000000000"},
		{"not-a-uuid", "00000000-0000-0000-0000-000000000000"},
		{e.rep.ID, "not-a-uuid"},
		{"", ""},
	} {
		tok, err := j.Issue(ids[0], ids[1], j.Expiry())
		must(t, err)
		e.fail(e.do("GET", "/api/v1/me", tok, nil), http.StatusUnauthorized, "unauthorized")
	}

	var me struct{ ID, Email string }
	e.json(e.do("GET", "/api/v1/me", e.repTok, nil), http.StatusOK, &me)
	if me.ID != e.rep.ID {
		t.Errorf("me = %+v", me)
	}
}

func TestUsers(t *testing.T) {
	e := newEnv(t)
	e.fail(e.do("POST", "/api/v1/users", e.adminTok, map[string]any{"email": e.rep.Email, "role": "rep", "password": testPassword}),
		http.StatusConflict, "conflict")
	ae := e.fail(e.do("POST", "/api/v1/users", e.adminTok, map[string]any{"email": "new@example.com", "role": "boss", "password": testPassword}),
		http.StatusBadRequest, "invalid_input")
	if !strings.Contains(ae.Error.Message, "role") {
		t.Errorf("message %q does not name the field", ae.Error.Message)
	}
	e.fail(e.do("POST", "/api/v1/users", e.adminTok, map[string]any{"email": "new@example.com", "role": "rep", "password": "short"}),
		http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/users", e.adminTok, map[string]any{"email": "new@example.com", "role": "rep", "password": testPassword, "admin": true}),
		http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/users", e.marketerTok, map[string]any{"email": "new@example.com", "role": "admin", "password": testPassword}),
		http.StatusForbidden, "forbidden")
	e.fail(e.do("GET", "/api/v1/users", e.repTok, nil), http.StatusForbidden, "forbidden")

	var list struct {
		Items []struct{ Email, OrgID string }
		Total int
	}
	_, _, otherAdminTok := e.newOrg("Other")
	e.json(e.do("GET", "/api/v1/users", otherAdminTok, nil), http.StatusOK, &list)
	if list.Total != 1 {
		t.Errorf("other org sees %d users, want only its admin", list.Total)
	}
	e.json(e.do("GET", "/api/v1/users", e.adminTok, nil), http.StatusOK, &list)
	if list.Total != 3 {
		t.Errorf("users = %d, want 3", list.Total)
	}
}

func TestAPITokens(t *testing.T) {
	e := newEnv(t)
	var created struct{ ID, Name, Token, Prefix string }
	e.json(e.do("POST", "/api/v1/api-tokens", e.repTok, map[string]string{"name": "Gmail extension"}), http.StatusCreated, &created)
	if !strings.HasPrefix(created.Token, "sc_") || created.ID == "" || created.Name != "Gmail extension" {
		t.Fatalf("created = %+v", created)
	}
	var me struct{ ID string }
	e.json(e.do("GET", "/api/v1/me", created.Token, nil), http.StatusOK, &me)
	if me.ID != e.rep.ID {
		t.Errorf("token authenticates %s, want %s", me.ID, e.rep.ID)
	}
	resp := e.do("GET", "/api/v1/api-tokens", e.repTok, nil)
	var list struct {
		Items []map[string]any
	}
	e.json(resp, http.StatusOK, &list)
	if len(list.Items) != 1 || list.Items[0]["token"] != nil || list.Items[0]["prefix"] != created.Prefix {
		t.Errorf("list = %+v (the secret must not be listed)", list.Items)
	}
	e.fail(e.do("POST", "/api/v1/api-tokens", e.repTok, map[string]string{"name": " "}), http.StatusBadRequest, "invalid_input")
	// Someone else's token cannot be revoked, and looks unknown.
	e.fail(e.do("DELETE", "/api/v1/api-tokens/"+created.ID, e.marketerTok, nil), http.StatusNotFound, "not_found")
	e.json(e.do("DELETE", "/api/v1/api-tokens/"+created.ID, e.repTok, nil), http.StatusNoContent, nil)
	e.fail(e.do("GET", "/api/v1/me", created.Token, nil), http.StatusUnauthorized, "unauthorized")
}

func TestTaxonomy(t *testing.T) {
	e := newEnv(t)
	var tax struct {
		Stages []struct {
			Key, Label string
			Order      int
		}
		Personas []struct{ Key string }
		Products []struct{ Key string }
	}
	e.json(e.do("GET", "/api/v1/taxonomy", e.repTok, nil), http.StatusOK, &tax)
	if len(tax.Stages) != 5 || tax.Stages[0].Key != "prospecting" || tax.Stages[4].Order != 5 || len(tax.Personas) != 6 {
		t.Fatalf("defaults = %+v", tax)
	}
	body := map[string]any{
		"stages":     []map[string]any{{"key": "prospecting", "label": "Prospecting"}, {"key": "discovery", "label": "Discovery"}},
		"personas":   []map[string]any{{"key": "champion", "label": "Champion"}},
		"industries": []map[string]any{},
		"products":   []map[string]any{{"key": "widget", "label": "Widget"}},
	}
	e.fail(e.do("PUT", "/api/v1/taxonomy", e.marketerTok, body), http.StatusForbidden, "forbidden")
	e.json(e.do("PUT", "/api/v1/taxonomy", e.adminTok, body), http.StatusOK, nil)
	e.json(e.do("GET", "/api/v1/taxonomy", e.repTok, nil), http.StatusOK, &tax)
	if len(tax.Stages) != 2 || len(tax.Products) != 1 {
		t.Errorf("after PUT = %+v", tax)
	}

	e.createAsset(e.marketerTok, "a.txt", []byte("hello"), field("stages", "discovery"))
	body["stages"] = []map[string]any{{"key": "prospecting", "label": "Prospecting"}}
	ae := e.fail(e.do("PUT", "/api/v1/taxonomy", e.adminTok, body), http.StatusConflict, "conflict")
	if !strings.Contains(ae.Error.Message, "discovery") {
		t.Errorf("409 message %q does not name the key in use", ae.Error.Message)
	}
	e.fail(e.do("PUT", "/api/v1/taxonomy", e.adminTok, map[string]any{"stages": []map[string]any{{"key": "Bad Key"}}}),
		http.StatusBadRequest, "invalid_input")
	e.fail(e.do("PUT", "/api/v1/taxonomy", e.adminTok, map[string]any{"stages": []any{}}), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("PUT", "/api/v1/taxonomy", e.adminTok, `{"stages": "nope"}`), http.StatusBadRequest, "invalid_input")
}

func TestUserPatch(t *testing.T) {
	e := newEnv(t)
	_, otherAdmin, _ := e.newOrg("Other")
	tests := []struct {
		name   string
		token  string
		id     string
		body   any
		status int
		code   string
		substr string // in the message
	}{
		{"marketer", e.marketerTok, e.rep.ID, map[string]any{"name": "X"}, http.StatusForbidden, "forbidden", ""},
		{"rep", e.repTok, e.rep.ID, map[string]any{"role": "admin"}, http.StatusForbidden, "forbidden", ""},
		{"no token", "", e.rep.ID, map[string]any{"name": "X"}, http.StatusUnauthorized, "unauthorized", ""},
		{"another organisation's user", e.adminTok, otherAdmin.ID, map[string]any{"role": "rep"}, http.StatusNotFound, "not_found", ""},
		{"unknown id", e.adminTok, "00000000-0000-0000-0000-000000000000", map[string]any{"name": "X"}, http.StatusNotFound, "not_found", ""},
		{"malformed id", e.adminTok, "nope", map[string]any{"name": "X"}, http.StatusNotFound, "not_found", ""},
		{"bad role", e.adminTok, e.rep.ID, map[string]any{"role": "boss"}, http.StatusBadRequest, "invalid_input", "role"},
		{"role of the wrong type", e.adminTok, e.rep.ID, `{"role": 1}`, http.StatusBadRequest, "invalid_input", "role"},
		{"long name", e.adminTok, e.rep.ID, map[string]any{"name": strings.Repeat("n", 201)}, http.StatusBadRequest, "invalid_input", "name"},
		{"unknown field", e.adminTok, e.rep.ID, map[string]any{"email": "new@example.com"}, http.StatusBadRequest, "invalid_input", "email"},
		{"demote the last admin", e.adminTok, e.admin.ID, map[string]any{"role": "marketer"}, http.StatusConflict, "conflict", "at least one active admin"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			ae := e.fail(e.do("PATCH", "/api/v1/users/"+tt.id, tt.token, tt.body), tt.status, tt.code)
			if !strings.Contains(ae.Error.Message, tt.substr) {
				t.Errorf("message %q does not contain %q", ae.Error.Message, tt.substr)
			}
		})
	}

	var u, me api.UserResponse
	// The rep's credential is cached as a rep's...
	e.fail(e.do("GET", "/api/v1/users", e.repTok, nil), http.StatusForbidden, "forbidden")
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"name": " Rita Rep ", "role": "admin"}), http.StatusOK, &u)
	if u.ID != e.rep.ID || u.Email != e.rep.Email || u.Name != "Rita Rep" || u.Role != "admin" {
		t.Errorf("patched user = %+v", u)
	}
	// ...and their next request is an admin's.
	e.json(e.do("GET", "/api/v1/users", e.repTok, nil), http.StatusOK, nil)
	e.json(e.do("GET", "/api/v1/me", e.repTok, nil), http.StatusOK, &me)
	if me.Role != "admin" || me.Name != "Rita Rep" {
		t.Errorf("me after the change = %+v", me)
	}

	// With a second admin, an admin may demote themself, and is one no more.
	e.json(e.do("PATCH", "/api/v1/users/"+e.admin.ID, e.adminTok, map[string]any{"role": "marketer"}), http.StatusOK, &u)
	if u.Role != "marketer" {
		t.Errorf("self-demoted user = %+v", u)
	}
	e.fail(e.do("GET", "/api/v1/users", e.adminTok, nil), http.StatusForbidden, "forbidden")
	// The remaining admin is the last one.
	e.fail(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.repTok, map[string]any{"role": "rep"}), http.StatusConflict, "conflict")
	// An empty patch changes nothing.
	e.json(e.do("PATCH", "/api/v1/users/"+e.marketer.ID, e.repTok, map[string]any{}), http.StatusOK, &u)
	if u.Role != "marketer" || u.Name != e.marketer.Name {
		t.Errorf("after an empty patch = %+v", u)
	}
}

// listHostile are names and titles a list's search must match literally:
// LIKE's wildcards and escape character, quotes and text beyond ASCII,
// each beside a decoy the unescaped pattern would also match.
var listHostile = []string{"100% Pure", "1000 Pure", "snake_case", "snakeXcase", `back\slash`, "backslash",
	`O'Brien "Bob"`, "Zoë École"}

// listHostileQueries map search text to the listHostile entries found.
var listHostileQueries = map[string][]string{
	"%":         {"100% Pure"},
	"_":         {"snake_case"},
	"e_c":       {"snake_case"},
	`\`:         {`back\slash`},
	`k\s`:       {`back\slash`},
	`"bob" o'`:  {`O'Brien "Bob"`},
	"ZOË école": {"Zoë École"},
	" pure  ":   {"100% Pure", "1000 Pure"},
	"pure 100%": {"100% Pure"},
}

// listPage is a page of any list answered with items and a total.
type listPage struct {
	Items []struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Title string `json:"title"`
	} `json:"items"`
	Total int `json:"total"`
}

// pageAll reads path (which holds a query string) limit items at a time
// by offset until a page comes short, checking that every page reports
// the same total and that the pages hold that many distinct items, and
// returns the items' ids in order.
func (e *env) pageAll(token, path string, limit int) []string {
	e.t.Helper()
	var ids []string
	seen := map[string]bool{}
	total := -1
	for offset := 0; ; offset += limit {
		var p listPage
		e.json(e.do("GET", fmt.Sprintf("%s&limit=%d&offset=%d", path, limit, offset), token, nil), http.StatusOK, &p)
		if total >= 0 && p.Total != total {
			e.t.Fatalf("%s at %d: total %d, the first page said %d", path, offset, p.Total, total)
		}
		total = p.Total
		for _, it := range p.Items {
			if seen[it.ID] {
				e.t.Fatalf("%s: %s on two pages", path, it.ID)
			}
			seen[it.ID] = true
			ids = append(ids, it.ID)
		}
		if len(p.Items) < limit {
			break
		}
	}
	if len(ids) != total {
		e.t.Errorf("%s: the pages hold %d items, their total says %d", path, len(ids), total)
	}
	return ids
}

// checkListQueryRefused checks that path refuses hostile or oversized
// input with a 400 naming the field.
func (e *env) checkListQueryRefused(token, path string, more map[string]string) {
	e.t.Helper()
	bad := map[string]string{
		"q=" + strings.Repeat("x", 201): "q",
		"q=a%00b":                       "q",
		"q=%FF":                         "q",
		"limit=101":                     "",
		"limit=0":                       "",
		"offset=-1":                     "",
	}
	for k, v := range more {
		bad[k] = v
	}
	for query, field := range bad {
		ae := e.fail(e.do("GET", path+"?"+query, token, nil), http.StatusBadRequest, "invalid_input")
		if field != "" && ae.Error.Details["field"] != field {
			e.t.Errorf("%s?%.40s: details %v, want field %s", path, query, ae.Error.Details, field)
		}
	}
	// The longest search is 200 characters, not bytes.
	e.json(e.do("GET", path+"?q="+url.QueryEscape(strings.Repeat("é", 200)), token, nil), http.StatusOK, nil)
}

// TestUserList: the admin's users table pages past a hundred, searches
// name and email literally, filters by role and state, and never shows
// another organisation's users (who have the same names).
func TestUserList(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	otherOrg, _, otherTok := e.newOrg("Other")
	for _, org := range []string{e.org, otherOrg} {
		for i, name := range listHostile {
			_, err := e.db.CreateUser(ctx, org, stagecraft.NewUser{Name: name, Role: stagecraft.RoleRep,
				Email: fmt.Sprintf("hostile-%d-%s@example.com", i, uuid.NewString()[:8])}, "hash")
			must(t, err)
		}
		// 110 more, 30 of one name.
		_, err := e.db.Pool.Exec(ctx, `
			INSERT INTO users (org_id, email, name, role, password_hash)
			SELECT $1, format('bulk-%s-%s@example.com', md5(i::text), $2::text),
			       CASE WHEN i <= 30 THEN 'Same Name' ELSE format('Bulk %s', lpad(i::text, 3, '0')) END, 'marketer', 'hash'
			FROM generate_series(1, 110) i`, org, uuid.NewString()[:8])
		must(t, err)
	}
	const everyone = 3 + 8 + 110

	names := func(query string) []string {
		t.Helper()
		var p listPage
		e.json(e.do("GET", "/api/v1/users?limit=100&"+query, e.adminTok, nil), http.StatusOK, &p)
		var out []string
		for _, it := range p.Items {
			out = append(out, it.Name)
		}
		if len(out) != p.Total {
			t.Errorf("%s: %d items of %d", query, len(out), p.Total)
		}
		return out
	}
	for q, want := range listHostileQueries {
		if got := names("q=" + url.QueryEscape(q)); !slices.Equal(got, want) {
			t.Errorf("q=%s: %q, want %q", q, got, want)
		}
	}
	if got := names("q=" + url.QueryEscape(e.rep.Email)); !slices.Equal(got, []string{"rep"}) {
		t.Errorf("by email: %q", got)
	}
	if got := names("role=admin"); !slices.Equal(got, []string{"Admin"}) {
		t.Errorf("admins: %q", got)
	}
	var disabled api.UserResponse
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusOK, &disabled)
	if got := names("disabled=true"); !slices.Equal(got, []string{"rep"}) {
		t.Errorf("disabled: %q", got)
	}
	if got := names("disabled=false&role=rep&q=snake"); !slices.Equal(got, []string{"snake_case", "snakeXcase"}) {
		t.Errorf("active reps named snake: %q", got)
	}

	for _, limit := range []int{100, 11, 40} {
		if ids := e.pageAll(e.adminTok, "/api/v1/users?", limit); len(ids) != everyone {
			t.Errorf("pages of %d: %d users, want %d", limit, len(ids), everyone)
		}
	}
	if ids := e.pageAll(e.adminTok, "/api/v1/users?q=bulk", 55); len(ids) != 110 { // an exact multiple
		t.Errorf("searched: %d users, want 110", len(ids))
	}
	if ids := e.pageAll(otherTok, "/api/v1/users?q=example.com", 100); len(ids) != 1+8+110 {
		t.Errorf("the other organisation: %d users, want %d", len(ids), 1+8+110)
	}
	var past listPage
	e.json(e.do("GET", "/api/v1/users?offset=500", e.adminTok, nil), http.StatusOK, &past)
	if len(past.Items) != 0 || past.Total != everyone {
		t.Errorf("past the end: %d items, total %d", len(past.Items), past.Total)
	}

	e.checkListQueryRefused(e.adminTok, "/api/v1/users", map[string]string{"role=boss": "role", "disabled=maybe": "disabled"})
	e.fail(e.do("GET", "/api/v1/users?q=x", e.marketerTok, nil), http.StatusForbidden, "forbidden")
}
