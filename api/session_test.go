package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
)

// api.UserResponse is a user as the API shows it.

func (e *env) createToken(token, name string) (id, secret string) {
	e.t.Helper()
	var out struct{ ID, Token string }
	e.json(e.do("POST", "/api/v1/api-tokens", token, map[string]string{"name": name}), http.StatusCreated, &out)
	return out.ID, out.Token
}

func (e *env) status(method, path, token string, body any) int {
	e.t.Helper()
	resp := e.do(method, path, token, body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func TestDisableUser(t *testing.T) {
	e := newEnv(t)
	_, apiTok := e.createToken(e.repTok, "script")
	second := e.login(e.rep.Email, testPassword)

	// last_seen_at is set by the rep's requests.
	var me api.UserResponse
	e.json(e.do("GET", "/api/v1/me", e.repTok, nil), http.StatusOK, &me)
	var u api.UserResponse
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusOK, &u)
	if !u.Disabled || u.LastSeenAt == nil {
		t.Errorf("disabled user = %+v, want disabled with last_seen_at", u)
	}
	// Every session and token of theirs is refused at once.
	for name, tok := range map[string]string{"session": e.repTok, "other session": second, "api token": apiTok} {
		if got := e.status("GET", "/api/v1/me", tok, nil); got != http.StatusUnauthorized {
			t.Errorf("%s of a disabled user: %d, want 401", name, got)
		}
	}
	// Signing in fails exactly as a wrong password does.
	wrong := e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": e.marketer.Email, "password": "wrong password"}),
		http.StatusUnauthorized, "unauthorized")
	disabled := e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": e.rep.Email, "password": testPassword}),
		http.StatusUnauthorized, "unauthorized")
	if wrong.Error.Message != disabled.Error.Message {
		t.Errorf("disabled sign-in says %q, a wrong password %q", disabled.Error.Message, wrong.Error.Message)
	}

	// Enabled again: tokens work again; old sessions stay ended.
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": false}), http.StatusOK, &u)
	if u.Disabled {
		t.Errorf("enabled user = %+v", u)
	}
	if got := e.status("GET", "/api/v1/me", apiTok, nil); got != http.StatusOK {
		t.Errorf("api token after enabling: %d, want 200", got)
	}
	if got := e.status("GET", "/api/v1/me", e.repTok, nil); got != http.StatusUnauthorized {
		t.Errorf("old session after enabling: %d, want 401", got)
	}
	fresh := e.login(e.rep.Email, testPassword)
	if got := e.status("GET", "/api/v1/me", fresh, nil); got != http.StatusOK {
		t.Errorf("new session: %d", got)
	}

	// Another organisation's admin cannot touch the user.
	_, _, rivalTok := e.newOrg("Rival")
	e.fail(e.do("PATCH", "/api/v1/users/"+e.rep.ID, rivalTok, map[string]any{"disabled": true}), http.StatusNotFound, "not_found")
	e.fail(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.marketerTok, map[string]any{"disabled": true}), http.StatusForbidden, "forbidden")
	e.fail(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": "yes"}), http.StatusBadRequest, "invalid_input")
}

func TestLastActiveAdmin(t *testing.T) {
	e := newEnv(t)
	// The only admin can neither disable nor demote themself.
	e.fail(e.do("PATCH", "/api/v1/users/"+e.admin.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusConflict, "conflict")
	e.fail(e.do("PATCH", "/api/v1/users/"+e.admin.ID, e.adminTok, map[string]any{"role": "rep"}), http.StatusConflict, "conflict")

	// A disabled admin does not count: with the second admin disabled,
	// the first is still the last active one.
	second, _ := e.newUser(e.adminTok, stagecraft.RoleAdmin)
	e.json(e.do("PATCH", "/api/v1/users/"+second.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusOK, nil)
	e.fail(e.do("PATCH", "/api/v1/users/"+e.admin.ID, e.adminTok, map[string]any{"role": "marketer"}), http.StatusConflict, "conflict")
	e.json(e.do("PATCH", "/api/v1/users/"+second.ID, e.adminTok, map[string]any{"disabled": false}), http.StatusOK, nil)
	secondTok := e.login(second.Email, testPassword)

	// Two admins disabling each other at once: exactly one succeeds.
	var wg sync.WaitGroup
	codes := make([]int, 2)
	for i, c := range []struct{ tok, target string }{{e.adminTok, second.ID}, {secondTok, e.admin.ID}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp := e.do("PATCH", "/api/v1/users/"+c.target, c.tok, map[string]any{"disabled": true})
			_ = resp.Body.Close()
			codes[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	ok := 0
	for _, c := range codes {
		if c == http.StatusOK {
			ok++
		}
	}
	var active int
	must(t, e.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM users WHERE org_id = $1 AND role = 'admin' AND disabled_at IS NULL`, e.org).Scan(&active))
	if ok != 1 || active != 1 {
		t.Errorf("statuses %v leave %d active admins; want one success and one admin", codes, active)
	}
}

func TestLogout(t *testing.T) {
	e := newEnv(t)
	other := e.login(e.rep.Email, testPassword)
	if got := e.status("POST", "/api/v1/auth/logout", e.repTok, nil); got != http.StatusNoContent {
		t.Fatalf("logout: %d, want 204", got)
	}
	e.fail(e.do("GET", "/api/v1/me", e.repTok, nil), http.StatusUnauthorized, "unauthorized")
	e.fail(e.do("POST", "/api/v1/auth/logout", e.repTok, nil), http.StatusUnauthorized, "unauthorized")
	if got := e.status("GET", "/api/v1/me", other, nil); got != http.StatusOK {
		t.Errorf("the user's other session after logout: %d, want 200", got)
	}
	_, apiTok := e.createToken(other, "script")
	e.fail(e.do("POST", "/api/v1/auth/logout", apiTok, nil), http.StatusBadRequest, "invalid_input")
	if got := e.status("GET", "/api/v1/me", apiTok, nil); got != http.StatusOK {
		t.Errorf("api token after a refused logout: %d", got)
	}
}

func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	other := e.login(e.rep.Email, testPassword)
	_, apiTok := e.createToken(e.repTok, "script")

	ae := e.fail(e.do("POST", "/api/v1/me/password", e.repTok, map[string]string{
		"current_password": "not my password", "new_password": "a brand new password"}), http.StatusBadRequest, "invalid_input")
	if ae.Error.Details["field"] != "current_password" {
		t.Errorf("wrong current password: %+v, want field current_password", ae.Error)
	}
	ae = e.fail(e.do("POST", "/api/v1/me/password", e.repTok, map[string]string{
		"current_password": testPassword, "new_password": "short"}), http.StatusBadRequest, "invalid_input")
	if ae.Error.Details["field"] != "new_password" {
		t.Errorf("short new password: %+v, want field new_password", ae.Error)
	}
	if got := e.status("GET", "/api/v1/me", other, nil); got != http.StatusOK {
		t.Fatalf("a refused change ended sessions: %d", got)
	}

	if got := e.status("POST", "/api/v1/me/password", e.repTok, map[string]string{
		"current_password": testPassword, "new_password": "a brand new password"}); got != http.StatusNoContent {
		t.Fatalf("change: %d, want 204", got)
	}
	if got := e.status("GET", "/api/v1/me", e.repTok, nil); got != http.StatusOK {
		t.Errorf("the session that changed the password: %d, want 200", got)
	}
	if got := e.status("GET", "/api/v1/me", other, nil); got != http.StatusUnauthorized {
		t.Errorf("another session after the change: %d, want 401", got)
	}
	if got := e.status("GET", "/api/v1/me", apiTok, nil); got != http.StatusOK {
		t.Errorf("api token after the change: %d, want 200", got)
	}
	e.fail(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": e.rep.Email, "password": testPassword}),
		http.StatusUnauthorized, "unauthorized")
	e.login(e.rep.Email, "a brand new password")
}

// mailbox keeps the messages sent through it.
type mailbox struct {
	mu   sync.Mutex
	sent []stagecraft.MailMessage
}

func (m *mailbox) Send(_ context.Context, msg stagecraft.MailMessage) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailbox) messages() []stagecraft.MailMessage {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]stagecraft.MailMessage(nil), m.sent...)
}

// resetToken finds the token in a reset message's link.
func resetToken(t *testing.T, msg stagecraft.MailMessage) string {
	t.Helper()
	for _, f := range strings.Fields(msg.Text) {
		if u, err := url.Parse(f); err == nil && strings.HasSuffix(u.Path, "/reset-password") {
			return u.Query().Get("token")
		}
	}
	t.Fatalf("no reset link in %q", msg.Text)
	return ""
}

func TestPasswordReset(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, withMailer(box))
	session := e.login(e.rep.Email, testPassword)

	// Known, unknown and disabled addresses get the same answer; only
	// the known one gets mail.
	for _, email := range []string{"nobody@example.com", e.rep.Email, "  " + strings.ToUpper(e.rep.Email)} {
		if got := e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": email}); got != http.StatusAccepted {
			t.Fatalf("reset for %q: %d, want 202", email, got)
		}
	}
	msgs := box.messages()
	if len(msgs) != 2 || msgs[0].To != e.rep.Email || !strings.Contains(msgs[0].Subject, "password") {
		t.Fatalf("mail sent: %+v", msgs)
	}
	first, second := resetToken(t, msgs[0]), resetToken(t, msgs[1])

	for _, tok := range []string{"", "pr_unknown", "sc_" + first[3:], first + "x"} {
		e.fail(e.do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "new_password": "reset password 1"}),
			http.StatusBadRequest, "invalid_input")
	}
	e.fail(e.do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": first, "new_password": "short"}),
		http.StatusBadRequest, "invalid_input")
	if got := e.status("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": first, "new_password": "reset password 1"}); got != http.StatusNoContent {
		t.Fatalf("confirm: %d, want 204", got)
	}
	if got := e.status("GET", "/api/v1/me", session, nil); got != http.StatusUnauthorized {
		t.Errorf("session after a reset: %d, want 401", got)
	}
	e.login(e.rep.Email, "reset password 1")
	// The link works once, and the other link sent meanwhile is spent too.
	for _, tok := range []string{first, second} {
		ae := e.fail(e.do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": tok, "new_password": "reset password 2"}),
			http.StatusBadRequest, "invalid_input")
		if ae.Error.Details["field"] != "token" {
			t.Errorf("spent token: %+v", ae.Error)
		}
	}

	// An expired link is refused.
	e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": e.rep.Email})
	third := resetToken(t, box.messages()[2])
	_, err := e.db.Pool.Exec(context.Background(), `UPDATE password_resets SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`)
	must(t, err)
	e.fail(e.do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": third, "new_password": "reset password 3"}),
		http.StatusBadRequest, "invalid_input")

	// A disabled user gets no mail.
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusOK, nil)
	e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": e.rep.Email})
	if n := len(box.messages()); n != 3 {
		t.Errorf("%d messages after a disabled user's request, want 3", n)
	}
	e.fail(e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": strings.Repeat("a", 3000) + "@example.com"}),
		http.StatusBadRequest, "invalid_input")
}

// logRecords keeps the records logged through it.
type logRecords struct {
	mu   sync.Mutex
	recs []map[string]string
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	m := map[string]string{"msg": r.Message, "level": r.Level.String()}
	r.Attrs(func(a slog.Attr) bool { m[a.Key] = a.Value.String(); return true })
	l.mu.Lock()
	l.recs = append(l.recs, m)
	l.mu.Unlock()
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }

func TestPasswordResetLoggedWithoutMail(t *testing.T) {
	logs := &logRecords{}
	e := newEnv(t, withLogHandler(logs))
	e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": e.rep.Email})
	logs.mu.Lock()
	recs := append([]map[string]string(nil), logs.recs...)
	logs.mu.Unlock()
	for _, r := range recs {
		if link := r["reset_link"]; link != "" {
			if r["level"] != "INFO" || r["email"] != e.rep.Email || !strings.Contains(link, "/reset-password?token=pr_") {
				t.Errorf("reset logged as %v", r)
			}
			token := link[strings.Index(link, "token=")+len("token="):]
			if got := e.status("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{"token": token, "new_password": "logged link works"}); got != http.StatusNoContent {
				t.Errorf("logged link: %d", got)
			}
			return
		}
	}
	t.Error("no reset link logged while mail is off")
}

func TestAdminTokens(t *testing.T) {
	e := newEnv(t)
	repTokID, repAPI := e.createToken(e.repTok, "rep script")
	e.createToken(e.marketerTok, "marketer script")
	_, _, rivalTok := e.newOrg("Rival")
	rivalTokID, _ := e.createToken(rivalTok, "rival script")

	var list struct {
		Items []struct {
			ID, Name string
			Owner    struct{ ID, Email string }
			Token    *string `json:"token"`
		}
		Total int
	}
	e.json(e.do("GET", "/api/v1/api-tokens?user=all", e.adminTok, nil), http.StatusOK, &list)
	if list.Total != 2 {
		t.Fatalf("organisation's tokens = %+v, want the rep's and the marketer's", list)
	}
	for _, it := range list.Items {
		if it.ID == repTokID && (it.Owner.ID != e.rep.ID || it.Owner.Email != e.rep.Email) {
			t.Errorf("rep's token owner = %+v", it.Owner)
		}
		if it.Token != nil || it.ID == rivalTokID {
			t.Errorf("listed %+v", it)
		}
	}
	e.fail(e.do("GET", "/api/v1/api-tokens?user=all", e.repTok, nil), http.StatusForbidden, "forbidden")
	e.fail(e.do("GET", "/api/v1/api-tokens?user=someone", e.adminTok, nil), http.StatusBadRequest, "invalid_input")

	// Reps and marketers revoke only their own; admins any of theirs.
	e.fail(e.do("DELETE", "/api/v1/api-tokens/"+repTokID, e.marketerTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("DELETE", "/api/v1/api-tokens/"+repTokID, rivalTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("DELETE", "/api/v1/api-tokens/"+rivalTokID, e.adminTok, nil), http.StatusNotFound, "not_found")
	if got := e.status("DELETE", "/api/v1/api-tokens/"+repTokID, e.adminTok, nil); got != http.StatusNoContent {
		t.Fatalf("admin revokes the rep's token: %d, want 204", got)
	}
	e.fail(e.do("GET", "/api/v1/me", repAPI, nil), http.StatusUnauthorized, "unauthorized")
	e.fail(e.do("DELETE", "/api/v1/api-tokens/"+repTokID, e.adminTok, nil), http.StatusNotFound, "not_found")
}
