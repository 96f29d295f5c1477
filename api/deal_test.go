package api_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/crm"
)

// putDeal upserts a deal and checks the status.
func (e *env) putDeal(token, externalID string, body any, status int) api.DealDetailResponse {
	e.t.Helper()
	var d api.DealDetailResponse
	e.json(e.do("PUT", "/api/v1/deals/"+externalID, token, body), status, &d)
	return d
}

func (e *env) getDeal(token, id string) api.DealDetailResponse {
	e.t.Helper()
	var d api.DealDetailResponse
	e.json(e.do("GET", "/api/v1/deals/"+id, token, nil), http.StatusOK, &d)
	return d
}

// importCSV posts body to the import endpoint as text/csv.
func (e *env) importCSV(token string, body io.Reader) *http.Response {
	e.t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/deals/import", body)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "text/csv; charset=utf-8")
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

func (e *env) countRows(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.Pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func stages(h []api.DealStageResponse) string {
	var s []string
	for _, c := range h {
		s = append(s, c.Stage+"/"+c.Status)
	}
	return strings.Join(s, ",")
}

func TestDealUpsertAndHistory(t *testing.T) {
	e := newEnv(t)
	resp := e.do("PUT", "/api/v1/deals/SF-0042", e.marketerTok, map[string]any{
		"name": "Acme expansion", "account": "Acme", "amount": 25000, "currency": "eur", "stage": "discovery",
		"personas": []string{"champion", "economic_buyer"}, "industry": "retail", "owner_email": strings.ToUpper(e.rep.Email)})
	if loc := resp.Header.Get("Location"); !strings.HasPrefix(loc, "/api/v1/deals/") {
		t.Errorf("Location = %q", loc)
	}
	var d api.DealDetailResponse
	e.json(resp, http.StatusCreated, &d)
	switch {
	case d.ExternalID != "SF-0042", d.Name != "Acme expansion", d.Account != "Acme", *d.Amount != 25000, d.Currency != "EUR":
		t.Errorf("deal = %+v", d)
	case d.Stage != "discovery", d.Status != "open", d.ClosedAt != nil, *d.Industry != "retail":
		t.Errorf("deal = %+v", d)
	case orEmpty(d.OwnerID) != e.rep.ID, orEmpty(d.OwnerEmail) != e.rep.Email, strings.Join(d.Personas, ",") != "champion,economic_buyer":
		t.Errorf("deal = %+v", d)
	}

	// The JSON has the contract's shape (plus owner_name and products).
	var raw map[string]any
	e.json(e.do("GET", "/api/v1/deals/"+d.ID, e.marketerTok, nil), http.StatusOK, &raw)
	var keys []string
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if got := strings.Join(keys, ","); got != "account,amount,closed_at,created_at,currency,external_id,id,industry,name,"+
		"owner_email,owner_id,owner_name,personas,products,stage,stage_history,status,updated_at" {
		t.Errorf("keys = %s", got)
	}
	if p, ok := raw["products"].([]any); !ok || len(p) != 0 {
		t.Errorf("products = %#v, want []", raw["products"])
	}

	// Same stage again: 200, no history; a partial body changes only its fields.
	u := e.putDeal(e.marketerTok, "SF-0042", map[string]any{"stage": "discovery", "account": "Acme Corp"}, http.StatusOK)
	if u.ID != d.ID || u.Account != "Acme Corp" || u.Name != "Acme expansion" || *u.Amount != 25000 || orEmpty(u.OwnerID) != e.rep.ID {
		t.Errorf("partial update = %+v", u)
	}
	e.putDeal(e.marketerTok, "SF-0042", map[string]any{"stage": "proposal"}, http.StatusOK)
	e.putDeal(e.marketerTok, "SF-0042", map[string]any{"stage": "negotiation", "amount": nil, "industry": nil}, http.StatusOK)

	// Closing defaults closed_at to now; reopening clears it.
	before := time.Now().Add(-time.Second)
	w := e.putDeal(e.marketerTok, "SF-0042", map[string]any{"status": "won"}, http.StatusOK)
	if w.Status != "won" || w.ClosedAt == nil || w.ClosedAt.Before(before) || w.Stage != "negotiation" ||
		w.Amount != nil || w.Industry != nil {
		t.Errorf("closed = %+v", w)
	}
	closedAt := "2026-01-15T10:00:00+01:00"
	w = e.putDeal(e.marketerTok, "SF-0042", map[string]any{"status": "lost", "closed_at": closedAt}, http.StatusOK)
	if w.ClosedAt == nil || !w.ClosedAt.Equal(time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("closed_at = %v", w.ClosedAt)
	}
	r := e.putDeal(e.marketerTok, "SF-0042", map[string]any{"status": "open"}, http.StatusOK)
	if r.Status != "open" || r.ClosedAt != nil {
		t.Errorf("reopened = %+v", r)
	}

	g := e.getDeal(e.repTok, d.ID)
	if got := stages(g.StageHistory); got != "discovery/open,proposal/open,negotiation/open" {
		t.Errorf("history = %s", got)
	}
	for i, h := range g.StageHistory {
		if h.SeenAt.IsZero() || (i > 0 && h.SeenAt.Before(g.StageHistory[i-1].SeenAt)) {
			t.Errorf("seen_at = %v", h.SeenAt)
		}
	}

	// A new closed deal without a stage is at the end of the funnel.
	n := e.putDeal(e.adminTok, "SF-0043", map[string]any{"status": "won", "amount": 10}, http.StatusCreated)
	if n.Stage != "negotiation" || n.ClosedAt == nil || n.Name != "SF-0043" || n.Currency != "USD" || orEmpty(n.OwnerID) != "" {
		t.Errorf("new won deal = %+v", n)
	}
}

func TestDealUpsertValidation(t *testing.T) {
	e := newEnv(t)
	e.putDeal(e.marketerTok, "OPEN-1", map[string]any{"stage": "discovery"}, http.StatusCreated)
	tests := []struct {
		name  string
		path  string
		body  any
		field string
		valid string // a valid key the message must list
	}{
		{"unknown stage", "OPEN-1", map[string]any{"stage": "closing"}, "stage", "negotiation"},
		{"unknown persona", "OPEN-1", map[string]any{"personas": []string{"champion", "cfo"}}, "personas", "economic_buyer"},
		{"unknown industry", "OPEN-1", map[string]any{"industry": "mining"}, "industry", "healthcare"},
		{"bad status", "OPEN-1", map[string]any{"status": "pending"}, "status", ""},
		{"negative amount", "OPEN-1", map[string]any{"amount": -5}, "amount", ""},
		{"amount as text", "OPEN-1", map[string]any{"amount": "lots"}, "amount", ""},
		{"bad currency", "OPEN-1", map[string]any{"currency": "dollars"}, "currency", ""},
		{"unknown owner", "OPEN-1", map[string]any{"owner_email": "nobody@example.com"}, "owner_email", ""},
		{"unknown field", "OPEN-1", map[string]any{"stagee": "discovery"}, "stagee", ""},
		{"closed_at on an open deal", "OPEN-1", map[string]any{"closed_at": "2026-01-01T00:00:00Z"}, "closed_at", ""},
		{"bad closed_at", "OPEN-1", map[string]any{"status": "won", "closed_at": "yesterday"}, "closed_at", ""},
		{"external_id too long", strings.Repeat("x", 201), map[string]any{}, "external_id", ""},
		{"external_id with spaces", "%20x", map[string]any{}, "external_id", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			ae := e.fail(e.do("PUT", "/api/v1/deals/"+tt.path, e.marketerTok, tt.body), http.StatusBadRequest, "invalid_input")
			if !strings.Contains(ae.Error.Message, tt.field) {
				t.Errorf("message %q does not name %s", ae.Error.Message, tt.field)
			}
			if tt.valid != "" && !strings.Contains(ae.Error.Message, tt.valid) {
				t.Errorf("message %q does not list the valid keys", ae.Error.Message)
			}
		})
	}
	if d := e.getDeal(e.marketerTok, e.dealID("OPEN-1")); d.Stage != "discovery" || len(d.StageHistory) != 1 {
		t.Errorf("rejected writes changed the deal: %+v", d)
	}
	e.fail(e.do("PUT", "/api/v1/deals/X", e.marketerTok, "name=x"), http.StatusBadRequest, "invalid_input")
}

// dealID returns the id of the org's deal with the external id.
func (e *env) dealID(externalID string) string {
	e.t.Helper()
	var id string
	err := e.db.Pool.QueryRow(context.Background(),
		`SELECT id::text FROM deals WHERE org_id = $1 AND external_id = $2`, e.org, externalID).Scan(&id)
	if err != nil {
		e.t.Fatalf("deal %s: %v", externalID, err)
	}
	return id
}

func TestDealPermissions(t *testing.T) {
	e := newEnv(t)
	rep2, rep2Tok := e.newUser(e.adminTok, stagecraft.RoleRep)

	// A rep creates deals they own, and may name themselves.
	own := e.putDeal(e.repTok, "REP-1", map[string]any{"name": "Mine"}, http.StatusCreated)
	if orEmpty(own.OwnerID) != e.rep.ID || orEmpty(own.OwnerEmail) != e.rep.Email {
		t.Errorf("rep's deal owned by %q", orEmpty(own.OwnerID))
	}
	e.putDeal(e.repTok, "REP-2", map[string]any{"owner_email": e.rep.Email}, http.StatusCreated)
	// ...but not for someone else, nor give theirs away.
	e.fail(e.do("PUT", "/api/v1/deals/REP-3", e.repTok, map[string]any{"owner_email": rep2.Email}), http.StatusForbidden, "forbidden")
	e.fail(e.do("PUT", "/api/v1/deals/REP-1", e.repTok, map[string]any{"owner_email": rep2.Email}), http.StatusForbidden, "forbidden")
	e.fail(e.do("PUT", "/api/v1/deals/REP-1", e.repTok, map[string]any{"owner_email": ""}), http.StatusForbidden, "forbidden")
	if n := e.countRows(`SELECT count(*) FROM deals WHERE external_id = 'REP-3'`); n != 0 {
		t.Error("a forbidden create was stored")
	}
	// A rep updates only their own deals; another rep's is 403 on PUT, 404 on GET.
	e.putDeal(e.repTok, "REP-1", map[string]any{"stage": "proposal"}, http.StatusOK)
	e.fail(e.do("PUT", "/api/v1/deals/REP-1", rep2Tok, map[string]any{"stage": "negotiation"}), http.StatusForbidden, "forbidden")
	e.fail(e.do("GET", "/api/v1/deals/"+own.ID, rep2Tok, nil), http.StatusNotFound, "not_found")
	// Marketers and admins update any deal, and may reassign it.
	m := e.putDeal(e.marketerTok, "REP-1", map[string]any{"owner_email": rep2.Email, "stage": "negotiation"}, http.StatusOK)
	if orEmpty(m.OwnerID) != rep2.ID || m.Stage != "negotiation" {
		t.Errorf("marketer's update = %+v", m)
	}
	e.getDeal(rep2Tok, own.ID)
	e.fail(e.do("GET", "/api/v1/deals/"+own.ID, e.repTok, nil), http.StatusNotFound, "not_found")

	// Another organisation: its own external-id space, and our deals are 404.
	_, _, otherTok := e.newOrg("Other")
	o := e.putDeal(otherTok, "REP-1", map[string]any{"name": "Theirs"}, http.StatusCreated)
	if o.ID == own.ID || o.Name != "Theirs" {
		t.Errorf("other org's REP-1 = %+v", o)
	}
	e.fail(e.do("GET", "/api/v1/deals/"+own.ID, otherTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/deals/"+o.ID, e.adminTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/deals/not-a-uuid", e.adminTok, nil), http.StatusNotFound, "not_found")
	if d := e.getDeal(e.adminTok, own.ID); d.Name != "Mine" {
		t.Errorf("our REP-1 was changed by the other org: %+v", d)
	}
}

func TestDealList(t *testing.T) {
	e := newEnv(t)
	for i := range 5 {
		body := map[string]any{"name": fmt.Sprintf("Rep deal %d", i)}
		if i < 2 {
			body["status"] = "won"
		}
		e.putDeal(e.repTok, fmt.Sprintf("R-%d", i), body, http.StatusCreated)
	}
	e.putDeal(e.marketerTok, "M-1", map[string]any{"owner_email": e.marketer.Email}, http.StatusCreated)
	e.putDeal(e.marketerTok, "M-2", map[string]any{"status": "lost"}, http.StatusCreated)

	type list struct {
		Items []api.DealDetailResponse `json:"items"`
		Total int                      `json:"total"`
	}
	tests := []struct {
		name, token, query string
		items, total       int
	}{
		{"manager sees all", e.marketerTok, "", 7, 7},
		{"status", e.adminTok, "?status=won", 2, 2},
		{"statuses", e.adminTok, "?status=won,lost", 3, 3},
		{"owner=me", e.marketerTok, "?owner=me", 1, 1},
		{"rep sees own only", e.repTok, "", 5, 5},
		{"rep's open, paged", e.repTok, "?status=open&limit=2&offset=2", 1, 3},
		{"past the end", e.adminTok, "?limit=5&offset=100", 0, 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			var l list
			e.json(e.do("GET", "/api/v1/deals"+tt.query, tt.token, nil), http.StatusOK, &l)
			if len(l.Items) != tt.items || l.Total != tt.total {
				t.Errorf("%d items, total %d; want %d, %d", len(l.Items), l.Total, tt.items, tt.total)
			}
			for _, d := range l.Items {
				if tt.token == e.repTok && orEmpty(d.OwnerID) != e.rep.ID {
					t.Errorf("rep sees %s's deal", orEmpty(d.OwnerID))
				}
			}
		})
	}
	var l list
	e.json(e.do("GET", "/api/v1/deals?limit=1", e.adminTok, nil), http.StatusOK, &l)
	if l.Items == nil || l.Items[0].ExternalID != "M-2" {
		t.Errorf("first item = %+v, want the most recently updated", l.Items)
	}
	e.fail(e.do("GET", "/api/v1/deals?status=pending", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/deals?owner=someone", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/deals?limit=500", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
}

func TestDealImport(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, err := auth.HashPassword(testPassword)
	must(t, err)
	agent, err := e.db.CreateUser(ctx, e.org, stagecraft.NewUser{Email: "moses@example.com", Name: "moses FRASE",
		Role: stagecraft.RoleRep}, hash)
	must(t, err)

	csvText := "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n" +
		"1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,10/20/2016,3/1/2017,1054\n" + // line 2
		"KWVA7VR1,Gladys Colclough,GTXPro,Genco,Lost,11/4/2016,3/18/2017,0\n" + // 3
		"6CWZFOHJ,Anna Snelling,GTX Basic,Green-Plus,Prospecting,,,\n" + // 4
		"HAXMC4IX,James Ascencio,MG Advanced,,Engaging,11/3/2016,,\n" + // 5
		",Moses Frase,GTX Basic,Cancity,Won,10/20/2016,3/1/2017,10\n" + // 6: no id
		"BAD00001,Moses Frase,GTX Basic,Cancity,Closing,10/20/2016,,\n" + // 7: unknown stage
		"BAD00002,Moses Frase,GTX Basic,Cancity,Won,2016-13-45,3/1/2017,10\n" + // 8: bad date
		"BAD00003,Moses Frase,GTX Basic,Cancity,Won,10/20/2016,3/1/2017,ten\n" + // 9: bad number
		"\"MULTI\nLINE\",Moses Frase,GTX Basic,Cancity,Engaging,10/20/2016,,\n" + // 10-11: a quoted newline in the id
		"AFTER001,Moses Frase,GTX Basic,Cancity,Engaging,10/20/2016,,\n" // 12: still the right line after it
	var res crm.Result
	e.json(e.importCSV(e.marketerTok, strings.NewReader(csvText)), http.StatusOK, &res)
	wantErrors := map[int]string{6: "opportunity_id", 7: "deal_stage", 8: "engage_date", 9: "close_value", 10: "external_id"}
	if res.Created != 5 || res.Updated != 0 || len(res.Errors) != len(wantErrors) {
		t.Fatalf("result = %+v", res)
	}
	for _, le := range res.Errors {
		if f, ok := wantErrors[le.Line]; !ok || !strings.Contains(le.Message, f) {
			t.Errorf("error %+v, want one naming %s", le, f)
		}
	}
	won := e.getDeal(e.adminTok, e.dealID("1C1I7A6R"))
	switch {
	case won.Status != "won", won.Stage != "negotiation", *won.Amount != 1054, won.Currency != "USD":
		t.Errorf("won = %+v", won)
	case won.Name != "Cancity — GTX Plus Basic", won.Account != "Cancity", strings.Join(won.Products, ",") != "gtx_plus_basic":
		t.Errorf("won = %+v", won)
	case orEmpty(won.OwnerID) != agent.ID, won.OwnerName != "Moses Frase":
		t.Errorf("owner = %q %q", orEmpty(won.OwnerID), won.OwnerName)
	case !won.CreatedAt.Equal(time.Date(2016, 10, 20, 0, 0, 0, 0, time.UTC)),
		won.ClosedAt == nil || !won.ClosedAt.Equal(time.Date(2017, 3, 1, 0, 0, 0, 0, time.UTC)):
		t.Errorf("times = %v %v", won.CreatedAt, won.ClosedAt)
	}
	lost := e.getDeal(e.adminTok, e.dealID("KWVA7VR1"))
	if lost.Status != "lost" || orEmpty(lost.OwnerID) != "" || lost.OwnerName != "Gladys Colclough" || lost.Products[0] != "gtxpro" {
		t.Errorf("lost = %+v", lost)
	}
	if p := e.getDeal(e.adminTok, e.dealID("6CWZFOHJ")); p.Stage != "prospecting" || p.Status != "open" || p.Amount != nil || p.ClosedAt != nil {
		t.Errorf("prospecting = %+v", p)
	}
	if g := e.getDeal(e.adminTok, e.dealID("HAXMC4IX")); g.Stage != "evaluation" || g.Name != "MG Advanced" || g.Account != "" {
		t.Errorf("engaging = %+v", g)
	}
	// The matched rep sees the deals of their agent name.
	var mine struct{ Total int }
	e.json(e.do("GET", "/api/v1/deals", e.login("moses@example.com", testPassword), nil), http.StatusOK, &mine)
	if mine.Total != 2 {
		t.Errorf("the agent's user sees %d deals, want 2", mine.Total)
	}

	// Re-importing is idempotent: nothing created, no new history.
	history := e.countRows(`SELECT count(*) FROM deal_stage_history`)
	e.json(e.importCSV(e.adminTok, strings.NewReader(csvText)), http.StatusOK, &res)
	if res.Created != 0 || res.Updated != 5 || len(res.Errors) != 5 {
		t.Errorf("re-import = %+v", res)
	}
	if h := e.countRows(`SELECT count(*) FROM deal_stage_history`); h != history {
		t.Errorf("re-import added %d history rows", h-history)
	}
	// The CRM moves a deal on: Engaging → Won keeps the stage reached.
	e.json(e.importCSV(e.adminTok, strings.NewReader(
		"opportunity_id,deal_stage,close_date,close_value\nHAXMC4IX,Won,4/1/2017,3393\n")), http.StatusOK, &res)
	if g := e.getDeal(e.adminTok, e.dealID("HAXMC4IX")); res.Updated != 1 || g.Status != "won" || g.Stage != "evaluation" ||
		*g.Amount != 3393 || g.Name != "MG Advanced" || stages(g.StageHistory) != "evaluation/open" {
		t.Errorf("after Won: %+v (%+v)", g, res)
	}

	// The upsert's field names, with the keys checked against the taxonomy.
	fields := "external_id,name,account,amount,currency,stage,status,owner_email,personas,industry,closed_at\n" +
		"F-1,Field deal,Initech,500.5,eur,discovery,open," + e.rep.Email + ",\"champion,end_user\",retail,\n" + // 2
		"F-2,,,,,negotiation,won,,,,2026-02-01\n" + // 3
		"F-3,,,,,closing,,,,,\n" + // 4: unknown stage
		"F-4,,,,,,,,cfo,,\n" + // 5: unknown persona
		"F-5,,,,,,,nobody@example.com,,,\n" + // 6: unknown owner
		"F-6,,,-3,,,,,,,\n" + // 7: negative amount
		"1C1I7A6R,,,,,,,,champion,,\n" // 8: adds personas to a CRM deal
	e.json(e.importCSV(e.marketerTok, strings.NewReader(fields)), http.StatusOK, &res)
	wantErrors = map[int]string{4: "stage", 5: "personas", 6: "owner_email", 7: "amount"}
	if res.Created != 2 || res.Updated != 1 || len(res.Errors) != len(wantErrors) {
		t.Fatalf("result = %+v", res)
	}
	for _, le := range res.Errors {
		if f, ok := wantErrors[le.Line]; !ok || !strings.Contains(le.Message, f) {
			t.Errorf("error %+v, want one naming %s", le, f)
		}
	}
	if !strings.Contains(res.Errors[0].Message, "prospecting, discovery") {
		t.Errorf("unknown stage message %q does not list the valid keys", res.Errors[0].Message)
	}
	f1 := e.getDeal(e.adminTok, e.dealID("F-1"))
	if f1.Name != "Field deal" || *f1.Amount != 500.5 || f1.Currency != "EUR" || orEmpty(f1.OwnerID) != e.rep.ID ||
		strings.Join(f1.Personas, ",") != "champion,end_user" || *f1.Industry != "retail" {
		t.Errorf("F-1 = %+v", f1)
	}
	if f2 := e.getDeal(e.adminTok, e.dealID("F-2")); f2.Status != "won" || !f2.ClosedAt.Equal(time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("F-2 = %+v", f2)
	}
	if c := e.getDeal(e.adminTok, e.dealID("1C1I7A6R")); strings.Join(c.Personas, ",") != "champion" || *c.Amount != 1054 {
		t.Errorf("1C1I7A6R after a partial row = %+v", c)
	}
}

func TestDealImportRejects(t *testing.T) {
	e := newEnv(t)
	e.fail(e.importCSV(e.repTok, strings.NewReader("external_id\nX\n")), http.StatusForbidden, "forbidden")
	e.fail(e.do("POST", "/api/v1/deals/import", e.adminTok, map[string]any{"external_id": "X"}),
		http.StatusUnsupportedMediaType, "unsupported_media_type")
	e.fail(e.importCSV(e.adminTok, strings.NewReader("")), http.StatusBadRequest, "invalid_input")
	e.fail(e.importCSV(e.adminTok, strings.NewReader("id,title\n1,x\n")), http.StatusBadRequest, "invalid_input")
	e.fail(e.importCSV(e.adminTok, strings.NewReader("external_id,colour\nX,red\n")), http.StatusBadRequest, "invalid_input")

	// Over 50 MB, declared: refused before reading.
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/deals/import", io.LimitReader(csvFiller{}, 50<<20+1))
	must(t, err)
	req.ContentLength = 50<<20 + 1
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.adminTok)
	e.fail(e.send(req), http.StatusRequestEntityTooLarge, "too_large")
	// Over 50 MB, streamed (chunked): cut off at the limit.
	body := io.MultiReader(strings.NewReader("external_id,name\nBIG-1,"), io.LimitReader(csvFiller{}, 50<<20))
	e.fail(e.importCSV(e.adminTok, struct{ io.Reader }{body}), http.StatusRequestEntityTooLarge, "too_large")
	if n := e.countRows(`SELECT count(*) FROM deals`); n != 0 {
		t.Errorf("%d deals stored by rejected imports", n)
	}
}

// csvFiller is an endless body of 'x's.
type csvFiller struct{}

func (csvFiller) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

// TestDealImportRealFile imports the CRM's real export (8,800 rows).
func TestDealImportRealFile(t *testing.T) {
	const path = "../../shared/testdata/crm/sales_pipeline.csv"
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		t.Skipf("%s is not present", path)
	}
	must(t, err)
	rows := strings.Count(strings.TrimRight(string(data), "\n"), "\n") // data rows: lines minus the header
	e := newEnv(t)
	hash, err := auth.HashPassword(testPassword)
	must(t, err)
	moses, err := e.db.CreateUser(context.Background(), e.org,
		stagecraft.NewUser{Email: "moses.frase@example.com", Name: "Moses Frase", Role: stagecraft.RoleRep}, hash)
	must(t, err)

	start := time.Now()
	var res crm.Result
	e.json(e.importCSV(e.adminTok, strings.NewReader(string(data))), http.StatusOK, &res)
	took := time.Since(start)
	t.Logf("imported %d rows in %v: %d created, %d updated, %d errors", rows, took, res.Created, res.Updated, len(res.Errors))
	if res.Created != rows-len(res.Errors) || res.Updated != 0 {
		t.Errorf("result = created %d, updated %d, errors %v; want %d created", res.Created, res.Updated, res.Errors, rows)
	}
	if len(res.Errors) != 0 {
		t.Errorf("errors: %v", res.Errors)
	}
	if n := e.countRows(`SELECT count(*) FROM deals WHERE org_id = $1`, e.org); n != res.Created {
		t.Errorf("%d deals stored", n)
	}
	history := e.countRows(`SELECT count(*) FROM deal_stage_history`)
	if history != res.Created {
		t.Errorf("%d history rows, want one per deal", history)
	}

	d := e.getDeal(e.adminTok, e.dealID("1C1I7A6R"))
	if d.Status != "won" || *d.Amount != 1054 || d.OwnerName != "Moses Frase" || orEmpty(d.OwnerID) != moses.ID ||
		d.Name != "Cancity — GTX Plus Basic" || d.Stage != "negotiation" {
		t.Errorf("1C1I7A6R = %+v", d)
	}
	if d := e.getDeal(e.adminTok, e.dealID("Z063OYW0")); d.OwnerName != "Darcel Schlecht" || orEmpty(d.OwnerID) != "" || *d.Amount != 4514 {
		t.Errorf("Z063OYW0 = %+v", d)
	}
	if d := e.getDeal(e.adminTok, e.dealID("UP409DSB")); d.Stage != "evaluation" || d.Status != "open" || d.Amount != nil {
		t.Errorf("UP409DSB = %+v", d)
	}
	if n := e.countRows(`SELECT count(*) FROM deals WHERE org_id = $1 AND status = 'won'`, e.org); n != 4238 {
		t.Errorf("%d won deals, want 4238", n)
	}

	start = time.Now()
	e.json(e.importCSV(e.adminTok, strings.NewReader(string(data))), http.StatusOK, &res)
	t.Logf("re-imported in %v", time.Since(start))
	if res.Created != 0 || res.Updated != rows || len(res.Errors) != 0 {
		t.Errorf("re-import = created %d, updated %d, %d errors", res.Created, res.Updated, len(res.Errors))
	}
	if h := e.countRows(`SELECT count(*) FROM deal_stage_history`); h != history {
		t.Errorf("re-import added %d history rows", h-history)
	}
}

func TestDealAttach(t *testing.T) {
	e := newEnv(t)
	published := e.createAsset(e.marketerTok, "deck.txt", []byte("Our pitch"))
	draft := e.createAsset(e.marketerTok, "draft.txt", []byte("Not yet"), field("status", "draft"))
	deal := e.putDeal(e.repTok, "ATT-1", map[string]any{"stage": "evaluation"}, http.StatusCreated)

	var att struct {
		DealID     string    `json:"deal_id"`
		AssetID    string    `json:"asset_id"`
		AttachedAt time.Time `json:"attached_at"`
	}
	e.json(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.repTok, map[string]string{"asset_id": published.ID}),
		http.StatusCreated, &att)
	if att.DealID != deal.ID || att.AssetID != published.ID || time.Since(att.AttachedAt) > time.Minute {
		t.Errorf("attach = %+v", att)
	}
	var typ, stage, user, version string
	must(t, e.db.Pool.QueryRow(context.Background(), `
		SELECT type, stage_at_event, user_id::text, version_id::text FROM usage_events
		WHERE deal_id = $1 AND asset_id = $2`, deal.ID, published.ID).Scan(&typ, &stage, &user, &version))
	if typ != "attach" || stage != "evaluation" || user != e.rep.ID || version != published.CurrentVersion.ID {
		t.Errorf("event = %s %s %s %s", typ, stage, user, version)
	}

	// A marketer may attach a draft; a rep may not see it.
	e.json(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.marketerTok, map[string]string{"asset_id": draft.ID}),
		http.StatusCreated, nil)
	e.fail(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.repTok, map[string]string{"asset_id": draft.ID}),
		http.StatusNotFound, "not_found")
	// Another rep's deal.
	_, rep2Tok := e.newUser(e.adminTok, stagecraft.RoleRep)
	e.fail(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", rep2Tok, map[string]string{"asset_id": published.ID}),
		http.StatusNotFound, "not_found")
	// Another organisation's asset and deal.
	_, _, otherTok := e.newOrg("Other")
	theirAsset := e.createAsset(otherTok, "theirs.txt", []byte("Theirs"))
	theirDeal := e.putDeal(otherTok, "ATT-1", map[string]any{}, http.StatusCreated)
	e.fail(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.marketerTok, map[string]string{"asset_id": theirAsset.ID}),
		http.StatusNotFound, "not_found")
	e.fail(e.do("POST", "/api/v1/deals/"+theirDeal.ID+"/assets", e.marketerTok, map[string]string{"asset_id": published.ID}),
		http.StatusNotFound, "not_found")
	e.fail(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.repTok, map[string]string{}), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/deals/"+deal.ID+"/assets", e.repTok, map[string]string{"asset_id": "x"}),
		http.StatusBadRequest, "invalid_input")

	if n := e.countRows(`SELECT count(*) FROM usage_events WHERE type = 'attach'`); n != 2 {
		t.Errorf("%d attach events, want 2", n)
	}
}

// orEmpty reads an optional string, "" for null.
func orEmpty(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// TestDealListSearch: the deal picker pages past a hundred deals, most
// recently updated first, searches name, account and external id
// literally, and shows a rep only their own deals and nobody another
// organisation's (which has deals of the same names).
func TestDealListSearch(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	otherOrg, otherAdmin, otherTok := e.newOrg("Other")
	for _, o := range []struct{ org, rep, marketer string }{{e.org, e.rep.ID, e.marketer.ID}, {otherOrg, otherAdmin.ID, otherAdmin.ID}} {
		for i, name := range listHostile {
			_, err := e.db.Pool.Exec(ctx, `INSERT INTO deals (org_id, external_id, name, account, stage, owner_id)
				VALUES ($1, $2, $3, 'Hostile Inc', 'discovery', $4)`, o.org, fmt.Sprintf("H-%d", i), name, o.rep)
			must(t, err)
		}
		// 120 of the rep's, a third of them won, updated in fives at the
		// same moment (but Deal 1, the latest); 15 of the marketer's.
		_, err := e.db.Pool.Exec(ctx, `
			INSERT INTO deals (org_id, external_id, name, account, stage, status, closed_at, owner_id, updated_at)
			SELECT $1, format('SF-%s', lpad(i::text, 4, '0')), format('Deal %s', i), format('Account %s', i % 7), 'discovery',
			       CASE WHEN i % 3 = 0 THEN 'won' ELSE 'open' END, CASE WHEN i % 3 = 0 THEN now() END,
			       CASE WHEN i <= 120 THEN $2::uuid ELSE $3::uuid END, now() - ((i + 3) / 5) * interval '1 minute'
			FROM generate_series(1, 135) i`, o.org, o.rep, o.marketer)
		must(t, err)
	}
	repDeals, allDeals := 8+120, 8+135

	for _, tt := range []struct {
		name, token, path string
		limit, want       int
	}{
		{"the rep's, a hundred at a time", e.repTok, "/api/v1/deals?", 100, repDeals},
		{"the rep's, as owner=me", e.repTok, "/api/v1/deals?owner=me", 30, repDeals},
		{"the organisation's", e.marketerTok, "/api/v1/deals?", 100, allDeals},
		{"an exact multiple", e.marketerTok, "/api/v1/deals?q=deal", 45, 135},
		{"the picker: open, mine, searched", e.repTok, "/api/v1/deals?status=open&owner=me&q=deal", 100, 80},
		{"an account", e.marketerTok, "/api/v1/deals?q=" + url.QueryEscape("HOSTILE inc"), 3, 8},
		{"the other organisation", otherTok, "/api/v1/deals?q=" + url.QueryEscape("sf-"), 100, 135},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			if ids := e.pageAll(tt.token, tt.path, tt.limit); len(ids) != tt.want {
				t.Errorf("%d deals, want %d", len(ids), tt.want)
			}
		})
	}

	var first api.DealList
	e.json(e.do("GET", "/api/v1/deals?status=open&q=deal", e.repTok, nil), http.StatusOK, &first)
	for i := 1; i < len(first.Items); i++ {
		if first.Items[i].UpdatedAt.After(first.Items[i-1].UpdatedAt) {
			t.Errorf("deal %d was updated after the one before it", i)
		}
	}
	if first.Items[0].Name != "Deal 1" {
		t.Errorf("first = %s, want the most recently updated, Deal 1", first.Items[0].Name)
	}

	for q, want := range listHostileQueries {
		var p api.DealList
		e.json(e.do("GET", "/api/v1/deals?q="+url.QueryEscape(q), e.repTok, nil), http.StatusOK, &p)
		var got []string
		for _, d := range p.Items {
			got = append(got, d.Name)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) || p.Total != len(want) {
			t.Errorf("q=%s: %q (total %d), want %q", q, got, p.Total, want)
		}
	}
	var h api.DealList
	e.json(e.do("GET", "/api/v1/deals?q=h-2", e.marketerTok, nil), http.StatusOK, &h)
	if len(h.Items) != 1 || h.Items[0].Name != "snake_case" {
		t.Errorf("by external id: %+v", h.Items)
	}
	e.checkListQueryRefused(e.repTok, "/api/v1/deals", map[string]string{"status=pending": "status", "owner=you": "owner"})
}
