package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
)

func (e *env) audit(query string) api.AuditList {
	e.t.Helper()
	var l api.AuditList
	e.json(e.do("GET", "/api/v1/audit?"+query, e.adminTok, nil), http.StatusOK, &l)
	return l
}

// TestAuditLog makes each audited change through the API and finds its
// entry, with who, what and from where.
func TestAuditLog(t *testing.T) {
	box := &mailbox{}
	e := newEnv(t, withMailer(box), withTrustedProxies("127.0.0.1", "::1"))

	// user.created by the env; user.updated, user.disabled, user.enabled.
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"name": "Rep Renamed", "role": "marketer"}), http.StatusOK, nil)
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusOK, nil)
	e.json(e.do("PATCH", "/api/v1/users/"+e.rep.ID, e.adminTok, map[string]any{"disabled": false}), http.StatusOK, nil)
	repTok := e.login(e.rep.Email, testPassword)
	// A refused change writes nothing.
	e.fail(e.do("PATCH", "/api/v1/users/"+e.admin.ID, e.adminTok, map[string]any{"disabled": true}), http.StatusConflict, "conflict")

	tokID, _ := e.createToken(repTok, "script")
	if got := e.status("DELETE", "/api/v1/api-tokens/"+tokID, e.adminTok, nil); got != http.StatusNoContent {
		t.Fatalf("revoke: %d", got)
	}

	var tax map[string]any
	e.json(e.do("GET", "/api/v1/taxonomy", e.adminTok, nil), http.StatusOK, &tax)
	products, _ := tax["products"].([]any)
	tax["products"] = append(products, map[string]any{"key": "widgets", "label": "Widgets"})
	e.json(e.do("PUT", "/api/v1/taxonomy", e.adminTok, tax), http.StatusOK, nil)

	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"), field("title", "Deck"))
	e.json(e.do("PATCH", "/api/v1/assets/"+a.ID, e.marketerTok, map[string]any{"title": "Deck v2"}), http.StatusOK, nil)
	var link struct{ ID string }
	e.json(e.do("POST", "/api/v1/links", repTok, map[string]any{"asset_id": a.ID}), http.StatusCreated, &link)
	if got := e.status("DELETE", "/api/v1/links/"+link.ID, repTok, nil); got != http.StatusNoContent {
		t.Fatalf("revoke link: %d", got)
	}
	if got := e.status("DELETE", "/api/v1/assets/"+a.ID, e.marketerTok, nil); got != http.StatusNoContent {
		t.Fatalf("archive: %d", got)
	}

	if got := e.status("POST", "/api/v1/me/password", repTok, map[string]string{
		"current_password": testPassword, "new_password": "another good password"}); got != http.StatusNoContent {
		t.Fatalf("change password: %d", got)
	}
	e.status("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": e.marketer.Email})
	if got := e.status("POST", "/api/v1/auth/password-reset/confirm", "", map[string]string{
		"token": resetToken(t, box.messages()[0]), "new_password": "a reset password"}); got != http.StatusNoContent {
		t.Fatalf("reset: %d", got)
	}
	for range 5 {
		req := e.request("POST", "/api/v1/auth/login", "", map[string]string{"email": e.marketer.Email, "password": "wrong password!"})
		req.Header.Set("X-Forwarded-For", "203.0.113.9")
		_ = e.send(req).Body.Close()
	}

	want := []struct {
		action, targetType, targetID, actor string
		check                               func(d map[string]any) bool
	}{
		{stagecraft.AuditUserCreated, "user", e.rep.ID, e.admin.Email, func(d map[string]any) bool { return d["role"] == "rep" }},
		{stagecraft.AuditUserUpdated, "user", e.rep.ID, e.admin.Email, func(d map[string]any) bool {
			n, _ := d["name"].(map[string]any)
			return n["to"] == "Rep Renamed" && d["role"] != nil
		}},
		{stagecraft.AuditUserDisabled, "user", e.rep.ID, e.admin.Email, nil},
		{stagecraft.AuditUserEnabled, "user", e.rep.ID, e.admin.Email, nil},
		{stagecraft.AuditTokenCreated, "token", tokID, e.rep.Email, func(d map[string]any) bool { return d["name"] == "script" }},
		{stagecraft.AuditTokenRevoked, "token", tokID, e.admin.Email, nil},
		{stagecraft.AuditTaxonomyUpdated, "taxonomy", e.org, e.admin.Email, func(d map[string]any) bool {
			p, _ := d["products"].(map[string]any)
			return p != nil && strings.Contains(toJSON(p["added"]), "widgets")
		}},
		{stagecraft.AuditAssetCreated, "asset", a.ID, e.marketer.Email, func(d map[string]any) bool { return d["title"] == "Deck" }},
		{stagecraft.AuditAssetUpdated, "asset", a.ID, e.marketer.Email, func(d map[string]any) bool { return toJSON(d["fields"]) == `["title"]` }},
		{stagecraft.AuditAssetArchived, "asset", a.ID, e.marketer.Email, nil},
		{stagecraft.AuditLinkCreated, "link", link.ID, e.rep.Email, func(d map[string]any) bool { return d["asset_id"] == a.ID }},
		{stagecraft.AuditLinkRevoked, "link", link.ID, e.rep.Email, nil},
		{stagecraft.AuditPasswordChanged, "user", e.rep.ID, e.rep.Email, nil},
		{stagecraft.AuditPasswordReset, "user", e.marketer.ID, e.marketer.Email, nil},
		{stagecraft.AuditSignInFailed, "user", e.marketer.ID, "", func(d map[string]any) bool { return d["email"] == e.marketer.Email }},
	}
	all := e.audit("limit=100")
	for _, w := range want {
		t.Run(w.action, func(t *testing.T) {
			var found []api.AuditEntryResponse
			for _, it := range all.Items {
				if it.Action == w.action && it.Target.ID == w.targetID {
					found = append(found, it)
				}
			}
			if len(found) != 1 {
				t.Fatalf("%d entries for %s on %s, want 1", len(found), w.action, w.targetID)
			}
			it := found[0]
			if it.Target.Type != w.targetType {
				t.Errorf("target type %q, want %q", it.Target.Type, w.targetType)
			}
			switch {
			case w.actor == "" && it.Actor != nil:
				t.Errorf("actor %+v, want none", it.Actor)
			case w.actor != "" && (it.Actor == nil || it.Actor.Email != w.actor || it.Actor.ID == nil):
				t.Errorf("actor %+v, want %s", it.Actor, w.actor)
			}
			if it.IP == "" || time.Since(it.At) > time.Minute {
				t.Errorf("ip %q at %v", it.IP, it.At)
			}
			if w.check != nil && !w.check(it.Details) {
				t.Errorf("details %v", it.Details)
			}
		})
	}
	// The refused disabling of the last admin left no entry.
	for _, it := range all.Items {
		if it.Target.ID == e.admin.ID && it.Action != stagecraft.AuditUserCreated {
			t.Errorf("entry for a refused change: %+v", it)
		}
	}
	// Newest first, ids unique.
	seen := map[string]bool{}
	for i, it := range all.Items {
		if seen[it.ID] || (i > 0 && it.At.After(all.Items[i-1].At)) {
			t.Errorf("entry %d (%s) out of order or repeated", i, it.ID)
		}
		seen[it.ID] = true
	}

	t.Run("filters", func(t *testing.T) {
		byActor := e.audit("actor=" + e.marketer.ID)
		for _, it := range byActor.Items {
			if it.Actor == nil || it.Actor.Email != e.marketer.Email {
				t.Errorf("actor filter returned %+v", it)
			}
		}
		if len(byActor.Items) < 4 {
			t.Errorf("marketer's entries: %d", len(byActor.Items))
		}
		if l := e.audit("action=asset.updated"); len(l.Items) != 1 || l.Items[0].Target.ID != a.ID {
			t.Errorf("action filter: %+v", l.Items)
		}
		if l := e.audit("target=" + link.ID); len(l.Items) != 2 {
			t.Errorf("target filter: %+v", l.Items)
		}
		today := time.Now().UTC().Format(time.DateOnly)
		if l := e.audit("from=" + today + "&to=" + today); len(l.Items) != len(all.Items) {
			t.Errorf("today: %d entries, want %d", len(l.Items), len(all.Items))
		}
		future := url.QueryEscape(time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		if l := e.audit("from=" + future); len(l.Items) != 0 {
			t.Errorf("from the future: %+v", l.Items)
		}
		if l := e.audit("actor=" + uuid.NewString()); len(l.Items) != 0 || l.NextCursor != nil {
			t.Errorf("unknown actor: %+v", l)
		}
		for _, q := range []string{"from=yesterday", "limit=0", "limit=101", "cursor=abc", "format=xml"} {
			e.fail(e.do("GET", "/api/v1/audit?"+q, e.adminTok, nil), http.StatusBadRequest, "invalid_input")
		}
	})

	t.Run("pages", func(t *testing.T) {
		var ids []string
		q := "limit=4"
		for pages := 0; ; pages++ {
			l := e.audit(q)
			for _, it := range l.Items {
				ids = append(ids, it.ID)
			}
			if l.NextCursor == nil {
				break
			}
			if pages > 100 {
				t.Fatal("no end of pages")
			}
			q = "limit=4&cursor=" + url.QueryEscape(*l.NextCursor)
		}
		if len(ids) != len(all.Items) {
			t.Errorf("paging saw %d entries, want %d", len(ids), len(all.Items))
		}
		for i, id := range ids {
			if id != all.Items[i].ID {
				t.Fatalf("page order differs at %d", i)
			}
		}
	})

	t.Run("csv", func(t *testing.T) {
		resp := e.do("GET", "/api/v1/audit?format=csv&action=user.updated", e.adminTok, nil)
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		rows, err := csv.NewReader(resp.Body).ReadAll()
		must(t, err)
		if len(rows) != 2 || strings.Join(rows[0], ",") != "at,actor_email,action,target_type,target_id,ip,details" {
			t.Fatalf("csv rows %v", rows)
		}
		r := rows[1]
		var details map[string]any
		if r[1] != e.admin.Email || r[2] != "user.updated" || r[3] != "user" || r[4] != e.rep.ID || json.Unmarshal([]byte(r[6]), &details) != nil {
			t.Errorf("csv row %v", r)
		}
		// Every entry, past one page.
		resp2 := e.do("GET", "/api/v1/audit?format=csv&limit=2", e.adminTok, nil)
		defer func() { _ = resp2.Body.Close() }()
		b, _ := io.ReadAll(resp2.Body)
		all2, err := csv.NewReader(strings.NewReader(string(b))).ReadAll()
		must(t, err)
		if len(all2) != len(all.Items)+1 {
			t.Errorf("csv of everything: %d rows, want %d", len(all2), len(all.Items)+1)
		}
	})

	t.Run("who may read it", func(t *testing.T) {
		e.fail(e.do("GET", "/api/v1/audit", e.login(e.marketer.Email, "a reset password"), nil), http.StatusForbidden, "forbidden")
		_, _, rivalTok := e.newOrg("Rival")
		var l api.AuditList
		e.json(e.do("GET", "/api/v1/audit?target="+e.rep.ID, rivalTok, nil), http.StatusOK, &l)
		if len(l.Items) != 0 {
			t.Errorf("another organisation sees %+v", l.Items)
		}
	})
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// failingAudit answers the first page of the audit log with one entry and
// a cursor, and fails on the page after, as a database lost mid-export.
type failingAudit struct{ stagecraft.AuditService }

func (failingAudit) FindAuditEntries(_ context.Context, f stagecraft.AuditFilter) ([]*stagecraft.AuditEntry, string, error) {
	if f.Cursor == "" {
		return []*stagecraft.AuditEntry{{ID: "e1", At: time.Now(), Action: "user.updated", TargetType: "user", TargetID: "u1"}}, "next", nil
	}
	return nil, "", errors.New("connection lost")
}

// TestAuditCSVCutShort checks that a CSV export that fails after its
// first rows fails for the client too, rather than ending as a file that
// looks complete.
func TestAuditCSVCutShort(t *testing.T) {
	e := newEnv(t, withAudit(func(a stagecraft.AuditService) stagecraft.AuditService { return failingAudit{a} }))
	resp := e.do("GET", "/api/v1/audit?format=csv", e.adminTok, nil)
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d", resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err == nil {
		t.Fatalf("the cut-short export read as complete:\n%s", b)
	}
	if !strings.Contains(string(b), "user.updated") {
		t.Errorf("the rows before the failure were not sent: %q", b)
	}
	// The JSON pages still answer an error as one.
	e.fail(e.do("GET", "/api/v1/audit?cursor=next", e.adminTok, nil), http.StatusInternalServerError, "internal")
}
