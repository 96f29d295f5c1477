package postgres_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

var funnel = []string{"prospecting", "discovery", "evaluation", "proposal", "negotiation"}

// randomOrg fills the fixture's organisation with deals at every stage and
// outcome (some with no amount, duplicate personas, a stage unknown to the
// taxonomy), and uses of a few assets on them: before and after the close,
// at the deal's stage or not, by bots, without a deal.
type randomOrg struct {
	*analyticsFixture
	rng    *rand.Rand
	assets []*stagecraft.Asset
	deals  []string
	starts []time.Time
}

func newRandomOrg(t *testing.T, seed uint64, deals, assets int) *randomOrg {
	o := &randomOrg{analyticsFixture: newAnalyticsFixture(t), rng: rand.New(rand.NewPCG(seed, seed))}
	for i := range assets {
		o.assets = append(o.assets, createAsset(t, o.fixture, o.marketer, func(a *stagecraft.Asset) { a.Title = fmt.Sprintf("Asset %02d", i) }))
	}
	o.addDeals(deals)
	return o
}

func (o *randomOrg) addDeals(n int) {
	o.t.Helper()
	ctx := context.Background()
	personas := []string{"economic_buyer", "technical_buyer", "champion", "procurement"}
	var ids, statuses, stages []string
	var amounts []*float64
	var closedAts []*time.Time
	var pers []string // comma-joined per deal
	var hDeal, hStage []string
	var hAt []time.Time
	for range n {
		id := uuid.NewString()
		start := o.t0.Add(time.Duration(o.rng.IntN(60*24)) * time.Hour)
		reach := 1 + o.rng.IntN(len(funnel))
		status := []string{"open", "won", "lost", "lost"}[o.rng.IntN(4)]
		var closedAt *time.Time
		if status != "open" {
			c := start.Add(time.Duration(reach) * 24 * time.Hour)
			closedAt = &c
		}
		var amount *float64
		if o.rng.IntN(8) > 0 {
			a := float64(100 * (1 + o.rng.IntN(50)))
			amount = &a
		}
		var ps []string
		for range o.rng.IntN(3) {
			ps = append(ps, personas[o.rng.IntN(len(personas))]) // may repeat
		}
		for k := range reach {
			st := funnel[k]
			if k == 0 && o.rng.IntN(10) == 0 {
				st = "legacy_stage" // not in the taxonomy
			}
			hDeal, hStage, hAt = append(hDeal, id), append(hStage, st), append(hAt, start.Add(time.Duration(k)*24*time.Hour))
		}
		ids, statuses, stages = append(ids, id), append(statuses, status), append(stages, funnel[reach-1])
		amounts, closedAts = append(amounts, amount), append(closedAts, closedAt)
		pers = append(pers, joinComma(ps))
		o.deals, o.starts = append(o.deals, id), append(o.starts, start)
	}
	_, err := o.db.Pool.Exec(ctx, `
		INSERT INTO deals (id, org_id, external_id, stage, status, amount, closed_at, personas)
		SELECT d.id, $1, d.id::text, d.stage, d.status, d.amount, d.closed_at, coalesce(string_to_array(nullif(d.personas, ''), ','), '{}')::text[]
		FROM unnest($2::uuid[], $3::text[], $4::text[], $5::float8[], $6::timestamptz[], $7::text[])
		     AS d(id, status, stage, amount, closed_at, personas)`,
		o.org.ID, ids, statuses, stages, amounts, closedAts, pers)
	must(o.t, err)
	_, err = o.db.Pool.Exec(ctx, `
		INSERT INTO deal_stage_history (org_id, deal_id, stage, status, seen_at)
		SELECT $1, h.deal_id, h.stage, 'open', h.seen_at
		FROM unnest($2::uuid[], $3::text[], $4::timestamptz[]) AS h(deal_id, stage, seen_at)`,
		o.org.ID, hDeal, hStage, hAt)
	must(o.t, err)
}

func joinComma(s []string) string {
	out := ""
	for i, v := range s {
		if i > 0 {
			out += ","
		}
		out += v
	}
	return out
}

// uses records n events on random deals (or none), spread from a week
// before the deal started to three weeks after.
func (o *randomOrg) uses(n int) {
	o.t.Helper()
	var ids, assets, types []string
	var deals, stages []*string
	var at []time.Time
	var bots []bool
	var users []*string
	people := []string{o.rep.ID, o.marketer.ID, o.admin.ID}
	for range n {
		ids = append(ids, uuid.NewString())
		assets = append(assets, o.assets[o.rng.IntN(len(o.assets))].ID)
		types = append(types, []string{"view", "download", "share", "link_open", "attach"}[o.rng.IntN(5)])
		var deal, stage *string
		when := o.t0.Add(time.Duration(o.rng.IntN(90*24)) * time.Hour)
		if o.rng.IntN(10) > 0 {
			i := o.rng.IntN(len(o.deals))
			deal = &o.deals[i]
			when = o.starts[i].Add(time.Duration(o.rng.IntN(28*24)-7*24) * time.Hour)
			if o.rng.IntN(12) > 0 {
				s := funnel[o.rng.IntN(len(funnel))]
				stage = &s
			}
		}
		deals, stages, at = append(deals, deal), append(stages, stage), append(at, when)
		bots = append(bots, o.rng.IntN(15) == 0)
		var user *string
		if o.rng.IntN(6) > 0 {
			user = &people[o.rng.IntN(len(people))]
		}
		users = append(users, user)
	}
	_, err := o.db.Pool.Exec(context.Background(), `
		INSERT INTO usage_events (id, org_id, type, asset_id, deal_id, user_id, stage_at_event, occurred_at, bot)
		SELECT e.id, $1, e.type, e.asset_id, e.deal_id, e.user_id, e.stage, e.at, e.bot
		FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[], $8::timestamptz[], $9::bool[])
		     AS e(id, type, asset_id, deal_id, user_id, stage, at, bot)`,
		o.org.ID, ids, types, assets, deals, users, stages, at, bots)
	must(o.t, err)
}

// filters are the scorecard's filters in every combination the rollups
// and the per-deal rows serve.
func (o *randomOrg) filters() []stagecraft.AnalyticsFilter {
	// t0 is 09:00 UTC, so these windows start and end within a day; the
	// others start and end at midnight, lie within one day, or span one
	// midnight without a whole day.
	from, to := o.t0.Add(20*24*time.Hour), o.t0.Add(50*24*time.Hour)
	midFrom, midTo := from.Truncate(24*time.Hour), to.Truncate(24*time.Hour)
	dayFrom, dayTo := from.Add(-5*time.Hour), from.Add(7*time.Hour)
	nightFrom, nightTo := from.Add(10*time.Hour), from.Add(20*time.Hour)
	fs := []stagecraft.AnalyticsFilter{{}, {From: &from}, {To: &to}, {From: &from, To: &to},
		{From: &midFrom, To: &midTo}, {From: &midFrom, To: &to}, {From: &dayFrom, To: &dayTo}, {From: &nightFrom, To: &nightTo},
		{From: &from, To: &to, Stage: "discovery", Persona: "champion"}, {Stage: "legacy_stage"}}
	for _, s := range funnel {
		fs = append(fs, stagecraft.AnalyticsFilter{Stage: s})
	}
	for _, p := range []string{"champion", "procurement", "economic_buyer"} {
		fs = append(fs, stagecraft.AnalyticsFilter{Persona: p}, stagecraft.AnalyticsFilter{Persona: p, Stage: "evaluation"})
	}
	for i := range fs {
		fs[i].OrgID = o.org.ID
	}
	return fs
}

// check compares the scorecard and every asset's detail, under every
// filter, with the numbers computed from scratch.
func (o *randomOrg) check(label string) {
	o.t.Helper()
	ctx := context.Background()
	for _, f := range o.filters() {
		want, err := o.db.ReferenceScores(ctx, f)
		must(o.t, err)
		_, got, err := o.db.Scorecard(ctx, f)
		must(o.t, err)
		if len(got) != len(o.assets) {
			o.t.Fatalf("%s: %d scorecard rows, want %d", label, len(got), len(o.assets))
		}
		influenced := 0
		for _, s := range got {
			influenced += s.DealsInfluenced
			if msg := diffScore(s, want[s.AssetID]); msg != "" {
				o.t.Errorf("%s, filter %s, %s: %s", label, describe(f), s.Title, msg)
			}
		}
		if f.Stage == "" && f.Persona == "" && f.From == nil && f.To == nil && influenced == 0 {
			o.t.Fatalf("%s: no influenced deals at all; the data set tests nothing", label)
		}
		// Usage ignores stage and persona; in a window it counts the
		// events inside it, to the instant.
		usage, err := o.db.ReferenceUsages(ctx, f)
		must(o.t, err)
		for _, s := range got {
			if msg := diffUsage(s, usage[s.AssetID]); msg != "" {
				o.t.Errorf("%s, filter %s, %s: %s", label, describe(f), s.Title, msg)
			}
		}
	}
	f := stagecraft.AnalyticsFilter{OrgID: o.org.ID, Persona: "champion"}
	want, err := o.db.ReferenceScores(ctx, f)
	must(o.t, err)
	for _, a := range o.assets {
		d, err := o.db.AssetDetail(ctx, f, a.ID)
		must(o.t, err)
		if msg := diffScore(&d.AssetScore, want[a.ID]); msg != "" {
			o.t.Errorf("%s, detail of %s: %s", label, a.Title, msg)
		}
	}
}

func diffUsage(s *stagecraft.AssetScore, u postgres.ReferenceUsage) string {
	if s.Uses != u.Uses || s.LinkOpens != u.LinkOpens || s.UniqueUsers != u.Users ||
		(s.LastUsedAt == nil) != (u.LastUsedAt == nil) || (u.LastUsedAt != nil && !s.LastUsedAt.Equal(*u.LastUsedAt)) {
		return fmt.Sprintf("got uses %d opens %d users %d last %v; want %d %d %d %v",
			s.Uses, s.LinkOpens, s.UniqueUsers, s.LastUsedAt, u.Uses, u.LinkOpens, u.Users, u.LastUsedAt)
	}
	return ""
}

func diffScore(s *stagecraft.AssetScore, r postgres.ReferenceScore) string {
	baseOK := (s.BaselineWinRate == nil) == (r.Baseline == nil) &&
		(r.Baseline == nil || math.Abs(*s.BaselineWinRate-*r.Baseline) < 1e-9)
	if s.DealsInfluenced != r.Influenced || s.DealsClosed != r.Closed || s.DealsWon != r.Won ||
		math.Abs(s.RevenueInfluenced-r.Revenue) > 1e-6 || !baseOK {
		return fmt.Sprintf("got influenced %d closed %d won %d revenue %.2f baseline %v; want %d %d %d %.2f %v",
			s.DealsInfluenced, s.DealsClosed, s.DealsWon, s.RevenueInfluenced, fmtPtr(s.BaselineWinRate),
			r.Influenced, r.Closed, r.Won, r.Revenue, fmtPtr(r.Baseline))
	}
	return ""
}

func fmtPtr(p *float64) string {
	if p == nil {
		return "null"
	}
	return fmt.Sprintf("%.6f", *p)
}

func describe(f stagecraft.AnalyticsFilter) string {
	s := fmt.Sprintf("stage=%q persona=%q", f.Stage, f.Persona)
	if f.From != nil {
		s += " from=" + f.From.Format(time.RFC3339)
	}
	if f.To != nil {
		s += " to=" + f.To.Format(time.RFC3339)
	}
	return s
}

// TestRollupsMatchDefinitions checks the scorecard served from the rollups
// against the definitions computed from scratch, on a random organisation,
// then again after each kind of change that moves a deal's contribution.
func TestRollupsMatchDefinitions(t *testing.T) {
	o := newRandomOrg(t, 7, 300, 8)
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := o.db.Pool.Exec(ctx, sql, args...)
		must(t, err)
	}
	o.uses(1500)
	o.check("as loaded")

	// Later uses mostly change nothing; earlier ones move the first use
	// (and its stage) back.
	o.uses(400)
	o.check("more uses")

	exec(`UPDATE deals SET status = 'won', closed_at = created_at + interval '9 days'
	      WHERE org_id = $1 AND status = 'open' AND random() < 0.5`, o.org.ID)
	o.check("open deals closed")

	exec(`UPDATE deals SET status = 'open' WHERE org_id = $1 AND status = 'won' AND random() < 0.2`, o.org.ID)
	exec(`UPDATE deals SET status = 'lost' WHERE org_id = $1 AND status = 'won' AND random() < 0.2`, o.org.ID)
	o.check("outcomes changed, deals reopened")

	exec(`UPDATE deals SET amount = coalesce(amount, 0) + 77 WHERE org_id = $1 AND random() < 0.3`, o.org.ID)
	exec(`UPDATE deals SET closed_at = closed_at - interval '3 days' WHERE org_id = $1 AND closed_at IS NOT NULL AND random() < 0.3`, o.org.ID)
	exec(`UPDATE deals SET personas = personas || '{champion}' WHERE org_id = $1 AND random() < 0.3`, o.org.ID)
	o.check("amounts, close times and personas changed")

	// Closed deals seen later in a further stage raise their reach.
	exec(`INSERT INTO deal_stage_history (org_id, deal_id, stage, status, seen_at)
	      SELECT org_id, id, 'negotiation', status, now() FROM deals
	      WHERE org_id = $1 AND status <> 'open' AND random() < 0.3`, o.org.ID)
	o.check("stage history extended")

	for _, id := range o.deals[:20] {
		exec(`DELETE FROM deals WHERE id = $1`, id)
	}
	o.deals, o.starts = o.deals[20:], o.starts[20:]
	o.check("deals deleted")

	// Reordering the funnel changes which stage is furthest.
	tax, err := o.db.FindTaxonomy(ctx, o.org.ID)
	must(t, err)
	tax.Stages[1].Order, tax.Stages[3].Order = tax.Stages[3].Order, tax.Stages[1].Order
	must(t, o.db.ReplaceTaxonomy(ctx, o.org.ID, tax))
	o.check("stages reordered")

	o.addDeals(100)
	o.uses(600)
	o.check("new deals and uses")

	// Rows left at zero change no number; pruning them changes none either.
	must(t, o.db.PruneAnalytics(ctx, o.org.ID))
	var zeros int
	must(t, o.db.Pool.QueryRow(ctx, `SELECT count(*) FROM asset_outcomes WHERE org_id = $1 AND deals = 0`, o.org.ID).Scan(&zeros))
	if zeros != 0 {
		t.Errorf("%d zero rows left after pruning", zeros)
	}
	o.check("pruned")
}

// TestRollupsUnderConcurrentChanges writes uses, deal changes and
// refreshes at once, then checks that nothing drifted: every change was
// counted exactly once, and no writer deadlocked with another.
func TestRollupsUnderConcurrentChanges(t *testing.T) {
	o := newRandomOrg(t, 11, 200, 6)
	ctx := context.Background()
	o.uses(500)
	ids := slices.Clone(o.deals)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	run := func(fn func(rng *rand.Rand) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(len(errs)), uint64(time.Now().UnixNano())))
			for range 40 {
				if err := fn(rng); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for w := range 3 { // events through the group-commit writer
		run(func(rng *rand.Rand) error {
			evs := make([]*stagecraft.Event, 20)
			for i := range evs {
				d := rng.IntN(len(ids))
				evs[i] = &stagecraft.Event{ID: uuid.NewString(), OrgID: o.org.ID, Type: stagecraft.EventView,
					AssetID: o.assets[(w+i)%len(o.assets)].ID, DealID: ids[d], UserID: o.rep.ID,
					OccurredAt: o.starts[d].Add(time.Duration(rng.IntN(20*24)-5*24) * time.Hour)}
			}
			_, err := o.db.RecordEvents(ctx, evs)
			return err
		})
	}
	for range 2 { // deals moving stage and closing through the upsert
		run(func(rng *rand.Rand) error {
			var ext []string
			for range 5 {
				ext = append(ext, ids[rng.IntN(len(ids))])
			}
			_, err := o.db.UpsertDeals(ctx, o.org.ID, ext, func(_ int, d *stagecraft.Deal, _ bool, _ *stagecraft.Taxonomy) error {
				d.Stage = funnel[rng.IntN(len(funnel))]
				switch rng.IntN(3) {
				case 0:
					d.Status = "won"
				case 1:
					d.Status = "lost"
				default:
					d.Status = "open"
				}
				if d.Status != "open" && d.ClosedAt == nil {
					c := time.Now().UTC()
					d.ClosedAt = &c
				}
				return nil
			})
			return err
		})
	}
	run(func(*rand.Rand) error { // readers refreshing as they go
		_, _, err := o.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: o.org.ID})
		return err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent writer: %v", err)
	}
	o.check("after concurrent writers")
}

// TestAnalyticsCatchUpBacklog checks that a read facing more changes than
// it should take on says so, and that the refresher then brings the
// numbers up to date.
func TestAnalyticsCatchUpBacklog(t *testing.T) {
	o := newRandomOrg(t, 3, 50, 3)
	ctx := context.Background()
	o.uses(200)
	// Marks as after a large import: every deal marked many times over
	// (one recount each takes them all), and more marked deals than one
	// read folds in (deals of other systems' ids, which count nothing).
	_, err := o.db.Pool.Exec(ctx, `INSERT INTO analytics_dirty (org_id, deal_id)
		SELECT $1, d.id FROM deals d, generate_series(1, 100) WHERE d.org_id = $1`, o.org.ID)
	must(t, err)
	_, err = o.db.Pool.Exec(ctx, `INSERT INTO analytics_dirty (org_id, deal_id)
		SELECT $1, gen_random_uuid() FROM generate_series(1, 55000)`, o.org.ID)
	must(t, err)
	_, _, err = o.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: o.org.ID})
	e, ok := stagecraft.AsError(err)
	if !ok || e.Code != stagecraft.EUNAVAILABLE || e.RetryAfter <= 0 {
		t.Fatalf("scorecard during a backlog: %v, want unavailable with Retry-After", err)
	}
	backlog, err := o.db.AnalyticsBacklog(ctx)
	must(t, err)
	if backlog[o.org.ID] == 0 {
		t.Fatalf("backlog = %v, want marks of %s", backlog, o.org.ID)
	}
	n, err := o.db.RefreshAnalytics(ctx, o.org.ID)
	must(t, err)
	if n == 0 {
		t.Error("refresh processed nothing")
	}
	backlog, err = o.db.AnalyticsBacklog(ctx)
	must(t, err)
	if backlog[o.org.ID] != 0 {
		t.Errorf("after the refresh %d marks are left", backlog[o.org.ID])
	}
	o.check("after catching up")
}

// TestRefreshTakesEveryMarkOfADeal: a deal marked many times is recounted
// once, and all its marks go with it.
func TestRefreshTakesEveryMarkOfADeal(t *testing.T) {
	o := newRandomOrg(t, 3, 20, 3)
	ctx := context.Background()
	o.uses(100)
	_, err := o.db.RefreshAnalytics(ctx, o.org.ID)
	must(t, err)
	// As an import marks them: each deal again and again, interleaved.
	_, err = o.db.Pool.Exec(ctx, `INSERT INTO analytics_dirty (org_id, deal_id)
		SELECT $1, d.id FROM deals d, generate_series(1, 30) g WHERE d.org_id = $1 ORDER BY g, d.id`, o.org.ID)
	must(t, err)
	marks, deals, err := o.db.RefreshChunkForTest(ctx, o.org.ID, 10)
	must(t, err)
	if deals != 10 || marks != 300 {
		t.Errorf("a chunk of 10 deals took %d marks of %d deals, want 300 of 10", marks, deals)
	}
	backlog, err := o.db.AnalyticsBacklog(ctx)
	must(t, err)
	if backlog[o.org.ID] != 300 {
		t.Errorf("%d marks left, want the other 10 deals' 300", backlog[o.org.ID])
	}
	_, err = o.db.RefreshAnalytics(ctx, o.org.ID)
	must(t, err)
	o.check("after recounting")
}
