package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft/api"
)

// analyticsEnv is an env with two assets, a won and a lost deal, and uses.
func analyticsEnv(t *testing.T) (*env, api.AssetResponse, api.AssetResponse, string) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("a"), field("title", "Case study"), field("stages", "evaluation"),
		field("personas", "champion"))
	b := e.createAsset(e.marketerTok, "b.txt", []byte("b"), field("title", "=HYPERLINK(\"x\")"), field("stages", "negotiation"))
	ctx := context.Background()
	var won, lost, open string
	// The rep records uses on deals of their own: reps may not write
	// analytics for deals they cannot see.
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, status, amount, closed_at, personas, owner_id)
		VALUES ($1, 'W', 'evaluation', 'open', 1200, NULL, '{champion}', $2) RETURNING id`, e.org, e.rep.ID).Scan(&won))
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, status, amount, owner_id)
		VALUES ($1, 'L', 'evaluation', 'open', 500, $2) RETURNING id`, e.org, e.rep.ID).Scan(&lost))
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, status, owner_id, personas)
		VALUES ($1, 'O', 'evaluation', 'open', $2, '{champion}') RETURNING id`, e.org, e.rep.ID).Scan(&open))
	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{
		ev(uuid.NewString(), "present", a.ID, "deal_id", won),
		ev(uuid.NewString(), "present", a.ID, "deal_id", lost),
		ev(uuid.NewString(), "view", a.ID),
	}}), http.StatusAccepted, &r)
	// Both deals move on and close after the uses.
	_, err := e.db.Pool.Exec(ctx, `UPDATE deals SET status = CASE external_id WHEN 'W' THEN 'won' ELSE 'lost' END,
		stage = 'negotiation', closed_at = now() + interval '1 minute' WHERE external_id IN ('W', 'L') AND org_id = $1`, e.org)
	must(t, err)
	return e, a, b, open
}

func TestAnalyticsScorecard(t *testing.T) {
	e, a, b, _ := analyticsEnv(t)
	var sc struct {
		Overall struct {
			DealsClosed int      `json:"deals_closed"`
			DealsWon    int      `json:"deals_won"`
			WinRate     *float64 `json:"win_rate"`
		} `json:"overall"`
		Assets []struct {
			AssetID           string     `json:"asset_id"`
			Title             string     `json:"title"`
			Uses              int        `json:"uses"`
			UniqueUsers       int        `json:"unique_users"`
			DealsInfluenced   int        `json:"deals_influenced"`
			DealsClosed       int        `json:"deals_closed"`
			DealsWon          int        `json:"deals_won"`
			WinRate           *float64   `json:"win_rate"`
			WinRateCI         []float64  `json:"win_rate_ci"`
			BaselineWinRate   *float64   `json:"baseline_win_rate"`
			Lift              *float64   `json:"lift"`
			RevenueInfluenced float64    `json:"revenue_influenced"`
			LinkOpens         int        `json:"link_opens"`
			LastUsedAt        *time.Time `json:"last_used_at"`
		} `json:"assets"`
	}
	e.json(e.do("GET", "/api/v1/analytics/assets", e.marketerTok, nil), http.StatusOK, &sc)
	if sc.Overall.DealsClosed != 2 || sc.Overall.DealsWon != 1 || len(sc.Assets) != 2 {
		t.Fatalf("scorecard = %+v", sc)
	}
	first := sc.Assets[0] // sorted by deals influenced, most first
	if first.AssetID != a.ID || first.Uses != 3 || first.UniqueUsers != 1 || first.DealsInfluenced != 2 ||
		first.DealsClosed != 2 || first.DealsWon != 1 || first.WinRate == nil || *first.WinRate != 0.5 ||
		len(first.WinRateCI) != 2 || first.RevenueInfluenced != 1200 || first.LastUsedAt == nil {
		t.Errorf("asset a = %+v", first)
	}
	// Every closed deal was influenced by a: no comparison group, no baseline.
	if first.BaselineWinRate != nil || first.Lift != nil {
		t.Errorf("baseline %v lift %v, want none", first.BaselineWinRate, first.Lift)
	}
	if sc.Assets[1].AssetID != b.ID || sc.Assets[1].WinRate != nil || sc.Assets[1].WinRateCI != nil {
		t.Errorf("asset b = %+v", sc.Assets[1])
	}
	e.json(e.do("GET", "/api/v1/analytics/assets?sort=-title", e.marketerTok, nil), http.StatusOK, &sc)
	if sc.Assets[0].AssetID != a.ID { // "Case study" after "=HYPERLINK…" in byte order
		t.Errorf("sort=-title: %s first", sc.Assets[0].Title)
	}
	e.json(e.do("GET", "/api/v1/analytics/assets?stage=negotiation", e.adminTok, nil), http.StatusOK, &sc)
	if sc.Assets[0].DealsInfluenced != 0 && sc.Assets[1].DealsInfluenced != 0 {
		t.Errorf("stage filter: %+v", sc.Assets)
	}
	e.json(e.do("GET", "/api/v1/analytics/assets?from=2000-01-01&to=2001-01-01", e.marketerTok, nil), http.StatusOK, &sc)
	for _, s := range sc.Assets {
		if s.Uses != 0 || s.DealsInfluenced != 0 {
			t.Errorf("window before any use: %+v", s)
		}
	}

	resp := e.do("GET", "/api/v1/analytics/assets?format=csv&sort=-uses", e.marketerTok, nil)
	rows, err := csv.NewReader(resp.Body).ReadAll()
	_ = resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv") {
		t.Fatalf("csv: %d %v", resp.StatusCode, err)
	}
	if len(rows) != 3 || rows[0][0] != "asset_id" || rows[1][0] != a.ID || rows[1][2] != "3" || rows[1][7] != "0.5000" {
		t.Errorf("csv rows = %v", rows)
	}
	if rows[2][1] != `'=HYPERLINK("x")` {
		t.Errorf("a formula in a title is not defused: %q", rows[2][1])
	}

	for _, bad := range []string{"sort=colour", "format=xml", "from=yesterday", "stage=closing", "persona=cfo",
		"from=2026-02-01&to=2026-01-01"} {
		e.fail(e.do("GET", "/api/v1/analytics/assets?"+bad, e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
	}
	e.fail(e.do("GET", "/api/v1/analytics/assets", e.repTok, nil), http.StatusForbidden, "forbidden")
	e.fail(e.do("GET", "/api/v1/analytics/assets/"+a.ID, e.repTok, nil), http.StatusForbidden, "forbidden")
	e.fail(e.do("GET", "/api/v1/analytics/unused", e.repTok, nil), http.StatusForbidden, "forbidden")

	// Another organisation sees none of it.
	_, _, rival := e.newOrg("Rival")
	e.json(e.do("GET", "/api/v1/analytics/assets", rival, nil), http.StatusOK, &sc)
	if len(sc.Assets) != 0 || sc.Overall.DealsClosed != 0 {
		t.Errorf("rival sees %+v", sc)
	}
	e.fail(e.do("GET", "/api/v1/analytics/assets/"+a.ID, rival, nil), http.StatusNotFound, "not_found")
}

func TestAnalyticsDetailAndUnused(t *testing.T) {
	e, a, b, _ := analyticsEnv(t)
	var d struct {
		AssetID string `json:"asset_id"`
		ByStage []struct {
			Key             string
			DealsInfluenced int `json:"deals_influenced"`
		} `json:"by_stage"`
		ByPersona []struct{ Key string } `json:"by_persona"`
		ByUser    []struct {
			Email string
			Uses  int
		} `json:"by_user"`
		Series []struct {
			Week string
			Uses int
		} `json:"series"`
	}
	e.json(e.do("GET", "/api/v1/analytics/assets/"+a.ID, e.marketerTok, nil), http.StatusOK, &d)
	if d.AssetID != a.ID || len(d.ByStage) != 1 || d.ByStage[0].Key != "evaluation" || d.ByStage[0].DealsInfluenced != 2 ||
		len(d.ByPersona) != 1 || len(d.ByUser) != 1 || d.ByUser[0].Uses != 3 || len(d.Series) != 1 || d.Series[0].Uses != 3 {
		t.Errorf("detail = %+v", d)
	}
	var un struct {
		Items []api.AssetResponse
		Total int
	}
	e.json(e.do("GET", "/api/v1/analytics/unused?days=30", e.marketerTok, nil), http.StatusOK, &un)
	if un.Total != 1 || un.Items[0].ID != b.ID {
		t.Errorf("unused = %+v", un)
	}
	e.fail(e.do("GET", "/api/v1/analytics/unused?days=0", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")

	var us struct {
		Series []struct {
			Week      string
			Uses      int
			LinkOpens int `json:"link_opens"`
		}
	}
	e.json(e.do("GET", "/api/v1/analytics/usage", e.marketerTok, nil), http.StatusOK, &us)
	if len(us.Series) != 1 || us.Series[0].Uses != 3 || us.Series[0].Week != d.Series[0].Week {
		t.Errorf("usage series = %+v", us)
	}
	e.json(e.do("GET", "/api/v1/analytics/usage?to=2000-01-01", e.marketerTok, nil), http.StatusOK, &us)
	if len(us.Series) != 0 {
		t.Errorf("usage series before any use = %+v", us)
	}
	e.fail(e.do("GET", "/api/v1/analytics/usage?stage=evaluation", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/analytics/usage?from=yesterday", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/analytics/usage", e.repTok, nil), http.StatusForbidden, "forbidden")
}

func TestRecommendations(t *testing.T) {
	e, a, _, open := analyticsEnv(t)
	var r struct {
		Items []struct {
			Asset  api.AssetResponse `json:"asset"`
			Reason string            `json:"reason"`
		} `json:"items"`
	}
	e.json(e.do("GET", "/api/v1/recommendations?deal_id="+open, e.repTok, nil), http.StatusOK, &r)
	if len(r.Items) != 1 || r.Items[0].Asset.ID != a.ID || !strings.Contains(r.Items[0].Reason, "Tagged for the evaluation stage") {
		t.Errorf("recommendations = %+v", r.Items)
	}
	e.fail(e.do("GET", "/api/v1/recommendations", e.repTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/recommendations?deal_id="+uuid.NewString(), e.repTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/recommendations?deal_id="+open+"&limit=0", e.repTok, nil), http.StatusBadRequest, "invalid_input")

	// A deal nothing is tagged for gets an empty list, not null.
	var early string
	must(t, e.db.Pool.QueryRow(context.Background(), `INSERT INTO deals (org_id, external_id, stage, status, owner_id)
		VALUES ($1, 'P', 'prospecting', 'open', $2) RETURNING id`, e.org, e.rep.ID).Scan(&early))
	var raw map[string]json.RawMessage
	e.json(e.do("GET", "/api/v1/recommendations?deal_id="+early, e.repTok, nil), http.StatusOK, &raw)
	if string(raw["items"]) != "[]" {
		t.Errorf("items = %s, want []", raw["items"])
	}
}
