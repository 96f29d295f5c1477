package postgres_test

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// analyticsFixture builds deals with stage histories and events written
// straight into usage_events (the rollup trigger runs as for any insert).
type analyticsFixture struct {
	*fixture
	t     *testing.T
	t0    time.Time
	deals map[string]string
}

func newAnalyticsFixture(t *testing.T) *analyticsFixture {
	return &analyticsFixture{fixture: newFixture(t), t: t, t0: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC), deals: map[string]string{}}
}

// deal adds a deal that went through stages (one a day from t0), ending
// with status; closed deals close the day after their last stage.
func (f *analyticsFixture) deal(name, status string, amount float64, personas []string, stages ...string) time.Time {
	f.t.Helper()
	ctx := context.Background()
	var closedAt *time.Time
	if status != "open" {
		c := f.t0.Add(time.Duration(len(stages)) * 24 * time.Hour)
		closedAt = &c
	}
	var id string
	if personas == nil {
		personas = []string{}
	}
	err := f.db.Pool.QueryRow(ctx, `
		INSERT INTO deals (org_id, external_id, stage, status, amount, personas, closed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		f.org.ID, name, stages[len(stages)-1], status, amount, personas, closedAt).Scan(&id)
	must(f.t, err)
	for i, s := range stages {
		_, err := f.db.Pool.Exec(ctx, `INSERT INTO deal_stage_history (org_id, deal_id, stage, status, seen_at) VALUES ($1, $2, $3, 'open', $4)`,
			f.org.ID, id, s, f.t0.Add(time.Duration(i)*24*time.Hour))
		must(f.t, err)
	}
	f.deals[name] = id
	if closedAt == nil {
		return time.Time{}
	}
	return *closedAt
}

// use records an event of asset on deal at day (from t0) and the deal's
// stage then.
func (f *analyticsFixture) use(asset *stagecraft.Asset, deal string, day int, stage string, user *stagecraft.User, typ string, bot bool) {
	f.t.Helper()
	var dealID *string
	if deal != "" {
		d := f.deals[deal]
		dealID = &d
	}
	_, err := f.db.Pool.Exec(context.Background(), `
		INSERT INTO usage_events (id, org_id, type, asset_id, deal_id, user_id, stage_at_event, occurred_at, bot)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		uuid.NewString(), f.org.ID, typ, asset.ID, dealID, user.ID, nullable(stage), f.t0.Add(time.Duration(day)*24*time.Hour+time.Hour), bot)
	must(f.t, err)
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func val(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// TestScorecardHandComputed checks every metric against numbers worked out
// by hand (docs/analytics.md walks through the same example).
func TestScorecardHandComputed(t *testing.T) {
	f := newAnalyticsFixture(t)
	ctx := context.Background()
	a := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "A" })
	b := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "B" })
	unused := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "C" })

	cb := []string{"champion"}
	f.deal("D1", "won", 1000, cb, "prospecting", "discovery", "evaluation", "proposal", "negotiation")
	f.deal("D2", "lost", 800, nil, "prospecting", "discovery", "evaluation", "proposal")
	f.deal("D3", "won", 500, cb, "discovery", "evaluation", "proposal", "negotiation")
	f.deal("D4", "lost", 100, nil, "discovery", "evaluation")
	f.deal("D5", "won", 300, nil, "discovery", "proposal", "negotiation")
	f.deal("D6", "lost", 100, nil, "prospecting", "discovery")
	f.deal("D7", "open", 900, nil, "discovery", "proposal")
	closed8 := f.deal("D8", "won", 700, nil, "evaluation", "negotiation")
	f.deal("D9", "lost", 200, nil, "discovery", "negotiation")

	f.use(a, "D1", 1, "discovery", f.rep, "view", false)
	f.use(a, "D2", 2, "evaluation", f.rep, "present", false)
	f.use(a, "D3", 0, "discovery", f.rep, "view", false)
	f.use(a, "D3", 2, "proposal", f.marketer, "share", false) // a second use: the deal counts once, first stage stays
	f.use(a, "D7", 1, "proposal", f.rep, "view", false)
	f.use(a, "D7", 1, "proposal", f.rep, "link_open", false)                                 // a human open of a shared link
	f.use(a, "D7", 1, "proposal", f.rep, "link_open", true)                                  // a link scanner: counts nowhere
	f.use(a, "D8", int(closed8.Sub(f.t0).Hours()/24)+3, "negotiation", f.rep, "view", false) // after the close: not influence
	f.use(b, "D5", 2, "negotiation", f.rep, "view", false)

	overall, scores, err := f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID})
	must(t, err)
	if overall.DealsClosed != 8 || overall.DealsWon != 4 || !near(val(overall.WinRate), 0.5) {
		t.Errorf("overall = %+v", overall)
	}
	by := map[string]*stagecraft.AssetScore{}
	for _, s := range scores {
		by[s.Title] = s
	}
	sa := by["A"]
	// A influenced D1, D2, D3 (closed) and D7 (open); D8 was after the close.
	// Baselines: D1 and D3 (first use at discovery): closed deals without A
	// that reached discovery or later: D4 L, D5 W, D6 L, D8 W, D9 L = 2/5.
	// D2 (evaluation): D4 L, D5 W, D8 W, D9 L = 2/4. Mean (0.4+0.5+0.4)/3.
	want := struct {
		uses, users, infl, closed, won, opens int
		wr, lo, hi, base, lift, revenue       float64
	}{6, 2, 4, 3, 2, 1, 2.0 / 3, 0.2077, 0.9385, 1.3 / 3, 2.0/3 - 1.3/3, 1500}
	if sa.Uses != want.uses || sa.UniqueUsers != want.users || sa.DealsInfluenced != want.infl ||
		sa.DealsClosed != want.closed || sa.DealsWon != want.won || sa.LinkOpens != want.opens {
		t.Errorf("A counts = %+v", sa)
	}
	if !near(val(sa.WinRate), want.wr) || !near(val(sa.BaselineWinRate), want.base) || !near(val(sa.Lift), want.lift) ||
		sa.RevenueInfluenced != want.revenue {
		t.Errorf("A: win %v base %v lift %v revenue %v", val(sa.WinRate), val(sa.BaselineWinRate), val(sa.Lift), sa.RevenueInfluenced)
	}
	if sa.WinRateCI == nil || math.Abs(sa.WinRateCI[0]-want.lo) > 1e-4 || math.Abs(sa.WinRateCI[1]-want.hi) > 1e-4 {
		t.Errorf("A CI = %v, want [%.4f, %.4f]", sa.WinRateCI, want.lo, want.hi)
	}
	// B: D5 at negotiation; closed deals without B that reached
	// negotiation: D1 W, D3 W, D8 W, D9 L = 3/4.
	sb := by["B"]
	if sb.DealsClosed != 1 || sb.DealsWon != 1 || !near(val(sb.BaselineWinRate), 0.75) || !near(val(sb.Lift), 0.25) ||
		sb.RevenueInfluenced != 300 {
		t.Errorf("B = %+v base %v lift %v", sb, val(sb.BaselineWinRate), val(sb.Lift))
	}
	sc := by["C"]
	if sc.Uses != 0 || sc.DealsInfluenced != 0 || sc.WinRate != nil || sc.WinRateCI != nil || sc.BaselineWinRate != nil || sc.Lift != nil {
		t.Errorf("unused C = %+v", sc)
	}

	// Filtered by stage at first use: A's discovery deals only; the
	// baseline still leaves out every deal A influenced.
	_, scores, err = f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID, Stage: "discovery"})
	must(t, err)
	for _, s := range scores {
		if s.Title == "A" && (s.DealsClosed != 2 || s.DealsWon != 2 || !near(val(s.BaselineWinRate), 0.4)) {
			t.Errorf("A at discovery = %+v base %v", s, val(s.BaselineWinRate))
		}
	}
	// Filtered by persona.
	_, scores, err = f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID, Persona: "champion"})
	must(t, err)
	for _, s := range scores {
		if s.Title == "A" && (s.DealsInfluenced != 2 || s.DealsWon != 2) {
			t.Errorf("A for champions = %+v", s)
		}
	}

	d, err := f.db.AssetDetail(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID}, a.ID)
	must(t, err)
	stages := map[string]stagecraft.Breakdown{}
	for _, s := range d.ByStage {
		stages[s.Key] = s
	}
	if stages["discovery"].DealsClosed != 2 || stages["evaluation"].DealsClosed != 1 || stages["proposal"].DealsInfluenced != 1 {
		t.Errorf("by stage = %+v", d.ByStage)
	}
	if len(d.ByPersona) != 1 || d.ByPersona[0].Key != "champion" || d.ByPersona[0].DealsWon != 2 {
		t.Errorf("by persona = %+v", d.ByPersona)
	}
	if len(d.ByUser) != 2 || d.ByUser[0].UserID != f.rep.ID || d.ByUser[0].Uses != 5 {
		t.Errorf("by user = %+v", d.ByUser)
	}
	total := 0
	for _, w := range d.Series {
		total += w.Uses
	}
	if total != 6 || len(d.Series) == 0 {
		t.Errorf("series = %+v", d.Series)
	}
	_, err = f.db.AssetDetail(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID}, uuid.NewString())
	mustCode(t, err, stagecraft.ENOTFOUND)

	un, err := f.db.UnusedAssets(ctx, f.org.ID, f.t0.Add(-24*time.Hour))
	must(t, err)
	if len(un) != 1 || un[0].ID != unused.ID {
		t.Errorf("unused = %v", un)
	}

	// The organisation's series adds up every asset's, week by week.
	org, err := f.db.UsageSeries(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID})
	must(t, err)
	var orgUses, events int
	for _, w := range org {
		orgUses += w.Uses
	}
	must(t, f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM usage_events WHERE org_id = $1 AND NOT bot AND type <> 'link_open'`,
		f.org.ID).Scan(&events))
	if orgUses != events || orgUses <= total {
		t.Errorf("organisation series counts %d uses; want the %d events (more than this asset's %d)", orgUses, events, total)
	}
}

func TestUsageSeriesWindowAndTenancy(t *testing.T) {
	f := newAnalyticsFixture(t)
	ctx := context.Background()
	a := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "Guide" })
	f.deal("D", "open", 0, nil, "discovery")
	// Monday 5 Jan 2026 is t0: days 0 and 3 fall in its week, 8 in the
	// next, 21 three weeks on; the bot's use is not counted.
	for _, day := range []int{0, 3, 8, 21} {
		f.use(a, "D", day, "discovery", f.rep, "view", false)
	}
	f.use(a, "D", 8, "discovery", f.rep, "view", true)
	got, err := f.db.UsageSeries(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID})
	must(t, err)
	want := []stagecraft.WeekUse{{Week: "2026-01-05", Uses: 2}, {Week: "2026-01-12", Uses: 1}, {Week: "2026-01-26", Uses: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("series = %+v, want %+v", got, want)
	}
	from, to := f.t0.Add(5*24*time.Hour), f.t0.Add(20*24*time.Hour)
	got, err = f.db.UsageSeries(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID, From: &from, To: &to})
	must(t, err)
	if !slices.Equal(got, []stagecraft.WeekUse{{Week: "2026-01-12", Uses: 1}}) {
		t.Errorf("windowed series = %+v", got)
	}
	got, err = f.db.UsageSeries(ctx, stagecraft.AnalyticsFilter{OrgID: uuid.NewString()})
	must(t, err)
	if got == nil || len(got) != 0 {
		t.Errorf("another organisation's series = %#v, want empty", got)
	}
}

// TestPlantedEffect simulates an organisation where one asset, used early,
// really does raise the chance of winning, and another, used only at
// negotiation, does nothing — though the deals it touches win often,
// because only deals that got that far ever see it. The scorecard must find
// the first and not be fooled by the second.
func TestPlantedEffect(t *testing.T) {
	f := newAnalyticsFixture(t)
	ctx := context.Background()
	early := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "Early" })
	late := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = "Late" })
	rng := rand.New(rand.NewPCG(42, 42))
	stages := []string{"prospecting", "discovery", "evaluation", "proposal", "negotiation"}

	var ids, statuses []string
	var closedAts []time.Time
	var histDeals, histStages []string
	var histAt []time.Time
	type use struct {
		asset, deal, stage string
		at                 time.Time
	}
	var uses []use
	for i := range 1500 {
		id := uuid.NewString()
		start := f.t0.Add(time.Duration(i) * time.Hour)
		advance, win := 0.7, 0.6
		reached := 0
		usedEarly := false
		for reached < len(stages)-1 {
			if reached == 1 && !usedEarly && rng.Float64() < 0.5 {
				usedEarly = true
				uses = append(uses, use{early.ID, id, "discovery", start.Add(time.Duration(reached)*24*time.Hour + time.Hour)})
				advance, win = 0.85, 0.75 // the planted effect
			}
			if rng.Float64() >= advance {
				break
			}
			reached++
		}
		if reached == 1 && !usedEarly && rng.Float64() < 0.5 { // stopped at discovery: may still have seen it
			uses = append(uses, use{early.ID, id, "discovery", start.Add(24*time.Hour + time.Hour)})
		}
		if reached == len(stages)-1 && rng.Float64() < 0.5 {
			uses = append(uses, use{late.ID, id, "negotiation", start.Add(time.Duration(reached)*24*time.Hour + time.Hour)})
		}
		status := "lost"
		if reached == len(stages)-1 && rng.Float64() < win {
			status = "won"
		}
		for k := 0; k <= reached; k++ {
			histDeals, histStages = append(histDeals, id), append(histStages, stages[k])
			histAt = append(histAt, start.Add(time.Duration(k)*24*time.Hour))
		}
		ids, statuses = append(ids, id), append(statuses, status)
		closedAts = append(closedAts, start.Add(time.Duration(reached+1)*24*time.Hour))
	}
	_, err := f.db.Pool.Exec(ctx, `
		INSERT INTO deals (id, org_id, external_id, stage, status, amount, closed_at)
		SELECT d.id, $1, d.id::text, 'prospecting', d.status, 1000, d.closed_at
		FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS d(id, status, closed_at)`, f.org.ID, ids, statuses, closedAts)
	must(t, err)
	_, err = f.db.Pool.Exec(ctx, `
		INSERT INTO deal_stage_history (org_id, deal_id, stage, status, seen_at)
		SELECT $1, h.deal_id, h.stage, 'open', h.seen_at FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS h(deal_id, stage, seen_at)`,
		f.org.ID, histDeals, histStages, histAt)
	must(t, err)
	_, err = f.db.Pool.Exec(ctx, `UPDATE deals d SET stage = h.stage FROM (
		SELECT DISTINCT ON (deal_id) deal_id, stage FROM deal_stage_history ORDER BY deal_id, seen_at DESC) h
		WHERE h.deal_id = d.id`)
	must(t, err)
	var ua, ud, us []string
	var ut []time.Time
	for _, u := range uses {
		ua, ud, us, ut = append(ua, u.asset), append(ud, u.deal), append(us, u.stage), append(ut, u.at)
	}
	_, err = f.db.Pool.Exec(ctx, `
		INSERT INTO usage_events (id, org_id, type, asset_id, deal_id, user_id, stage_at_event, occurred_at)
		SELECT gen_random_uuid(), $1, 'present', u.asset_id, u.deal_id, $2, u.stage, u.at
		FROM unnest($3::uuid[], $4::uuid[], $5::text[], $6::timestamptz[]) AS u(asset_id, deal_id, stage, at)`,
		f.org.ID, f.rep.ID, ua, ud, us, ut)
	must(t, err)

	overall, scores, err := f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID})
	must(t, err)
	var e, l *stagecraft.AssetScore
	for _, s := range scores {
		switch s.AssetID {
		case early.ID:
			e = s
		case late.ID:
			l = s
		}
	}
	t.Logf("overall win rate %.3f over %d deals", val(overall.WinRate), overall.DealsClosed)
	for _, s := range []*stagecraft.AssetScore{e, l} {
		t.Logf("%-5s closed %4d  win %.3f  CI [%.3f, %.3f]  baseline %.3f  lift %+.3f",
			s.Title, s.DealsClosed, val(s.WinRate), s.WinRateCI[0], s.WinRateCI[1], val(s.BaselineWinRate), val(s.Lift))
	}
	// The late asset's naive win rate looks brilliant next to the overall one…
	if val(l.WinRate) < val(overall.WinRate)+0.2 {
		t.Fatalf("the simulation lacks its trap: late win rate %.3f, overall %.3f", val(l.WinRate), val(overall.WinRate))
	}
	// …but against deals that reached negotiation without it, it does nothing.
	if math.Abs(val(l.Lift)) > 0.08 || l.WinRateCI[0] > val(l.BaselineWinRate) || l.WinRateCI[1] < val(l.BaselineWinRate) {
		t.Errorf("late asset: lift %+.3f, CI [%.3f, %.3f] against baseline %.3f; want no effect",
			val(l.Lift), l.WinRateCI[0], l.WinRateCI[1], val(l.BaselineWinRate))
	}
	// The early asset's effect is found, and its interval clears the baseline.
	if val(e.Lift) < 0.1 || e.WinRateCI[0] <= val(e.BaselineWinRate) {
		t.Errorf("early asset: lift %+.3f, CI low %.3f, baseline %.3f; want a clear effect",
			val(e.Lift), e.WinRateCI[0], val(e.BaselineWinRate))
	}
	// Recommendations at negotiation rank by evidence, not by raw win rate.
	ev, err := f.db.StageEvidence(ctx, f.org.ID, "discovery")
	must(t, err)
	if ev[early.ID].DealsClosed == 0 || ev[late.ID].DealsClosed != 0 {
		t.Errorf("evidence at discovery: early %+v late %+v", ev[early.ID], ev[late.ID])
	}
}
