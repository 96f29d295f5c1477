package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
)

var updateGolden = flag.Bool("update-golden", false, "rewrite api/testdata/golden from the current responses")

// goldenIDs replaces what differs from run to run (ids, times, secrets,
// ports) with stable names, numbering ids in order of first appearance so
// that a response pointing at the wrong object still shows.
type goldenIDs struct {
	ids map[string]string
}

var (
	uuidPattern  = regexp.MustCompile(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`)
	timePattern  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`)
	weekPattern  = regexp.MustCompile(`"\d{4}-\d\d-\d\d"`)
	urlPattern   = regexp.MustCompile(`http://127\.0\.0\.1:\d+`)
	tokenPattern = regexp.MustCompile(`"(sc_|pr_)[A-Za-z0-9_-]+"|"eyJ[A-Za-z0-9_.-]+"|/l/[A-Za-z0-9_-]{16,}|"token":"[A-Za-z0-9_-]{16,}"`)
	emailPattern = regexp.MustCompile(`(admin|marketer|rep)-[0-9a-f]{8}@example\.com`)
	tookPattern  = regexp.MustCompile(`"took_ms":\d+`)
	sigPattern   = regexp.MustCompile(`(expires|signature)=[^"&\\]+`)
)

func (g *goldenIDs) normalize(b []byte) []byte {
	s := string(b)
	s = uuidPattern.ReplaceAllStringFunc(s, func(id string) string {
		if n, ok := g.ids[id]; ok {
			return n
		}
		n := fmt.Sprintf("<id%d>", len(g.ids)+1)
		g.ids[id] = n
		return n
	})
	s = timePattern.ReplaceAllString(s, "<time>")
	s = weekPattern.ReplaceAllString(s, `"<date>"`)
	s = urlPattern.ReplaceAllString(s, "<server>")
	s = tokenPattern.ReplaceAllStringFunc(s, func(t string) string {
		switch {
		case strings.HasPrefix(t, "/l/"):
			return "/l/<token>"
		case strings.HasPrefix(t, `"token":`):
			return `"token":"<token>"`
		}
		return `"<secret>"`
	})
	s = emailPattern.ReplaceAllString(s, "$1@example.com")
	s = tookPattern.ReplaceAllString(s, `"took_ms":0`)
	s = sigPattern.ReplaceAllString(s, "$1=<sig>")
	return []byte(s)
}

// TestGoldenResponses records the bodies of the main responses, byte for
// byte once run-specific values are named: the wire format is the
// contract, and refactoring the code behind it must not change it. Run
// with -update-golden to accept a deliberate change.
func TestGoldenResponses(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	g := &goldenIDs{ids: map[string]string{}}
	// Name the env's users first, so their names do not depend on what
	// the responses mention first.
	for _, id := range []string{e.org, e.admin.ID, e.marketer.ID, e.rep.ID} {
		g.normalize([]byte(id))
	}
	type call struct {
		name, method, path string
		token              string
		body               any
	}
	run := func(c call) {
		t.Helper()
		var resp *http.Response
		if r, ok := c.body.(*http.Request); ok {
			resp = e.send(r)
		} else {
			resp = e.do(c.method, c.path, c.token, c.body)
		}
		b, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		must(t, err)
		got := g.normalize([]byte(fmt.Sprintf("%s %s\n%d %s\n%s\n", c.method, c.path, resp.StatusCode,
			resp.Header.Get("Content-Type"), b)))
		file := filepath.Join("testdata", "golden", c.name+".txt")
		if *updateGolden {
			must(t, os.MkdirAll(filepath.Dir(file), 0o755))
			must(t, os.WriteFile(file, got, 0o644))
			return
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%s: %v (run go test ./api -run TestGoldenResponses -update-golden to record it)", c.name, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s changed:\n got: %s\nwant: %s", c.name, got, want)
		}
	}
	run(call{"me", "GET", "/api/v1/me", e.repTok, nil})
	run(call{"users", "GET", "/api/v1/users", e.adminTok, nil})
	run(call{"user_patch", "PATCH", "/api/v1/users/" + e.rep.ID, e.adminTok, map[string]any{"name": "Rep One"}})
	run(call{"taxonomy", "GET", "/api/v1/taxonomy", e.repTok, nil})
	run(call{"token_create", "POST", "/api/v1/api-tokens", e.repTok, map[string]any{"name": "script"}})
	run(call{"tokens", "GET", "/api/v1/api-tokens", e.repTok, nil})
	run(call{"tokens_all", "GET", "/api/v1/api-tokens?user=all", e.adminTok, nil})

	asset := e.createAsset(e.marketerTok, "guide.txt", []byte("A guide to encryption for security teams."),
		field("title", "Security guide"), field("description", "For CISOs"), field("stages", "evaluation"),
		field("personas", "technical_buyer"), field("tags", "security,encryption"))
	e.indexAll()
	run(call{"asset", "GET", "/api/v1/assets/" + asset.ID, e.repTok, nil})
	run(call{"assets", "GET", "/api/v1/assets", e.marketerTok, nil})
	run(call{"asset_patch", "PATCH", "/api/v1/assets/" + asset.ID, e.marketerTok, map[string]any{"tags": []string{"security"}}})
	run(call{"versions", "GET", "/api/v1/assets/" + asset.ID + "/versions", e.repTok, nil})
	run(call{"search", "GET", "/api/v1/search?q=encryption", e.repTok, nil})

	run(call{"deal_put", "PUT", "/api/v1/deals/SF-1", e.marketerTok, map[string]any{
		"name": "Acme platform", "account": "Acme", "stage": "evaluation", "amount": 12000, "currency": "EUR",
		"owner_email": e.rep.Email, "personas": []string{"technical_buyer"}}})
	run(call{"deal_unowned", "PUT", "/api/v1/deals/SF-2", e.marketerTok, map[string]any{"name": "Globex", "stage": "discovery"}})
	dealID := e.dealID("SF-1")
	run(call{"deals", "GET", "/api/v1/deals", e.repTok, nil})
	run(call{"deal", "GET", "/api/v1/deals/" + dealID, e.repTok, nil})
	run(call{"deal_attach", "POST", "/api/v1/deals/" + dealID + "/assets", e.repTok, map[string]any{"asset_id": asset.ID}})
	run(call{"recommendations", "GET", "/api/v1/recommendations?deal_id=" + dealID, e.repTok, nil})

	run(call{"link_create", "POST", "/api/v1/links", e.repTok, map[string]any{
		"asset_id": asset.ID, "deal_id": dealID, "recipient_email": "buyer@acme.example"}})
	run(call{"links", "GET", "/api/v1/links", e.repTok, nil})
	run(call{"events", "POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{
		ev(uuid.NewString(), "present", asset.ID, "deal_id", dealID), ev("bad", "view", asset.ID)}}})

	_, err := e.db.Pool.Exec(ctx, `UPDATE deals SET status = 'won', closed_at = now() WHERE id = $1`, dealID)
	must(t, err)
	run(call{"scorecard", "GET", "/api/v1/analytics/assets", e.marketerTok, nil})
	run(call{"asset_analytics", "GET", "/api/v1/analytics/assets/" + asset.ID, e.marketerTok, nil})
	run(call{"unused", "GET", "/api/v1/analytics/unused", e.marketerTok, nil})
	run(call{"audit", "GET", "/api/v1/audit?action=asset.created", e.adminTok, nil})

	run(call{"error_not_found", "GET", "/api/v1/assets/" + uuid.NewString(), e.repTok, nil})
	run(call{"error_invalid", "PATCH", "/api/v1/users/" + e.rep.ID, e.adminTok, map[string]any{"role": "king"}})
	run(call{"error_unauthorized", "GET", "/api/v1/me", "", nil})
	run(call{"error_forbidden", "GET", "/api/v1/users", e.repTok, nil})

	e.notifyUser(e.rep, "buyer@acme.example opened “Security guide”")
	run(call{"notifications", "GET", "/api/v1/notifications", e.repTok, nil})
	run(call{"notification_settings", "GET", "/api/v1/me/notification-settings", e.repTok, nil})
	run(call{"notification_settings_put", "PUT", "/api/v1/me/notification-settings", e.repTok, map[string]any{
		"email": "daily", "types": map[string]bool{"room.opened": false}}})
	run(call{"settings", "GET", "/api/v1/settings", e.adminTok, nil})
	run(call{"settings_put", "PUT", "/api/v1/settings", e.adminTok, map[string]any{"internal_domains": []string{"acme.example"}}})
	run(call{"deliveries", "GET", "/api/v1/deliveries", e.adminTok, nil})
	// The decoded golden files are JSON where they say so.
	for _, f := range []string{"asset", "deal", "link_create"} {
		b, err := os.ReadFile(filepath.Join("testdata", "golden", f+".txt"))
		must(t, err)
		body := b[bytes.LastIndex(bytes.TrimRight(b, "\n"), []byte("\n"))+1:]
		if !json.Valid(bytes.TrimSpace(body)) {
			t.Errorf("%s: not JSON: %s", f, body)
		}
	}
}
