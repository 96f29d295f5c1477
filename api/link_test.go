package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft/internal/pdfgen"

	"github.com/stagecraft/stagecraft/api"
)

// Real User-Agents used across the link tests.
const (
	chromeUA  = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
	slackUA   = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
	outlookUA = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)"
)

// tinyPDF returns a valid one-page PDF that shows text.
func tinyPDF(text string) []byte {
	return pdfgen.Document{Title: text, Pages: [][]string{{text}}}.Bytes()
}

// tinyPNG is a valid 1×1 PNG.
var tinyPNG = []byte{
	0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
	0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
	0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
	0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
	0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
}

// shareDeal inserts a deal of e's organisation owned by ownerID.
func (e *env) shareDeal(externalID, stage, ownerID string) string {
	e.t.Helper()
	var id string
	must(e.t, e.db.Pool.QueryRow(context.Background(), `INSERT INTO deals (org_id, external_id, stage, owner_id)
		VALUES ($1, $2, $3, $4) RETURNING id`, e.org, externalID, stage, ownerID).Scan(&id))
	return id
}

// share creates a link and checks the 201.
func (e *env) share(token string, body map[string]any) api.LinkResponse {
	e.t.Helper()
	var l api.LinkResponse
	e.json(e.do("POST", "/api/v1/links", token, body), http.StatusCreated, &l)
	return l
}

func (e *env) links(token, query string) api.LinkList {
	e.t.Helper()
	var out api.LinkList
	e.json(e.do("GET", "/api/v1/links?"+query, token, nil), http.StatusOK, &out)
	return out
}

// visit sends a public request as a browser would, unless header
// overrides the User-Agent.
func (e *env) visit(method, path string, header map[string]string) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, nil)
	must(e.t, err)
	req.Header.Set("User-Agent", chromeUA)
	req.Header.Set("Accept", "text/html")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return e.send(req)
}

// page reads a public response, checking its status.
func (e *env) page(resp *http.Response, status int) string {
	e.t.Helper()
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	must(e.t, err)
	if resp.StatusCode != status {
		e.t.Fatalf("%s %s: status %d, want %d: %.300s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, b)
	}
	return string(b)
}

// beacon posts a viewer beacon and returns the response.
func (e *env) beacon(token string, body any) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/l/"+token+"/events", strings.NewReader(jsonText(e.t, body)))
	must(e.t, err)
	req.Header.Set("User-Agent", chromeUA)
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8") // as navigator.sendBeacon sends a string
	return e.send(req)
}

func jsonText(t testing.TB, v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	must(t, err)
	return string(b)
}

type eventRow struct {
	Type      string
	UserID    *string
	DealID    *string
	VersionID *string
	Stage     *string
	Bot       bool
	Meta      map[string]any
}

// linkEvents returns the events recorded through a link, oldest first.
func (e *env) linkEvents(linkID string) []eventRow {
	e.t.Helper()
	rows, err := e.db.Pool.Query(context.Background(), `
		SELECT type, user_id::text, deal_id::text, version_id::text, stage_at_event, bot, meta
		FROM usage_events WHERE link_id = $1 ORDER BY recorded_at, occurred_at`, linkID)
	must(e.t, err)
	defer rows.Close()
	var out []eventRow
	for rows.Next() {
		var r eventRow
		must(e.t, rows.Scan(&r.Type, &r.UserID, &r.DealID, &r.VersionID, &r.Stage, &r.Bot, &r.Meta))
		out = append(out, r)
	}
	must(e.t, rows.Err())
	return out
}

func str(p *string) string {
	if p == nil {
		return "<nil>"
	}
	return *p
}

func TestLinkCreate(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"), field("title", "Q3 deck"))
	deal := e.shareDeal("D-1", "evaluation", e.rep.ID)
	future := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)

	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "deal_id": deal,
		"recipient_email": " Buyer@Prospect.example ", "expires_at": future.Format(time.RFC3339)})
	if len(l.Token) != 43 || strings.ContainsAny(l.Token, "+/=") {
		t.Errorf("token %q is not 43 characters of base64url", l.Token)
	}
	if l.URL != e.srv.URL+"/l/"+l.Token || l.AssetID != a.ID || str(l.DealID) != deal || l.SharerID != e.rep.ID ||
		str(l.RecipientEmail) != "buyer@prospect.example" || l.ExpiresAt == nil || !l.ExpiresAt.Equal(future) ||
		l.RevokedAt != nil || l.Opens != 0 {
		t.Errorf("link = %+v", l)
	}
	// The share is recorded with the link, on the deal, at its stage.
	evs := e.linkEvents(l.ID)
	if len(evs) != 1 || evs[0].Type != "share" || str(evs[0].UserID) != e.rep.ID || str(evs[0].DealID) != deal ||
		str(evs[0].Stage) != "evaluation" || str(evs[0].VersionID) != a.CurrentVersion.ID || evs[0].Bot {
		t.Errorf("share events = %+v", evs)
	}
	// Two links to the same asset get different tokens.
	if l2 := e.share(e.repTok, map[string]any{"asset_id": a.ID}); l2.Token == l.Token || l2.DealID != nil || l2.ExpiresAt != nil {
		t.Errorf("second link = %+v", l2)
	}

	tests := []struct {
		name  string
		body  any
		field string
	}{
		{"no asset", map[string]any{}, "asset_id"},
		{"asset not a uuid", map[string]any{"asset_id": "nope"}, "asset_id"},
		{"deal not a uuid", map[string]any{"asset_id": a.ID, "deal_id": "D-1"}, "deal_id"},
		{"bad email", map[string]any{"asset_id": a.ID, "recipient_email": "not an email"}, "recipient_email"},
		{"email with name", map[string]any{"asset_id": a.ID, "recipient_email": "Bob <bob@example.com>"}, "recipient_email"},
		{"past expiry", map[string]any{"asset_id": a.ID, "expires_at": time.Now().Add(-time.Minute).Format(time.RFC3339)}, "expires_at"},
		{"bad expiry", map[string]any{"asset_id": a.ID, "expires_at": "tomorrow"}, "expires_at"},
		{"unknown field", map[string]any{"asset_id": a.ID, "title": "x"}, "title"},
		{"wrong type", `{"asset_id": 42}`, "asset_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			ae := e.fail(e.do("POST", "/api/v1/links", e.repTok, tt.body), http.StatusBadRequest, "invalid_input")
			if ae.Error.Details["field"] != tt.field || !strings.Contains(ae.Error.Message, tt.field) {
				t.Errorf("error = %+v, want it to name %s", ae.Error, tt.field)
			}
		})
	}
	e.fail(e.do("POST", "/api/v1/links", "", map[string]any{"asset_id": a.ID}), http.StatusUnauthorized, "unauthorized")
}

func TestLinkCreateVisibility(t *testing.T) {
	e := newEnv(t)
	published := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	draft := e.createAsset(e.marketerTok, "draft.pdf", tinyPDF("Draft"), field("status", "draft"))
	archived := e.createAsset(e.marketerTok, "old.pdf", tinyPDF("Old"))
	e.json(e.do("DELETE", "/api/v1/assets/"+archived.ID, e.marketerTok, nil), http.StatusNoContent, nil)
	repDeal := e.shareDeal("D-rep", "discovery", e.rep.ID)
	marketerDeal := e.shareDeal("D-mkt", "proposal", e.marketer.ID)

	_, _, otherTok := e.newOrg("Other")
	otherAsset := e.createAsset(otherTok, "theirs.pdf", tinyPDF("Theirs"))
	var otherDeal string
	must(t, e.db.Pool.QueryRow(context.Background(), `INSERT INTO deals (org_id, external_id, stage)
		SELECT org_id, 'D-other', 'discovery' FROM assets WHERE id = $1 RETURNING id`, otherAsset.ID).Scan(&otherDeal))

	tests := []struct {
		name   string
		token  string
		body   map[string]any
		status int
		code   string
	}{
		{"rep shares published", e.repTok, map[string]any{"asset_id": published.ID}, http.StatusCreated, ""},
		{"rep on own deal", e.repTok, map[string]any{"asset_id": published.ID, "deal_id": repDeal}, http.StatusCreated, ""},
		{"rep on another's deal", e.repTok, map[string]any{"asset_id": published.ID, "deal_id": marketerDeal}, http.StatusNotFound, "not_found"},
		{"rep shares draft", e.repTok, map[string]any{"asset_id": draft.ID}, http.StatusNotFound, "not_found"},
		{"marketer shares draft", e.marketerTok, map[string]any{"asset_id": draft.ID}, http.StatusCreated, ""},
		{"marketer on rep's deal", e.marketerTok, map[string]any{"asset_id": published.ID, "deal_id": repDeal}, http.StatusCreated, ""},
		{"admin on marketer's deal", e.adminTok, map[string]any{"asset_id": published.ID, "deal_id": marketerDeal}, http.StatusCreated, ""},
		{"archived asset", e.marketerTok, map[string]any{"asset_id": archived.ID}, http.StatusUnprocessableEntity, "unprocessable"},
		{"other org's asset", e.adminTok, map[string]any{"asset_id": otherAsset.ID}, http.StatusNotFound, "not_found"},
		{"other org's deal", e.adminTok, map[string]any{"asset_id": published.ID, "deal_id": otherDeal}, http.StatusNotFound, "not_found"},
		{"unknown asset", e.adminTok, map[string]any{"asset_id": "00000000-0000-0000-0000-000000000000"}, http.StatusNotFound, "not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.do("POST", "/api/v1/links", tt.token, tt.body)
			if tt.code == "" {
				e.json(resp, tt.status, nil)
			} else {
				e.fail(resp, tt.status, tt.code)
			}
		})
	}
}

func TestLinkListAndRevoke(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	b := e.createAsset(e.marketerTok, "case.pdf", tinyPDF("Case"))
	deal := e.shareDeal("D-1", "discovery", e.rep.ID)
	repLink := e.share(e.repTok, map[string]any{"asset_id": a.ID, "deal_id": deal})
	repLink2 := e.share(e.repTok, map[string]any{"asset_id": b.ID})
	mktLink := e.share(e.marketerTok, map[string]any{"asset_id": a.ID})
	_, _, otherTok := e.newOrg("Other")
	otherAsset := e.createAsset(otherTok, "theirs.pdf", tinyPDF("Theirs"))
	otherLink := e.share(otherTok, map[string]any{"asset_id": otherAsset.ID})

	ids := func(l api.LinkList) []string {
		var out []string
		for _, it := range l.Items {
			out = append(out, it.ID)
		}
		return out
	}
	tests := []struct {
		name, token, query string
		want               []string
	}{
		{"rep sees own", e.repTok, "", []string{repLink2.ID, repLink.ID}},
		{"marketer sees org", e.marketerTok, "", []string{mktLink.ID, repLink2.ID, repLink.ID}},
		{"admin by asset", e.adminTok, "asset_id=" + a.ID, []string{mktLink.ID, repLink.ID}},
		{"admin by deal", e.adminTok, "deal_id=" + deal, []string{repLink.ID}},
		{"rep by asset", e.repTok, "asset_id=" + a.ID, []string{repLink.ID}},
		{"other org's asset", e.adminTok, "asset_id=" + otherAsset.ID, nil},
		{"paged", e.marketerTok, "limit=1&offset=1", []string{repLink2.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			got := e.links(tt.token, tt.query)
			if fmt.Sprint(ids(got)) != fmt.Sprint(tt.want) {
				t.Errorf("ids = %v, want %v", ids(got), tt.want)
			}
			if tt.name == "paged" && got.Total != 3 {
				t.Errorf("total = %d, want 3", got.Total)
			}
		})
	}
	item := e.links(e.repTok, "deal_id="+deal).Items[0]
	if item.URL != e.srv.URL+"/l/"+repLink.Token || item.Token != repLink.Token || item.Opens != 0 ||
		item.LastOpenedAt != nil || item.RevokedAt != nil || item.SharerID != e.rep.ID || item.CreatedAt.IsZero() {
		t.Errorf("item = %+v", item)
	}
	e.fail(e.do("GET", "/api/v1/links?asset_id=nope", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/links?limit=500", e.adminTok, nil), http.StatusBadRequest, "invalid_input")

	// Revoking: reps only their own; nobody across organisations.
	for _, tt := range []struct {
		name, token, id string
		status          int
	}{
		{"rep revokes marketer's", e.repTok, mktLink.ID, http.StatusNotFound},
		{"admin revokes other org's", e.adminTok, otherLink.ID, http.StatusNotFound},
		{"unknown", e.adminTok, "00000000-0000-0000-0000-000000000000", http.StatusNotFound},
		{"malformed", e.adminTok, "nope", http.StatusNotFound},
		{"rep revokes own", e.repTok, repLink.ID, http.StatusNoContent},
		{"twice", e.repTok, repLink.ID, http.StatusNoContent},
		{"admin revokes marketer's", e.adminTok, mktLink.ID, http.StatusNoContent},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			resp := e.do("DELETE", "/api/v1/links/"+tt.id, tt.token, nil)
			if tt.status == http.StatusNoContent {
				e.json(resp, tt.status, nil)
			} else {
				e.fail(resp, tt.status, "not_found")
			}
		})
	}
	revoked := e.links(e.repTok, "deal_id="+deal).Items[0]
	if revoked.RevokedAt == nil {
		t.Fatalf("revoked_at not set: %+v", revoked)
	}
	e.page(e.visit("GET", "/l/"+repLink.Token, nil), http.StatusGone)
	e.page(e.visit("GET", "/l/"+otherLink.Token, nil), http.StatusOK)
}

func TestLinkViewerPDF(t *testing.T) {
	e := newEnv(t)
	pdf := tinyPDF("Pricing")
	a := e.createAsset(e.marketerTok, "pricing.pdf", pdf, field("title", "Pricing & Plans"))
	deal := e.shareDeal("D-1", "proposal", e.rep.ID)
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "deal_id": deal})

	resp := e.visit("GET", "/l/"+l.Token, nil)
	body := e.page(resp, http.StatusOK)
	for _, want := range []string{"Pricing &amp; Plans", `<object id="doc" class="doc" data-page="1" data="` + l.Token + `/view" type="application/pdf"`,
		`data-beacon="` + l.Token + `/events"`, "navigator.sendBeacon"} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	checkViewerHeaders(t, resp)
	if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	// The nonce in the policy is the one the page's elements carry.
	csp := resp.Header.Get("Content-Security-Policy")
	nonce := strings.TrimSuffix(strings.SplitN(strings.SplitN(csp, "'nonce-", 2)[1], "'", 2)[0], "'")
	if strings.Count(body, `nonce="`+nonce+`"`) != 2 {
		t.Errorf("page does not carry the policy's nonce %q twice", nonce)
	}

	evs := e.linkEvents(l.ID)
	if len(evs) != 2 {
		t.Fatalf("events = %+v, want share and link_open", evs)
	}
	open := evs[1]
	if open.Type != "link_open" || open.Bot || str(open.UserID) != e.rep.ID || str(open.DealID) != deal ||
		str(open.Stage) != "proposal" || str(open.VersionID) != a.CurrentVersion.ID {
		t.Errorf("open = %+v", open)
	}
	if open.Meta["ua_family"] != "Chrome" || len(fmt.Sprint(open.Meta["ip_hash"])) != 16 {
		t.Errorf("meta = %v", open.Meta)
	}
	if m, _ := json.Marshal(open.Meta); bytes.Contains(m, []byte("127.0.0.1")) || bytes.Contains(m, []byte("Mozilla")) {
		t.Errorf("meta keeps the address or User-Agent: %s", m)
	}

	// The file is the same bytes, shown inline from this origin.
	resp = e.visit("GET", "/l/"+l.Token+"/file", nil)
	got := e.page(resp, http.StatusOK)
	if got != string(pdf) {
		t.Errorf("file = %d bytes, want the %d uploaded", len(got), len(pdf))
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "application/pdf" ||
		!strings.HasPrefix(cd, "inline") || !strings.Contains(cd, "pricing.pdf") {
		t.Errorf("file headers: Content-Type %q, Content-Disposition %q", ct, cd)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
		t.Errorf("X-Frame-Options = %q", xfo)
	}
	if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Errorf("file Cache-Control = %q", cc)
	}
	// ?download=1 is a redirect to a signed attachment URL of the same bytes.
	resp = e.visit("GET", "/l/"+l.Token+"/file?download=1", nil)
	e.page(resp, http.StatusFound)
	dl := e.page(e.visit("GET", strings.TrimPrefix(resp.Header.Get("Location"), e.srv.URL), nil), http.StatusOK)
	if dl != string(pdf) {
		t.Errorf("download = %d bytes, want %d", len(dl), len(pdf))
	}
	// Fetching the file records no open.
	if n := len(e.linkEvents(l.ID)); n != 2 {
		t.Errorf("%d events after fetching the file, want 2", n)
	}
}

func checkViewerHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	h := resp.Header
	csp := h.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "http") || strings.Contains(csp, "*") {
		t.Errorf("Content-Security-Policy %q allows more than this origin", csp)
	}
	for k, want := range map[string]string{
		"Cache-Control": "no-store", "Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow",
		"X-Content-Type-Options": "nosniff",
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
}

func TestLinkViewerKinds(t *testing.T) {
	e := newEnv(t)
	text := []byte("Plain notes for the buyer.\n")
	tests := []struct {
		name, filename string
		body           []byte
		want           []string
		inline         bool
	}{
		{"text file is a download", "notes.txt", text, []string{`href="TOKEN/file?download=1" download`, "Text file", "notes.txt"}, false},
		{"image is shown", "diagram.png", tinyPNG, []string{`<img id="doc" data-page="1" src="TOKEN/view" alt="diagram">`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			a := e.createAsset(e.marketerTok, tt.filename, tt.body)
			l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
			body := e.page(e.visit("GET", "/l/"+l.Token, nil), http.StatusOK)
			for _, w := range tt.want {
				if w = strings.ReplaceAll(w, "TOKEN", l.Token); !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if strings.Contains(body, "<object") {
				t.Error("page embeds an object")
			}
			resp := e.visit("GET", "/l/"+l.Token+"/file", nil)
			var got string
			if tt.inline {
				got = e.page(resp, http.StatusOK)
				if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "inline") {
					t.Errorf("Content-Disposition = %q", cd)
				}
				if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") {
					t.Errorf("image CSP = %q, want a sandbox", csp)
				}
			} else {
				// Downloads redirect to a short-lived signed URL.
				e.page(resp, http.StatusFound)
				loc := resp.Header.Get("Location")
				if !strings.Contains(loc, "/blobs/") || !strings.Contains(loc, "sig=") {
					t.Fatalf("Location = %q", loc)
				}
				fresp := e.visit("GET", strings.TrimPrefix(loc, e.srv.URL), nil)
				got = e.page(fresp, http.StatusOK)
				if cd := fresp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
					t.Errorf("Content-Disposition = %q", cd)
				}
			}
			if got != string(tt.body) {
				t.Errorf("file = %q, want the uploaded bytes", got)
			}
		})
	}
}

func TestLinkViewerEscapes(t *testing.T) {
	e := newEnv(t)
	title := `<script>alert(1)</script>"'&`
	a := e.createAsset(e.marketerTok, "x.pdf", tinyPDF("X"), field("title", title))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	body := e.page(e.visit("GET", "/l/"+l.Token, nil), http.StatusOK)
	if strings.Contains(body, "<script>alert") || strings.Contains(body, `"'&`) {
		t.Errorf("title is not escaped:\n%s", body)
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("escaped title missing:\n%.600s", body)
	}
}

func TestLinkViewerBots(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})

	bots := []struct {
		name, method string
		header       map[string]string
		reason       string
	}{
		{"slack unfurler", "GET", map[string]string{"User-Agent": slackUA}, "slack"},
		{"outlook prefetch", "GET", map[string]string{"User-Agent": outlookUA}, "microsoft-office"},
		{"teams preview", "GET", map[string]string{"User-Agent": "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5"}, "microsoft-preview"},
		{"empty user agent", "GET", map[string]string{"User-Agent": ""}, "empty-user-agent"},
		{"HEAD from a browser", "HEAD", nil, "head-request"},
		{"browser prefetch", "GET", map[string]string{"Sec-Purpose": "prefetch"}, "prefetch"},
		{"headless chrome", "GET", map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/120.0.6099.109 Safari/537.36"}, "headless"},
	}
	for _, b := range bots {
		resp := e.visit(b.method, "/l/"+l.Token, b.header)
		e.page(resp, http.StatusOK)
	}
	for range 3 {
		e.page(e.visit("GET", "/l/"+l.Token, nil), http.StatusOK)
	}
	evs := e.linkEvents(l.ID)[1:] // after the share
	if len(evs) != len(bots)+3 {
		t.Fatalf("%d opens recorded, want %d", len(evs), len(bots)+3)
	}
	for i, b := range bots {
		if ev := evs[i]; !ev.Bot || ev.Type != "link_open" || ev.Meta["bot_reason"] != b.reason {
			t.Errorf("%s: open = %+v, want a bot open for %s", b.name, ev, b.reason)
		}
	}
	for _, ev := range evs[len(bots):] {
		if ev.Bot {
			t.Errorf("human open recorded as a bot: %+v", ev)
		}
	}
	item := e.links(e.repTok, "asset_id="+a.ID).Items[0]
	if item.Opens != 3 || item.LastOpenedAt == nil {
		t.Errorf("opens = %d, last_opened_at = %v; want 3 human opens", item.Opens, item.LastOpenedAt)
	}

	// last_opened_at ignores a later bot open.
	last := *item.LastOpenedAt
	time.Sleep(10 * time.Millisecond)
	e.page(e.visit("GET", "/l/"+l.Token, map[string]string{"User-Agent": slackUA}), http.StatusOK)
	if item := e.links(e.repTok, "").Items[0]; item.Opens != 3 || !item.LastOpenedAt.Equal(last) {
		t.Errorf("after a bot open: opens %d, last_opened_at %v (was %v)", item.Opens, item.LastOpenedAt, last)
	}
}

func TestLinkViewerGone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Secret plan"), field("title", "Secret plan"))
	mk := func() api.LinkResponse { return e.share(e.repTok, map[string]any{"asset_id": a.ID}) }

	expired := mk()
	_, err := e.db.Pool.Exec(ctx, `UPDATE share_links SET expires_at = now() - interval '1 minute' WHERE id = $1`, expired.ID)
	must(t, err)
	revoked := mk()
	e.json(e.do("DELETE", "/api/v1/links/"+revoked.ID, e.repTok, nil), http.StatusNoContent, nil)
	live := mk()

	archivedAsset := e.createAsset(e.marketerTok, "old.pdf", tinyPDF("Old"))
	onArchived := e.share(e.repTok, map[string]any{"asset_id": archivedAsset.ID})
	e.json(e.do("DELETE", "/api/v1/assets/"+archivedAsset.ID, e.marketerTok, nil), http.StatusNoContent, nil)

	expiringAsset := e.createAsset(e.marketerTok, "promo.pdf", tinyPDF("Promo"))
	onExpired := e.share(e.repTok, map[string]any{"asset_id": expiringAsset.ID})
	_, err = e.db.Pool.Exec(ctx, `UPDATE assets SET expires_at = now() - interval '1 minute' WHERE id = $1`, expiringAsset.ID)
	must(t, err)

	tests := []struct {
		name, token string
		status      int
		heading     string
	}{
		{"expired link", expired.Token, http.StatusGone, "This link has expired"},
		{"revoked link", revoked.Token, http.StatusGone, "This link is no longer available"},
		{"archived asset", onArchived.Token, http.StatusGone, "This link is no longer available"},
		{"expired asset", onExpired.Token, http.StatusGone, "This link is no longer available"},
		{"unknown token", strings.Repeat("A", 43), http.StatusNotFound, "Link not found"},
		{"malformed token", "abc", http.StatusNotFound, "Link not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			for _, path := range []string{"/l/" + tt.token, "/l/" + tt.token + "/file"} {
				resp := e.visit("GET", path, nil)
				body := e.page(resp, tt.status)
				if !strings.Contains(body, "<h2>"+tt.heading+"</h2>") {
					t.Errorf("%s: page lacks heading %q:\n%.400s", path, tt.heading, body)
				}
				if strings.Contains(body, "Secret plan") || strings.Contains(body, "deck.pdf") {
					t.Errorf("%s: error page tells about the asset", path)
				}
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("%s: Content-Type %q", path, resp.Header.Get("Content-Type"))
				}
				checkViewerHeaders(t, resp)
			}
			e.fail(e.beacon(tt.token, map[string]any{"session_id": "session-1", "page": 1, "seconds": 5}), tt.status,
				map[int]string{http.StatusGone: "gone", http.StatusNotFound: "not_found"}[tt.status])
		})
	}
	// Only the live link recorded opens; gone links record nothing.
	for _, l := range []api.LinkResponse{expired, revoked, onArchived, onExpired} {
		if n := len(e.linkEvents(l.ID)); n != 1 {
			t.Errorf("link %s: %d events, want the share only", l.ID, n)
		}
	}
	e.page(e.visit("GET", "/l/"+live.Token, nil), http.StatusOK)
}

func TestLinkBeacons(t *testing.T) {
	clock := &stepClock{t: time.Now()}
	e := newEnv(t, withDBClock(clock))
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	seconds := func(session string, page int) int {
		t.Helper()
		var n int
		err := e.db.Pool.QueryRow(context.Background(), `SELECT coalesce(sum(seconds), 0) FROM link_page_time
			WHERE link_id = $1 AND session_id = $2 AND page = $3`, l.ID, session, page).Scan(&n)
		must(t, err)
		return n
	}
	// Beacons 10 s apart, as the page sends them: time enough for each.
	ok := func(body any) {
		t.Helper()
		clock.advance(10 * time.Second)
		e.json(e.beacon(l.Token, body), http.StatusNoContent, nil)
	}
	ok(map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": 10})
	ok(map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": 9.6})
	ok(map[string]any{"session_id": "sess_AAAA-1", "page": 2, "seconds": 3})
	ok(map[string]any{"session_id": "sess_BBBB-2", "page": 1, "seconds": 500}) // clamped to 60
	ok(map[string]any{"session_id": "sess_BBBB-2", "page": 1, "seconds": -30}) // clamped to 0
	for _, c := range []struct {
		session string
		page    int
		want    int
	}{{"sess_AAAA-1", 1, 20}, {"sess_AAAA-1", 2, 3}, {"sess_BBBB-2", 1, 60}} {
		if got := seconds(c.session, c.page); got != c.want {
			t.Errorf("%s page %d: %d seconds, want %d", c.session, c.page, got, c.want)
		}
	}
	if got := e.links(e.repTok, "").Items[0].SecondsViewed; got != 83 {
		t.Errorf("seconds_viewed = %d, want 83", got)
	}

	// Beacons from bots are ignored.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/l/"+l.Token+"/events",
		strings.NewReader(`{"session_id":"bot-session","page":1,"seconds":30}`))
	req.Header.Set("User-Agent", "Mozilla/5.0 HeadlessChrome/120.0")
	e.json(e.send(req), http.StatusNoContent, nil)
	if got := seconds("bot-session", 1); got != 0 {
		t.Errorf("bot beacon stored %d seconds", got)
	}

	bad := []struct {
		name  string
		body  any
		field string
	}{
		{"short session", map[string]any{"session_id": "abc", "page": 1, "seconds": 5}, "session_id"},
		{"long session", map[string]any{"session_id": strings.Repeat("a", 65), "page": 1, "seconds": 5}, "session_id"},
		{"session characters", map[string]any{"session_id": "sess/../../x", "page": 1, "seconds": 5}, "session_id"},
		{"page zero", map[string]any{"session_id": "sess_AAAA-1", "page": 0, "seconds": 5}, "page"},
		{"page too big", map[string]any{"session_id": "sess_AAAA-1", "page": 10001, "seconds": 5}, "page"},
		{"page fraction", map[string]any{"session_id": "sess_AAAA-1", "page": 1.5, "seconds": 5}, "page"},
		{"no page", map[string]any{"session_id": "sess_AAAA-1", "seconds": 5}, "page"},
		{"no seconds", map[string]any{"session_id": "sess_AAAA-1", "page": 1}, "seconds"},
		{"seconds string", map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": "5"}, "seconds"},
		{"unknown field", map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": 5, "x": 1}, "x"},
		{"not json", "seconds=5", ""},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			ae := e.fail(e.beacon(l.Token, tt.body), http.StatusBadRequest, "invalid_input")
			if tt.field != "" && ae.Error.Details["field"] != tt.field {
				t.Errorf("error = %+v, want field %s", ae.Error, tt.field)
			}
		})
	}

	e.json(e.do("DELETE", "/api/v1/links/"+l.ID, e.repTok, nil), http.StatusNoContent, nil)
	e.fail(e.beacon(l.Token, map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": 5}), http.StatusGone, "gone")
	if got := seconds("sess_AAAA-1", 1); got != 20 {
		t.Errorf("after revoking: %d seconds, want 20", got)
	}
}

func TestLinkRateLimitGuessing(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	guess := func(i int) string { return fmt.Sprintf("%043d", i) }

	for i := range 10 {
		e.page(e.visit("GET", "/l/"+guess(i), nil), http.StatusNotFound)
	}
	resp := e.visit("GET", "/l/"+guess(10), nil)
	body := e.page(resp, http.StatusTooManyRequests)
	if ra := resp.Header.Get("Retry-After"); ra == "" || ra == "0" {
		t.Errorf("Retry-After = %q", ra)
	}
	if !strings.Contains(body, "Too many requests") {
		t.Errorf("429 page: %.300s", body)
	}
	// Locked out, even a valid token answers 429, so a hit cannot be told
	// from a miss; the beacon endpoint answers JSON.
	e.page(e.visit("GET", "/l/"+l.Token, nil), http.StatusTooManyRequests)
	resp = e.beacon(l.Token, map[string]any{"session_id": "sess_AAAA-1", "page": 1, "seconds": 5})
	if resp.Header.Get("Retry-After") == "" {
		t.Error("beacon 429 without Retry-After")
	}
	e.fail(resp, http.StatusTooManyRequests, "rate_limited")
	// The authenticated API is not affected.
	e.links(e.repTok, "")
}

// TestLinkRateLimitPerClient runs the public routes behind a trusted
// proxy, so that X-Forwarded-For names the client.
func TestLinkRateLimitPerClient(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	proxied := e.proxiedViewer(t)

	get := func(path, client string) *http.Response {
		req, err := http.NewRequest(http.MethodGet, proxied+path, nil)
		must(t, err)
		req.Header.Set("User-Agent", chromeUA)
		req.Header.Set("X-Forwarded-For", client)
		return e.send(req)
	}
	for i := range 10 {
		e.page(get(fmt.Sprintf("/l/%043d", i), "198.51.100.7"), http.StatusNotFound)
	}
	e.page(get("/l/"+l.Token, "198.51.100.7"), http.StatusTooManyRequests)
	// Another client, and the proxy itself, are unaffected.
	e.page(get("/l/"+l.Token, "198.51.100.8"), http.StatusOK)
	e.page(get("/l/"+l.Token, "2001:db8::1"), http.StatusOK)
	e.page(e.visit("GET", "/l/"+l.Token, nil), http.StatusOK)

	// The page limit: a burst of 30, then 429 for that client only.
	n := 0
	for ; n < 100; n++ {
		resp := get("/l/"+l.Token+"/file", "198.51.100.9")
		_ = resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			break
		}
	}
	if n < 29 || n > 31 {
		t.Errorf("%d page requests before 429, want about 30", n)
	}
	e.page(get("/l/"+l.Token, "198.51.100.10"), http.StatusOK)

	// Opens keep a hash of the client's network (/24, /48) from its
	// forwarded address, not the proxy's.
	var hashes []string
	rows, err := e.db.Pool.Query(context.Background(), `SELECT meta->>'ip_hash' FROM usage_events WHERE link_id = $1 AND type = 'link_open' ORDER BY recorded_at`, l.ID)
	must(t, err)
	for rows.Next() {
		var h string
		must(t, rows.Scan(&h))
		hashes = append(hashes, h)
	}
	// Clients: 198.51.100.8, 2001:db8::1, 127.0.0.1 (direct), 198.51.100.10.
	if len(hashes) != 4 || hashes[0] != hashes[3] || hashes[0] == hashes[1] || hashes[0] == hashes[2] || hashes[1] == hashes[2] {
		t.Errorf("ip hashes = %v", hashes)
	}
}

// proxiedViewer starts a second server over e's stores that trusts
// 127.0.0.1 as a proxy, and returns its URL.
func (e *env) proxiedViewer(t *testing.T) string {
	t.Helper()
	s := *e.server
	s.TrustedProxies = []string{"127.0.0.1"}
	h, err := s.Handler()
	must(t, err)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestLinkListSearch: the links table pages past a hundred, searches the
// asset's title, the recipient and the deal's name literally, shows a rep
// only their own links and nobody another organisation's (which has
// assets of the same titles).
func TestLinkListSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, _, otherTok := e.newOrg("Other")
	deal := e.shareDeal("D-1", "discovery", e.rep.ID)
	_, err := e.db.Pool.Exec(ctx, `UPDATE deals SET name = 'Opportunity North' WHERE id = $1`, deal)
	must(t, err)
	titles := map[string]string{} // asset id → title
	for i, name := range listHostile {
		for _, tok := range []string{e.marketerTok, otherTok} {
			a := e.createAsset(tok, "deck.pdf", tinyPDF("Deck"), field("title", name))
			titles[a.ID] = name
			body := map[string]any{"asset_id": a.ID, "recipient_email": fmt.Sprintf("r%d@buyer.example", i)}
			if tok == otherTok {
				e.share(tok, body)
				continue
			}
			if i%2 == 0 {
				body["deal_id"] = deal
			}
			e.share(e.repTok, body)
		}
	}
	// 105 more of the rep's, 20 of the marketer's, made in fours at once.
	bulk := e.createAsset(e.marketerTok, "bulk.pdf", tinyPDF("Bulk"), field("title", "Bulk deck"))
	_, err = e.db.Pool.Exec(ctx, `
		INSERT INTO share_links (org_id, asset_id, sharer_id, recipient_email, token, created_at)
		SELECT $1, $2, CASE WHEN i <= 105 THEN $3::uuid ELSE $4::uuid END, format('bulk%s@buyer.example', i),
		       rpad(md5($5 || i), 43, 'x'), now() - (i / 4) * interval '1 minute'
		FROM generate_series(1, 125) i`, e.org, bulk.ID, e.rep.ID, e.marketer.ID, uuid.NewString())
	must(t, err)

	for _, tt := range []struct {
		name, token, path string
		limit, want       int
	}{
		{"the rep's, a hundred at a time", e.repTok, "/api/v1/links?", 100, 8 + 105},
		{"the organisation's", e.adminTok, "/api/v1/links?", 100, 8 + 125},
		{"an exact multiple", e.repTok, "/api/v1/links?q=bulk", 35, 105},
		{"searched, by asset", e.marketerTok, "/api/v1/links?q=bulk&asset_id=" + bulk.ID, 100, 125},
		{"searched, by deal", e.marketerTok, "/api/v1/links?q=NORTH&deal_id=" + deal, 100, 4},
		{"the other organisation", otherTok, "/api/v1/links?q=buyer", 100, 8},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			if ids := e.pageAll(tt.token, tt.path, tt.limit); len(ids) != tt.want {
				t.Errorf("%d links, want %d", len(ids), tt.want)
			}
		})
	}

	queries := map[string][]string{
		"opportunity north": {"100% Pure", `O'Brien "Bob"`, "snake_case", `back\slash`},
		"R3@buyer":          {"snakeXcase"},
		"pure r1@":          {"1000 Pure"},
	}
	for q, want := range listHostileQueries {
		queries[q] = want
	}
	for q, want := range queries {
		var p api.LinkList
		e.json(e.do("GET", "/api/v1/links?q="+url.QueryEscape(q), e.repTok, nil), http.StatusOK, &p)
		var got []string
		for _, l := range p.Items {
			got = append(got, titles[l.AssetID])
		}
		slices.Sort(got)
		want = slices.Clone(want)
		slices.Sort(want)
		if !slices.Equal(got, want) || p.Total != len(want) {
			t.Errorf("q=%s: %q (total %d), want %q", q, got, p.Total, want)
		}
	}
	e.checkListQueryRefused(e.repTok, "/api/v1/links", map[string]string{"asset_id=nope": "asset_id"})
}
