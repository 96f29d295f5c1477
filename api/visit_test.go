package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// browser is a prospect's browser: it keeps the cookies the viewer sets
// and comes from one client address (X-Forwarded-For, with the test
// server's loopback peer trusted).
type browser struct {
	e       *env
	ip      string
	ua      string
	cookies map[string]*http.Cookie
}

func (e *env) browser(ip string) *browser {
	return &browser{e: e, ip: ip, ua: chromeUA, cookies: map[string]*http.Cookie{}}
}

func (b *browser) do(method, path, contentType, body string) *http.Response {
	b.e.t.Helper()
	req, err := http.NewRequest(method, b.e.srv.URL+path, strings.NewReader(body))
	must(b.e.t, err)
	req.Header.Set("User-Agent", b.ua)
	req.Header.Set("Accept", "text/html")
	req.Header.Set("X-Forwarded-For", b.ip)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	resp := b.e.send(req)
	for _, c := range resp.Cookies() {
		if !strings.HasPrefix(path, c.Path) {
			b.e.t.Errorf("cookie %s has path %q, outside %s", c.Name, c.Path, path)
		}
		if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			b.e.t.Errorf("cookie %s: HttpOnly=%v SameSite=%v, want HttpOnly, Lax", c.Name, c.HttpOnly, c.SameSite)
		}
		b.cookies[c.Name] = c
	}
	return resp
}

func (b *browser) get(path string) *http.Response { return b.do("GET", path, "", "") }

func (b *browser) access(token, email, passcode string) *http.Response {
	return b.do("POST", "/l/"+token+"/access", "application/json",
		jsonText(b.e.t, map[string]string{"email": email, "passcode": passcode}))
}

func (b *browser) beacon(token, session string, page, seconds int) *http.Response {
	return b.do("POST", "/l/"+token+"/events", "text/plain;charset=UTF-8",
		fmt.Sprintf(`{"session_id":%q,"page":%d,"seconds":%d}`, session, page, seconds))
}

// multiPagePDF is a PDF of n pages, each naming its number.
func multiPagePDF(title string, n int) []byte {
	pages := make([][]string, n)
	for i := range pages {
		pages[i] = []string{fmt.Sprintf("%s, page %d", title, i+1)}
	}
	return pdfgen.Document{Title: title, Pages: pages}.Bytes()
}

// TestLinkProtection: a link asking for an email and a passcode serves
// nothing of the document before its gate is passed; a wrong passcode is
// refused and rate-limited; downloads off means no file even after
// admission; a new passcode ends earlier admissions.
func TestLinkProtection(t *testing.T) {
	e := newEnv(t, withTrustedProxies("127.0.0.1", "::1"))
	a := e.createAsset(e.marketerTok, "pricing.pdf", multiPagePDF("Pricing", 3))
	e.indexAll()
	e.previewAll()
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "require_email": true, "passcode": "open sesame",
		"allow_download": false})
	if !l.RequireEmail || !l.HasPasscode || l.AllowDownload || !l.Notify {
		t.Fatalf("link = %+v, want require_email, has_passcode, no downloads, notify", l)
	}
	body := jsonText(t, l)
	if strings.Contains(body, "open sesame") || strings.Contains(body, "argon2") {
		t.Errorf("link JSON shows the passcode or its hash: %s", body)
	}

	b := e.browser("203.0.113.7")
	gate := e.page(b.get("/l/"+l.Token), http.StatusOK)
	for _, want := range []string{`<input type="email"`, `<input type="password"`, `action="` + l.Token + `/access"`} {
		if !strings.Contains(gate, want) {
			t.Errorf("gate lacks %q", want)
		}
	}
	if strings.Contains(gate, "data-page") || strings.Contains(gate, "/pages/") {
		t.Errorf("gate shows pages before admission")
	}
	for _, path := range []string{"/file", "/file?download=1", "/view", "/pages/1"} {
		e.page(b.get("/l/"+l.Token+path), http.StatusUnauthorized)
	}
	e.page(b.beacon(l.Token, "sess-gate-1", 1, 5), http.StatusUnauthorized)

	// Wrong answers.
	var bad apiError
	e.json(b.access(l.Token, "", "open sesame"), http.StatusBadRequest, &bad)
	if bad.Error.Details["field"] != "email" {
		t.Errorf("no email: details = %v, want field email", bad.Error.Details)
	}
	e.json(b.access(l.Token, "buyer@prospect.example", "open says me"), http.StatusForbidden, &bad)
	if bad.Error.Code != "forbidden" || !strings.Contains(bad.Error.Message, "passcode") {
		t.Errorf("wrong passcode: %+v", bad.Error)
	}
	if _, ok := b.cookies["sc_admit"]; ok {
		t.Fatal("a wrong passcode set the admission cookie")
	}

	// The right answer, from the same browser.
	e.page(b.access(l.Token, "Buyer@Prospect.example", "open sesame"), http.StatusNoContent)
	page := e.page(b.get("/l/"+l.Token), http.StatusOK)
	if n := strings.Count(page, `data-page="`); n != 3 {
		t.Errorf("admitted page has %d data-page elements, want 3", n)
	}
	if strings.Contains(page, "/file") {
		t.Errorf("page offers the file with downloads off")
	}
	e.page(b.get("/l/"+l.Token+"/pages/1"), http.StatusOK)
	e.page(b.get("/l/"+l.Token+"/pages/4"), http.StatusNotFound)
	e.page(b.get("/l/"+l.Token+"/file"), http.StatusForbidden)
	e.page(b.get("/l/"+l.Token+"/file?download=1"), http.StatusForbidden)
	e.page(b.beacon(l.Token, "sess-gate-1", 2, 0), http.StatusNoContent)

	// Guessing is limited per client: five tries a minute.
	g := e.browser("198.51.100.9")
	for i := range 5 {
		e.json(g.access(l.Token, "x@y.example", fmt.Sprintf("guess %d", i)), http.StatusForbidden, nil)
	}
	resp := g.access(l.Token, "x@y.example", "open sesame")
	e.json(resp, http.StatusTooManyRequests, nil)
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	// Another client is not affected.
	e.page(e.browser("198.51.100.77").access(l.Token, "z@y.example", "open sesame"), http.StatusNoContent)

	// A new passcode ends the admissions given under the old one.
	var updated api.LinkResponse
	e.json(e.do("PATCH", "/api/v1/links/"+l.ID, e.repTok, map[string]any{"passcode": "new secret"}), http.StatusOK, &updated)
	if !updated.HasPasscode {
		t.Error("PATCH passcode: has_passcode false")
	}
	e.page(b.get("/l/"+l.Token+"/pages/1"), http.StatusUnauthorized)
	if again := e.page(b.get("/l/"+l.Token), http.StatusOK); !strings.Contains(again, `<input type="password"`) {
		t.Error("after a new passcode the page is shown without the gate")
	}

	// Removing the protection opens the link to everyone.
	e.json(e.do("PATCH", "/api/v1/links/"+l.ID, e.repTok, map[string]any{"passcode": nil, "require_email": false,
		"allow_download": true}), http.StatusOK, &updated)
	if updated.HasPasscode || updated.RequireEmail || !updated.AllowDownload {
		t.Errorf("after PATCH: %+v", updated)
	}
	anyone := e.browser("192.0.2.1")
	e.page(anyone.get("/l/"+l.Token+"/pages/2"), http.StatusOK)
	if p := e.page(anyone.get("/l/"+l.Token), http.StatusOK); !strings.Contains(p, "/file?download=1") {
		t.Error("downloads back on, but the page offers no download")
	}
}

// TestLinkGateWithoutScript: the gate works as a plain form post.
func TestLinkGateWithoutScript(t *testing.T) {
	e := newEnv(t, withTrustedProxies("127.0.0.1", "::1"))
	a := e.createAsset(e.marketerTok, "deck.pdf", multiPagePDF("Deck", 1))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "passcode": "letmein"})
	b := e.browser("203.0.113.8")
	form := url.Values{"passcode": {"wrong"}}.Encode()
	if p := e.page(b.do("POST", "/l/"+l.Token+"/access", "application/x-www-form-urlencoded", form), http.StatusForbidden); !strings.Contains(p, "passcode is not right") {
		t.Errorf("wrong passcode page does not say so: %.300s", p)
	}
	resp := b.do("POST", "/l/"+l.Token+"/access", "application/x-www-form-urlencoded", url.Values{"passcode": {"letmein"}}.Encode())
	e.page(resp, http.StatusSeeOther)
	if got := resp.Header.Get("Location"); got != "/l/"+l.Token {
		t.Errorf("Location = %q", got)
	}
	e.page(b.get("/l/"+l.Token+"/view"), http.StatusOK)
}

// TestLinkUpdateRules: PATCH validates its fields by name, and reps may
// change and read only the links they shared.
func TestLinkUpdateRules(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	_, otherRep := e.newUser(e.adminTok, "rep")
	tests := []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"short passcode", map[string]any{"passcode": "abc"}, "passcode"},
		{"long passcode", map[string]any{"passcode": strings.Repeat("p", 129)}, "passcode"},
		{"past expiry", map[string]any{"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"},
		{"bad expiry", map[string]any{"expires_at": "tomorrow"}, "expires_at"},
		{"wrong type", map[string]any{"notify": "yes"}, "notify"},
		{"null flag", map[string]any{"allow_download": nil}, "allow_download"},
		{"unknown field", map[string]any{"asset_id": a.ID}, "asset_id"},
	}
	for _, tt := range tests {
		var got apiError
		e.json(e.do("PATCH", "/api/v1/links/"+l.ID, e.repTok, tt.body), http.StatusBadRequest, &got)
		if got.Error.Details["field"] != tt.field {
			t.Errorf("%s: details = %v, want field %s", tt.name, got.Error.Details, tt.field)
		}
	}
	e.fail(e.do("PATCH", "/api/v1/links/"+l.ID, otherRep, map[string]any{"notify": false}), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/links/"+l.ID, otherRep, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/links/"+l.ID+"/visits", otherRep, nil), http.StatusNotFound, "not_found")
	var got api.LinkResponse
	e.json(e.do("PATCH", "/api/v1/links/"+l.ID, e.marketerTok, map[string]any{"notify": false,
		"expires_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)}), http.StatusOK, &got)
	if got.Notify || got.ExpiresAt == nil {
		t.Errorf("marketer PATCH: %+v", got)
	}
	e.json(e.do("PATCH", "/api/v1/links/"+l.ID, e.repTok, map[string]any{"expires_at": nil}), http.StatusOK, &got)
	if got.ExpiresAt != nil {
		t.Errorf("expires_at null kept %v", got.ExpiresAt)
	}
	var entries struct {
		Items []struct {
			Action  string         `json:"action"`
			Details map[string]any `json:"details"`
		} `json:"items"`
	}
	e.json(e.do("GET", "/api/v1/audit?action=link.updated", e.adminTok, nil), http.StatusOK, &entries)
	if len(entries.Items) != 2 {
		t.Errorf("audit has %d link.updated entries, want 2", len(entries.Items))
	}
}

// TestVisits: a visitor's page loads less than 30 minutes apart make one
// visit, a later one is a return visit, the time per page adds up, and
// bots never make a visit.
func TestVisits(t *testing.T) {
	clock := &stepClock{t: time.Now()}
	e := newEnv(t, withDBClock(clock), withTrustedProxies("127.0.0.1", "::1"))
	a := e.createAsset(e.marketerTok, "deck.pdf", multiPagePDF("Deck", 4))
	e.indexAll()
	e.previewAll()
	deal := e.shareDeal("D-1", "discovery", e.rep.ID)
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "deal_id": deal})

	visits := func(token string) api.VisitList {
		t.Helper()
		var out api.VisitList
		e.json(e.do("GET", "/api/v1/links/"+l.ID+"/visits", token, nil), http.StatusOK, &out)
		return out
	}
	if got := visits(e.repTok); len(got.Items) != 0 {
		t.Fatalf("visits before any: %d", len(got.Items))
	}

	// A link scanner fetches the page: no visit.
	bot := e.browser("192.0.2.50")
	bot.ua = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
	e.page(bot.get("/l/"+l.Token), http.StatusOK)
	e.page(bot.beacon(l.Token, "sess-bot-0001", 1, 5), http.StatusNoContent)

	// A phone reads pages 1 and 3, skipping 2, in two loads.
	phone := e.browser("203.0.113.20")
	phone.ua = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1"
	e.page(phone.get("/l/"+l.Token), http.StatusOK)
	if phone.cookies["sc_vid"] == nil {
		t.Fatal("the page set no browser id")
	}
	e.page(phone.beacon(l.Token, "sess-phone-01", 1, 0), http.StatusNoContent)
	clock.advance(12 * time.Second)
	e.page(phone.beacon(l.Token, "sess-phone-01", 1, 12), http.StatusNoContent)
	clock.advance(7 * time.Second)
	e.page(phone.beacon(l.Token, "sess-phone-01", 3, 7), http.StatusNoContent)
	clock.advance(5 * time.Minute)
	e.page(phone.get("/l/"+l.Token), http.StatusOK)
	e.page(phone.beacon(l.Token, "sess-phone-02", 1, 0), http.StatusNoContent)
	clock.advance(4 * time.Second)
	e.page(phone.beacon(l.Token, "sess-phone-02", 3, 4), http.StatusNoContent)
	e.page(phone.beacon(l.Token, "sess-phone-02", 5, 1), http.StatusBadRequest) // past the last page

	got := visits(e.repTok)
	if len(got.Items) != 1 {
		t.Fatalf("visits = %d, want 1 (sessions 5 minutes apart are one visit): %+v", len(got.Items), got.Items)
	}
	v := got.Items[0]
	want := []api.PageResponse{{Page: 1, Seconds: 12}, {Page: 3, Seconds: 11}}
	if fmt.Sprint(v.Pages) != fmt.Sprint(want) || v.Seconds != 23 {
		t.Errorf("pages = %v, seconds = %d; want %v, 23", v.Pages, v.Seconds, want)
	}
	if v.Device != "mobile" || v.Returning || v.Internal || v.VisitorEmail != nil || v.PageCount != 4 || v.Completion != 0.5 {
		t.Errorf("visit = %+v", v)
	}

	// 31 minutes later the same browser comes back: a return visit.
	clock.advance(31 * time.Minute)
	e.page(phone.get("/l/"+l.Token), http.StatusOK)
	e.page(phone.beacon(l.Token, "sess-phone-03", 2, 0), http.StatusNoContent)
	// Another browser at the same time: a new visitor.
	desk := e.browser("203.0.113.21")
	e.page(desk.get("/l/"+l.Token), http.StatusOK)
	e.page(desk.beacon(l.Token, "sess-desk-001", 1, 0), http.StatusNoContent)

	got = visits(e.marketerTok)
	if len(got.Items) != 3 {
		t.Fatalf("visits = %d, want 3", len(got.Items))
	}
	returning, fresh := 0, 0
	for _, v := range got.Items[:2] {
		if v.Returning {
			returning++
		} else {
			fresh++
		}
	}
	if returning != 1 || fresh != 1 || got.Items[2].Returning {
		t.Errorf("returning flags: %+v", got.Items)
	}
	var links api.LinkList
	e.json(e.do("GET", "/api/v1/links?asset_id="+a.ID, e.repTok, nil), http.StatusOK, &links)
	if links.Items[0].Visits != 3 {
		t.Errorf("link visits = %d, want 3", links.Items[0].Visits)
	}

	// Paging by cursor, and the deal's view.
	var first api.VisitList
	e.json(e.do("GET", "/api/v1/links/"+l.ID+"/visits?limit=2", e.repTok, nil), http.StatusOK, &first)
	if len(first.Items) != 2 || first.NextCursor == nil {
		t.Fatalf("first page: %d items, cursor %v", len(first.Items), first.NextCursor)
	}
	var rest api.VisitList
	e.json(e.do("GET", "/api/v1/links/"+l.ID+"/visits?limit=2&cursor="+url.QueryEscape(*first.NextCursor), e.repTok, nil), http.StatusOK, &rest)
	if len(rest.Items) != 1 || rest.NextCursor != nil || rest.Items[0].ID != got.Items[2].ID {
		t.Errorf("second page: %+v", rest)
	}
	e.fail(e.do("GET", "/api/v1/links/"+l.ID+"/visits?cursor=garbage", e.repTok, nil), http.StatusBadRequest, "invalid_input")
	var byDeal api.VisitList
	e.json(e.do("GET", "/api/v1/deals/"+deal+"/visits", e.repTok, nil), http.StatusOK, &byDeal)
	if len(byDeal.Items) != 3 || byDeal.Items[0].AssetID != a.ID || byDeal.Items[0].AssetTitle == "" {
		t.Errorf("deal visits: %+v", byDeal.Items)
	}
	_, otherRep := e.newUser(e.adminTok, "rep")
	e.fail(e.do("GET", "/api/v1/deals/"+deal+"/visits", otherRep, nil), http.StatusNotFound, "not_found")

	// The sharer was alerted once per visit; the return visit says so.
	var notes api.NotificationList
	e.json(e.do("GET", "/api/v1/notifications", e.repTok, nil), http.StatusOK, &notes)
	if len(notes.Items) != 3 || notes.Unread != 3 {
		t.Fatalf("notifications = %d (unread %d), want 3", len(notes.Items), notes.Unread)
	}
	back := 0
	for _, n := range notes.Items {
		if n.Type != "link.opened" || n.Data["link_id"] != l.ID || !strings.Contains(n.URL, "/links/"+l.ID+"?visit=") {
			t.Errorf("notification %+v", n)
		}
		if strings.Contains(n.Title, "came back") {
			back++
		}
	}
	if back != 1 {
		t.Errorf("%d notifications say the visitor came back, want 1", back)
	}

	// Attention per page over the three visits: page 1 and 3 read by one.
	var detail struct {
		AvgViewSeconds *float64 `json:"avg_view_seconds"`
		Completion     *float64 `json:"completion"`
		Pages          []struct {
			Page          int     `json:"page"`
			Visits        int     `json:"visits"`
			Reach         float64 `json:"reach"`
			MedianSeconds float64 `json:"median_seconds"`
		} `json:"pages"`
	}
	e.json(e.do("GET", "/api/v1/analytics/assets/"+a.ID, e.marketerTok, nil), http.StatusOK, &detail)
	if got := fmt.Sprint(detail.Pages); got != "[{1 1 0.333 12} {2 0 0 0} {3 1 0.333 11} {4 0 0 0}]" {
		t.Errorf("pages = %s", got)
	}
	if detail.AvgViewSeconds == nil || *detail.AvgViewSeconds < 7.6 || *detail.AvgViewSeconds > 7.7 ||
		detail.Completion == nil || *detail.Completion < 0.166 || *detail.Completion > 0.167 {
		t.Errorf("avg_view_seconds %v, completion %v; want 23/3 and 0.5/3", detail.AvgViewSeconds, detail.Completion)
	}
}

// TestInternalVisitorsNeverAlert: a visitor of the organisation's own
// domains is kept as an internal visit, never alerts and is never counted;
// a muted link alerts nobody.
func TestInternalVisitorsNeverAlert(t *testing.T) {
	e := newEnv(t, withTrustedProxies("127.0.0.1", "::1"))
	e.json(e.do("PUT", "/api/v1/settings", e.adminTok, map[string]any{"internal_domains": []string{"acme.example"}}), http.StatusOK, nil)
	a := e.createAsset(e.marketerTok, "deck.pdf", multiPagePDF("Deck", 2))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "require_email": true})
	muted := e.share(e.repTok, map[string]any{"asset_id": a.ID, "notify": false})

	colleague := e.browser("203.0.113.30")
	e.page(colleague.access(l.Token, "jo@eu.acme.example", ""), http.StatusNoContent)
	e.page(colleague.get("/l/"+l.Token), http.StatusOK)
	e.page(colleague.beacon(l.Token, "sess-internal", 1, 0), http.StatusNoContent)
	buyer := e.browser("203.0.113.31")
	e.page(buyer.get("/l/"+muted.Token), http.StatusOK)
	e.page(buyer.beacon(l.Token, "sess-muted-1", 1, 0), http.StatusUnauthorized) // not admitted to the first
	e.page(buyer.beacon(muted.Token, "sess-muted-1", 1, 0), http.StatusNoContent)

	var vs api.VisitList
	e.json(e.do("GET", "/api/v1/links/"+l.ID+"/visits", e.repTok, nil), http.StatusOK, &vs)
	if len(vs.Items) != 1 || !vs.Items[0].Internal || vs.Items[0].VisitorEmail == nil || *vs.Items[0].VisitorEmail != "jo@eu.acme.example" {
		t.Fatalf("visits = %+v, want one internal visit of jo@eu.acme.example", vs.Items)
	}
	got := e.links(e.repTok, "asset_id="+a.ID)
	for _, x := range got.Items {
		if x.ID == l.ID && (x.Opens != 0 || x.Visits != 0) {
			t.Errorf("internal visitor counted: opens %d, visits %d", x.Opens, x.Visits)
		}
		if x.ID == muted.ID && (x.Opens != 1 || x.Visits != 1) {
			t.Errorf("muted link: opens %d, visits %d, want 1, 1", x.Opens, x.Visits)
		}
	}
	var notes api.NotificationList
	e.json(e.do("GET", "/api/v1/notifications", e.repTok, nil), http.StatusOK, &notes)
	if len(notes.Items) != 0 {
		t.Errorf("notifications = %+v, want none", notes.Items)
	}
}

// TestViewerWhilePreparing: a deck whose pages are not ready yet shows a
// page that reloads itself, counted as one open however long it waits,
// and the pages once they are there.
func TestViewerWhilePreparing(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "docs", "test.pptx"))
	if err != nil {
		t.Skipf("no shared test deck: %v", err)
	}
	e := newEnv(t, withTrustedProxies("127.0.0.1", "::1"))
	a := e.createAsset(e.marketerTok, "test.pptx", body)
	if a.Preview.Status != "pending" {
		t.Fatalf("preview = %+v, want pending", a.Preview)
	}
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	b := e.browser("203.0.113.50")
	page := e.page(b.get("/l/"+l.Token), http.StatusOK)
	if !strings.Contains(page, `http-equiv="refresh" content="8;url=`+l.Token+`?waiting=1"`) || strings.Contains(page, "data-page=") {
		t.Fatalf("pending page:\n%.2000s", page)
	}
	for range 3 {
		e.page(b.get("/l/"+l.Token+"?waiting=1"), http.StatusOK)
	}
	if got := e.links(e.repTok, "asset_id="+a.ID).Items[0].Opens; got != 1 {
		t.Errorf("opens = %d after one open and three reloads, want 1", got)
	}
	e.previewAll()
	if !strings.Contains(e.page(b.get("/l/"+l.Token+"?waiting=1"), http.StatusOK), `data-page="1"`) {
		t.Error("pages not shown once ready")
	}
}

// TestVisitPagesPastAHundred: a link's and a deal's visits page by cursor
// a hundred at most; the last page, even a full one, has no next cursor.
func TestVisitPagesPastAHundred(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	deal := e.shareDeal("D-1", "discovery", e.rep.ID)
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID, "deal_id": deal})
	addVisits := func(n int) {
		t.Helper()
		// Started in threes at the same moment, so pages end within ties.
		_, err := e.db.Pool.Exec(context.Background(), `
			INSERT INTO link_visits (id, org_id, link_id, asset_id, visitor_key, started_at, last_seen_at, device)
			SELECT gen_random_uuid(), $1, $2, $3, 'visitor-' || i, now() - (i / 3) * interval '1 second', now(), 'desktop'
			FROM generate_series(1, $4::int) i`, e.org, l.ID, a.ID, n)
		must(t, err)
	}
	pages := func(path string) []int {
		t.Helper()
		var sizes []int
		seen := map[string]bool{}
		cursor := ""
		for {
			var p api.VisitList
			e.json(e.do("GET", path+"?limit=100&cursor="+url.QueryEscape(cursor), e.repTok, nil), http.StatusOK, &p)
			sizes = append(sizes, len(p.Items))
			for _, v := range p.Items {
				if seen[v.ID] {
					t.Fatalf("%s: visit %s on two pages", path, v.ID)
				}
				seen[v.ID] = true
			}
			if p.NextCursor == nil {
				return sizes
			}
			cursor = *p.NextCursor
		}
	}
	addVisits(200)
	for _, path := range []string{"/api/v1/links/" + l.ID + "/visits", "/api/v1/deals/" + deal + "/visits"} {
		if got := pages(path); fmt.Sprint(got) != "[100 100]" {
			t.Errorf("%s: pages of %v, want [100 100]", path, got)
		}
	}
	addVisits(5)
	for _, path := range []string{"/api/v1/links/" + l.ID + "/visits", "/api/v1/deals/" + deal + "/visits"} {
		if got := pages(path); fmt.Sprint(got) != "[100 100 5]" {
			t.Errorf("%s: pages of %v, want [100 100 5]", path, got)
		}
		var p api.VisitList
		e.json(e.do("GET", path, e.repTok, nil), http.StatusOK, &p)
		if len(p.Items) != 20 || p.NextCursor == nil {
			t.Errorf("%s: by default %d visits, next %v; want 20 and more", path, len(p.Items), p.NextCursor)
		}
		for _, q := range []string{"limit=101", "limit=0", "cursor=" + strings.Repeat("x", 600)} {
			e.fail(e.do("GET", path+"?"+q, e.repTok, nil), http.StatusBadRequest, "invalid_input")
		}
	}
}
