package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
)

// TestPoisonedEventsNeverFailOthers has one organisation send events whose
// meta PostgreSQL cannot store while another organisation records events
// at the same time: every legitimate request must succeed, and the
// poisoned items are refused one by one.
func TestPoisonedEventsNeverFailOthers(t *testing.T) {
	e := newEnv(t)
	victimAsset := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	_, _, attackerTok := e.newOrg("Attacker")
	attackerAsset := e.createAsset(attackerTok, "b.txt", []byte("theirs"))

	poisons := []string{
		`{"x":"\u0000"}`,
		`{"\u0000":"key"}`,
		`{"x":["ok",{"y":"a\u0000b"}]}`,
		`{"x":"\ud800"}`, // a lone surrogate: decoded as U+FFFD and stored
	}
	const attackers, legit, rounds = 3, 3, 15
	var wg sync.WaitGroup
	var legitFailures, legitAccepted, poisonStored atomic.Int64
	var firstFailure atomic.Value
	for range attackers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				p := poisons[i%len(poisons)]
				body := fmt.Sprintf(`{"events":[{"id":%q,"type":"view","asset_id":%q,"meta":%s}]}`,
					uuid.NewString(), attackerAsset.ID, p)
				resp := e.do("POST", "/api/v1/events", attackerTok, body)
				var r api.EventsResponse
				e.json(resp, http.StatusAccepted, &r)
				poisonStored.Add(int64(r.Accepted))
			}
		}()
	}
	for range legit {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range rounds {
				events := []any{ev(uuid.NewString(), "view", victimAsset.ID), ev(uuid.NewString(), "present", victimAsset.ID)}
				resp := e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": events})
				var r api.EventsResponse
				if resp.StatusCode != http.StatusAccepted {
					legitFailures.Add(1)
					firstFailure.CompareAndSwap(nil, resp.Status)
					_ = resp.Body.Close()
					continue
				}
				e.json(resp, http.StatusAccepted, &r)
				legitAccepted.Add(int64(r.Accepted))
			}
		}()
	}
	wg.Wait()
	if n := legitFailures.Load(); n > 0 {
		t.Errorf("%d legitimate requests failed (first: %v)", n, firstFailure.Load())
	}
	if got, want := legitAccepted.Load(), int64(legit*rounds*2); got != want {
		t.Errorf("%d legitimate events accepted, want %d", got, want)
	}
	// Only the lone surrogate (a quarter of the rounds) is storable.
	var stored int
	must(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM usage_events WHERE asset_id = $1`, attackerAsset.ID).Scan(&stored))
	if int64(stored) != poisonStored.Load() || stored == 0 || stored >= attackers*rounds {
		t.Errorf("attacker's events: %d stored, %d reported accepted", stored, poisonStored.Load())
	}

	// The refusal names the field.
	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", attackerTok, fmt.Sprintf(`{"events":[{"id":%q,"type":"view","asset_id":%q,"meta":{"a":{"b":"\u0000"}}}]}`,
		uuid.NewString(), attackerAsset.ID)), http.StatusAccepted, &r)
	if len(r.Rejected) != 1 || !strings.Contains(r.Rejected[0].Error, "meta.a.b") {
		t.Errorf("poisoned item: %+v, want a rejection naming meta.a.b", r)
	}
}

// TestEventIDsPerOrganisation: an id another organisation used is neither
// a duplicate nor a way to learn that it exists.
func TestEventIDsPerOrganisation(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	_, _, rivalTok := e.newOrg("Rival")
	b := e.createAsset(rivalTok, "b.txt", []byte("theirs"))
	id := uuid.NewString()
	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", rivalTok, map[string]any{"events": []any{ev(id, "view", b.ID)}}), http.StatusAccepted, &r)
	if r.Accepted != 1 {
		t.Fatalf("rival: %+v", r)
	}
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{ev(id, "view", a.ID)}}), http.StatusAccepted, &r)
	if r.Accepted != 1 || r.Duplicates != 0 {
		t.Errorf("the same id in another organisation: %+v, want accepted", r)
	}
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{ev(id, "view", a.ID)}}), http.StatusAccepted, &r)
	if r.Accepted != 0 || r.Duplicates != 1 {
		t.Errorf("the same id again in one organisation: %+v, want a duplicate", r)
	}
	// occurred_at may be left out: the server's time is used.
	noTime := map[string]any{"id": uuid.NewString(), "type": "view", "asset_id": a.ID}
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{noTime}}), http.StatusAccepted, &r)
	var at time.Time
	must(t, e.db.Pool.QueryRow(context.Background(), `SELECT occurred_at FROM usage_events WHERE org_id = $1 AND id = $2`,
		e.org, noTime["id"]).Scan(&at))
	if r.Accepted != 1 || time.Since(at) > time.Minute {
		t.Errorf("event without occurred_at: %+v at %v", r, at)
	}
}

// TestRepEventsFollowVisibility: a rep records uses only of what they may
// see, by every path that records them.
func TestRepEventsFollowVisibility(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	published := e.createAsset(e.marketerTok, "p.txt", []byte("published"))
	draft := e.createAsset(e.marketerTok, "d.txt", []byte("draft"), field("status", "draft"))
	otherRep, otherRepTok := e.newUser(e.adminTok, stagecraft.RoleRep)
	var own, theirs string
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, owner_id) VALUES ($1, 'OWN', 'discovery', $2) RETURNING id`,
		e.org, e.rep.ID).Scan(&own))
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, owner_id) VALUES ($1, 'THEIRS', 'discovery', $2) RETURNING id`,
		e.org, otherRep.ID).Scan(&theirs))
	_ = otherRepTok

	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{
		ev(uuid.NewString(), "view", published.ID, "deal_id", own),    // 0 ok
		ev(uuid.NewString(), "view", published.ID, "deal_id", theirs), // 1 another rep's deal
		ev(uuid.NewString(), "view", draft.ID),                        // 2 a draft
		ev(uuid.NewString(), "view", draft.ID, "deal_id", own),        // 3 a draft on one's own deal
	}}), http.StatusAccepted, &r)
	var idx []int
	for _, rej := range r.Rejected {
		idx = append(idx, rej.Index)
	}
	if r.Accepted != 1 || fmt.Sprint(idx) != "[1 2 3]" {
		t.Errorf("rep's events: accepted %d, rejected %+v; want 1 and [1 2 3]", r.Accepted, r.Rejected)
	}
	// Rejections read like unknown ids: nothing says the object exists.
	for _, rej := range r.Rejected {
		if !strings.Contains(rej.Error, "not found") {
			t.Errorf("rejection %q", rej.Error)
		}
	}
	// Marketers record on any deal and any asset of the organisation.
	e.json(e.do("POST", "/api/v1/events", e.marketerTok, map[string]any{"events": []any{
		ev(uuid.NewString(), "view", draft.ID, "deal_id", theirs)}}), http.StatusAccepted, &r)
	if r.Accepted != 1 {
		t.Errorf("marketer's event: %+v", r)
	}

	// Downloads: another rep's deal is not found, and nothing is recorded.
	count := func() int {
		var n int
		must(t, e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM usage_events WHERE deal_id = $1 AND type = 'download'`, theirs).Scan(&n))
		return n
	}
	e.fail(e.do("GET", "/api/v1/assets/"+published.ID+"/download?format=json&deal_id="+theirs, e.repTok, nil), http.StatusNotFound, "not_found")
	if n := count(); n != 0 {
		t.Errorf("%d downloads recorded on another rep's deal", n)
	}
	e.json(e.do("GET", "/api/v1/assets/"+published.ID+"/download?format=json&deal_id="+own, e.repTok, nil), http.StatusOK, nil)
	e.json(e.do("GET", "/api/v1/assets/"+published.ID+"/download?format=json&deal_id="+theirs, e.marketerTok, nil), http.StatusOK, nil)
	if n := count(); n != 1 {
		t.Errorf("%d downloads on the deal after the marketer's, want 1", n)
	}
}

// TestSignInLockoutIsPerClient: wrong passwords from one client cannot
// lock the user out of another.
func TestSignInLockoutIsPerClient(t *testing.T) {
	e := newEnv(t, withTrustedProxies("127.0.0.1", "::1"))
	login := func(client, email, password string) *http.Response {
		req := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
		req.Header.Set("X-Forwarded-For", client)
		return e.send(req)
	}
	const attacker, user = "203.0.113.7", "198.51.100.20"
	for range 5 {
		e.fail(login(attacker, e.rep.Email, "guess guess guess"), http.StatusUnauthorized, "unauthorized")
	}
	// The attacker's client is paused for this email, even with the
	// right password...
	e.fail(login(attacker, e.rep.Email, testPassword), http.StatusTooManyRequests, "rate_limited")
	// ...but the user, elsewhere, signs in.
	e.json(login(user, e.rep.Email, testPassword), http.StatusOK, nil)

	// One client guessing across many emails hits its own ceiling.
	const sprayer = "2001:db8:1:2::77"
	for i := range 50 {
		e.fail(login(sprayer, fmt.Sprintf("user%d@example.com", i), "guess guess guess"), http.StatusUnauthorized, "unauthorized")
	}
	e.fail(login(sprayer, e.marketer.Email, testPassword), http.StatusTooManyRequests, "rate_limited")
	// The same /64 is the same client.
	e.fail(login("2001:db8:1:2::78", e.marketer.Email, testPassword), http.StatusTooManyRequests, "rate_limited")
	e.json(login(user, e.marketer.Email, testPassword), http.StatusOK, nil)
}

// TestLongAndUnstorableInput: strings too long for an index, or holding
// text PostgreSQL refuses, are 4xx wherever they come in.
func TestLongAndUnstorableInput(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("a", 3000) + "@example.com"
	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	tests := []struct {
		name, method, path, token string
		body                      any
		status                    int // 0: any answer but a 5xx
	}{
		{"sign-in email of 3 KB", "POST", "/api/v1/auth/login", "", map[string]string{"email": long, "password": "x"}, http.StatusBadRequest},
		{"sign-in email with NUL", "POST", "/api/v1/auth/login", "", `{"email":"a\u0000@example.com","password":"x"}`, http.StatusBadRequest},
		{"sign-in password of 100 KB", "POST", "/api/v1/auth/login", "", map[string]string{"email": e.rep.Email, "password": strings.Repeat("p", 100<<10)}, http.StatusUnauthorized},
		{"new user email of 3 KB", "POST", "/api/v1/users", e.adminTok, map[string]string{"email": long, "role": "rep", "password": testPassword}, http.StatusBadRequest},
		{"new user name with NUL", "POST", "/api/v1/users", e.adminTok, `{"email":"n@example.com","role":"rep","password":"` + testPassword + `","name":"a\u0000"}`, http.StatusBadRequest},
		{"user name with NUL", "PATCH", "/api/v1/users/" + e.rep.ID, e.adminTok, `{"name":"a\u0000"}`, http.StatusBadRequest},
		{"token name with NUL", "POST", "/api/v1/api-tokens", e.repTok, `{"name":"x\u0000"}`, http.StatusBadRequest},
		{"reset email of 3 KB", "POST", "/api/v1/auth/password-reset", "", map[string]string{"email": long}, http.StatusBadRequest},
		{"asset title with NUL", "PATCH", "/api/v1/assets/" + a.ID, e.marketerTok, `{"title":"x\u0000"}`, http.StatusBadRequest},
		{"link recipient with NUL", "POST", "/api/v1/links", e.repTok, `{"asset_id":"` + a.ID + `","recipient_email":"a\u0000@example.com"}`, http.StatusBadRequest},
		{"search with NUL", "GET", "/api/v1/search?q=a%00b", e.repTok, nil, 0},
		{"deal filter with NUL", "GET", "/api/v1/deals?q=a%00b", e.repTok, nil, 0},
		{"audit filter of 3 KB", "GET", "/api/v1/audit?target=" + long, e.adminTok, nil, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := e.do(tt.method, tt.path, tt.token, tt.body)
			defer func() { _ = resp.Body.Close() }()
			switch {
			case tt.status == 0 && resp.StatusCode >= 500:
				t.Errorf("status %d, want anything but a server error", resp.StatusCode)
			case tt.status != 0 && resp.StatusCode != tt.status:
				t.Errorf("status %d, want %d", resp.StatusCode, tt.status)
			}
		})
	}
	// Nothing above was stored.
	var n int
	must(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM users WHERE org_id = $1`, e.org).Scan(&n))
	if n != 3 {
		t.Errorf("%d users, want the 3 of the env", n)
	}
}

// TestAPIAnswersAreNotCached: API JSON carries Cache-Control: no-store.
func TestAPIAnswersAreNotCached(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ path, token string }{
		{"/api/v1/me", e.repTok}, {"/api/v1/assets", e.repTok}, {"/api/v1/users", e.adminTok},
		{"/api/v1/me", ""}, {"/api/v1/nowhere", e.repTok},
	} {
		resp := e.do("GET", tc.path, tc.token, nil)
		_ = resp.Body.Close()
		if got := resp.Header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("GET %s: Cache-Control %q, want no-store", tc.path, got)
		}
	}
}
