package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

// upsertDeal writes one deal as u would through the API.
func upsertDeal(t *testing.T, f *fixture, u *stagecraft.User, ext string, up stagecraft.DealUpsert) (*stagecraft.Deal, bool, error) {
	t.Helper()
	res, err := f.db.UpsertDeals(context.Background(), u.OrgID, []string{ext},
		func(_ int, d *stagecraft.Deal, created bool, tax *stagecraft.Taxonomy) error {
			return up.ApplyAs(u, d, created, tax, time.Now())
		})
	if err != nil {
		t.Fatalf("upsert %s: %v", ext, err)
	}
	return res[0].Deal, res[0].Created, res[0].Err
}

func stageHistory(t *testing.T, f *fixture, orgID, id string) []string {
	t.Helper()
	hist, err := f.db.FindDealStageHistory(context.Background(), orgID, id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hist {
		out = append(out, h.Stage+"/"+h.Status)
	}
	return out
}

func TestUpsertDealCreatesUpdatesAndKeepsHistory(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	clock := time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return clock }

	d, created, err := upsertDeal(t, f, f.marketer, "OPP-1", stagecraft.DealUpsert{
		Name: ptr("Acme renewal"), Amount: stagecraft.NullableOf(1200.5), Personas: &[]string{"champion"},
		Owner: &stagecraft.DealOwner{ID: f.rep.ID, Email: f.rep.Email, Name: f.rep.Name}})
	if err != nil || !created {
		t.Fatalf("create: %v, created %v", err, created)
	}
	got, err := f.db.FindDealByID(ctx, f.org.ID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != "Acme renewal" || *got.Amount != 1200.5 || got.Stage != "prospecting" || got.OwnerID != f.rep.ID ||
		got.OwnerEmail != f.rep.Email || !slices.Equal(got.Personas, []string{"champion"}) || !got.CreatedAt.Equal(clock) {
		t.Errorf("stored deal = %+v", got)
	}

	// Unchanged: no write, no history, updated_at stays.
	clock = clock.Add(time.Hour)
	d2, created, err := upsertDeal(t, f, f.marketer, "OPP-1", stagecraft.DealUpsert{Name: ptr("Acme renewal")})
	if err != nil || created || !d2.UpdatedAt.Equal(got.UpdatedAt) {
		t.Fatalf("no-op upsert: %v created %v updated_at %v", err, created, d2.UpdatedAt)
	}
	// A stage change appends history stamped with the clock.
	clock = clock.Add(time.Hour)
	if _, _, err := upsertDeal(t, f, f.marketer, "OPP-1", stagecraft.DealUpsert{Stage: ptr("proposal")}); err != nil {
		t.Fatal(err)
	}
	// Closing at the same stage is not a stage change.
	if _, _, err := upsertDeal(t, f, f.marketer, "OPP-1", stagecraft.DealUpsert{Status: ptr("won")}); err != nil {
		t.Fatal(err)
	}
	if h := stageHistory(t, f, f.org.ID, d.ID); !slices.Equal(h, []string{"prospecting/open", "proposal/open"}) {
		t.Errorf("history = %v", h)
	}
	hist, _ := f.db.FindDealStageHistory(ctx, f.org.ID, d.ID)
	if !hist[1].SeenAt.Equal(time.Date(2026, 2, 1, 11, 0, 0, 0, time.UTC)) {
		t.Errorf("seen_at = %v, want the injected clock", hist[1].SeenAt)
	}
	got, _ = f.db.FindDealByID(ctx, f.org.ID, d.ID)
	if got.Status != "won" || got.ClosedAt == nil || got.Stage != "proposal" || got.Name != "Acme renewal" {
		t.Errorf("after close = %+v", got)
	}

	// Another organisation has its own external-id space and cannot see ours.
	other := addOrg(t, f.db, "Other")
	od, created, err := upsertDeal(t, f, other.admin, "OPP-1", stagecraft.DealUpsert{})
	if err != nil || !created || od.ID == d.ID {
		t.Fatalf("other org's OPP-1: %v created %v", err, created)
	}
	_, err = f.db.FindDealByID(ctx, other.org.ID, d.ID)
	mustCode(t, err, stagecraft.ENOTFOUND)
	_, err = f.db.FindDealStageHistory(ctx, other.org.ID, d.ID)
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestUpsertDealsBatch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if _, _, err := upsertDeal(t, f, f.admin, "B", stagecraft.DealUpsert{Stage: ptr("discovery")}); err != nil {
		t.Fatal(err)
	}
	// A new id twice, an existing one, and a bad write between them.
	ups := []stagecraft.DealUpsert{
		{Stage: ptr("discovery")}, {Stage: ptr("evaluation")}, {Stage: ptr("nope")}, {Stage: ptr("proposal")},
	}
	res, err := f.db.UpsertDeals(ctx, f.org.ID, []string{"A", "B", "A", "A"},
		func(i int, d *stagecraft.Deal, created bool, tax *stagecraft.Taxonomy) error {
			return ups[i].Apply(d, created, tax, time.Now())
		})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Created || res[1].Created || res[3].Created || res[2].Err == nil ||
		stagecraft.ErrorCode(res[2].Err) != stagecraft.EINVALID {
		t.Fatalf("results = %+v", res)
	}
	a := res[3].Deal
	if a.ID != res[0].Deal.ID || a.Stage != "proposal" {
		t.Errorf("A = %+v", a)
	}
	if h := stageHistory(t, f, f.org.ID, a.ID); !slices.Equal(h, []string{"discovery/open", "proposal/open"}) {
		t.Errorf("A's history = %v", h)
	}
	if h := stageHistory(t, f, f.org.ID, res[1].Deal.ID); !slices.Equal(h, []string{"discovery/open", "evaluation/open"}) {
		t.Errorf("B's history = %v", h)
	}
}

func TestUpsertDealConcurrently(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	const writers = 8
	var wg sync.WaitGroup
	created := make(chan bool, writers*2)
	errs := make(chan error, writers*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two deals, in opposite orders, so that batches contend both ways.
			ids := []string{"SAME-1", "SAME-2"}
			if w%2 == 1 {
				ids = []string{"SAME-2", "SAME-1"}
			}
			stage := []string{"discovery", "evaluation"}[w%2]
			res, err := f.db.UpsertDeals(ctx, f.org.ID, ids,
				func(_ int, d *stagecraft.Deal, c bool, tax *stagecraft.Taxonomy) error {
					return (&stagecraft.DealUpsert{Stage: &stage}).Apply(d, c, tax, time.Now())
				})
			if err != nil {
				errs <- err
				return
			}
			for _, r := range res {
				created <- r.Created
			}
		}()
	}
	wg.Wait()
	close(errs)
	close(created)
	for err := range errs {
		t.Fatalf("concurrent upsert: %v", err)
	}
	n := 0
	for c := range created {
		if c {
			n++
		}
	}
	var deals, history int
	must(t, f.db.Pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM deals), (SELECT count(*) FROM deal_stage_history)`).
		Scan(&deals, &history))
	if n != 2 || deals != 2 {
		t.Errorf("created %d times, %d rows; want each deal created once", n, deals)
	}
	if history < 2 || history > writers*2 {
		t.Errorf("%d history rows", history)
	}
}

func TestFindDeals(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for i := range 5 {
		up := stagecraft.DealUpsert{}
		if i%2 == 1 {
			up.Status = ptr("won")
		}
		if _, _, err := upsertDeal(t, f, f.rep, fmt.Sprintf("R-%d", i), up); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := upsertDeal(t, f, f.marketer, "M-1", stagecraft.DealUpsert{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name         string
		f            stagecraft.DealFilter
		items, total int
	}{
		{"all", stagecraft.DealFilter{}, 6, 6},
		{"won", stagecraft.DealFilter{Statuses: []string{"won"}}, 2, 2},
		{"rep's", stagecraft.DealFilter{OwnerID: f.rep.ID}, 5, 5},
		{"rep's open, paged", stagecraft.DealFilter{OwnerID: f.rep.ID, Statuses: []string{"open"}, Limit: 2, Offset: 2}, 1, 3},
		{"past the end", stagecraft.DealFilter{Limit: 2, Offset: 10}, 0, 6},
		{"by external id", stagecraft.DealFilter{Query: "r-"}, 5, 5},
		{"searched and paged", stagecraft.DealFilter{Query: "r-", Limit: 2, Offset: 4}, 1, 5},
		{"searched, past the end", stagecraft.DealFilter{Query: "r-", Limit: 2, Offset: 6}, 0, 5},
		{"searched, with filters", stagecraft.DealFilter{Query: "R-", OwnerID: f.rep.ID, Statuses: []string{"won"}}, 2, 2},
		{"searched, nothing", stagecraft.DealFilter{Query: "m-1 r-"}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.OrgID = f.org.ID
			deals, total, err := f.db.FindDeals(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(deals) != tt.items || total != tt.total {
				t.Errorf("%d items, total %d; want %d, %d", len(deals), total, tt.items, tt.total)
			}
		})
	}
}

// insertDeals inserts n deals of o's organisation, numbered from 1, whose
// name, account and external id are given by format strings of the
// number; updated_at is shared by 1 + (i-1)/tie deals, so that ordering
// has ties to break.
func insertDeals(t *testing.T, o *fixture, n, tie int, name, account, ext string) {
	t.Helper()
	_, err := o.db.Pool.Exec(context.Background(), `
		INSERT INTO deals (org_id, external_id, name, account, stage, owner_id, updated_at)
		SELECT $1, format($2, i), format($3, i), format($4, i), 'discovery', $5,
		       '2030-01-01T00:00:00Z'::timestamptz + ((i - 1) / $6) * interval '1 minute'
		FROM generate_series(1, $7::int) i`, o.org.ID, ext, name, account, o.rep.ID, tie, n)
	if err != nil {
		t.Fatal(err)
	}
}

func dealNames(deals []*stagecraft.Deal) []string {
	var out []string
	for _, d := range deals {
		out = append(out, d.Name)
	}
	return out
}

// TestFindDealsSearch: the search matches words of a deal's name, account
// and external id literally and ignoring case, and never another
// organisation's deals (which have the same names).
func TestFindDealsSearch(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	for i, name := range hostileNames {
		for _, o := range []*fixture{f, other} {
			if _, err := o.db.Pool.Exec(ctx, `INSERT INTO deals (org_id, external_id, name, account, stage, owner_id)
				VALUES ($1, $2, $3, $4, 'discovery', $5)`, o.org.ID, fmt.Sprintf("H-%d", i), name,
				fmt.Sprintf("Account %d", i), o.rep.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	type test struct {
		name string
		f    stagecraft.DealFilter
		want []string
	}
	tests := []test{
		{"external id", stagecraft.DealFilter{Query: "h-2"}, []string{"snake_case"}},
		{"account", stagecraft.DealFilter{Query: "ACCOUNT 4"}, []string{`back\slash`}},
		{"words of name, account and external id", stagecraft.DealFilter{Query: "pure account h-1"}, []string{"1000 Pure"}},
		{"the owner's", stagecraft.DealFilter{Query: "snake", OwnerID: f.rep.ID}, []string{"snakeXcase", "snake_case"}},
		{"another owner's", stagecraft.DealFilter{Query: "snake", OwnerID: f.marketer.ID}, nil},
	}
	for _, h := range hostileQueries {
		tests = append(tests, test{"search " + h.q, stagecraft.DealFilter{Query: h.q}, h.want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.OrgID = f.org.ID
			deals, total, err := f.db.FindDeals(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			// Deals come most recently updated first; compare as sets.
			got, want := dealNames(deals), slices.Clone(tt.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) || total != len(tt.want) {
				t.Errorf("deals = %q (total %d), want %q", got, total, want)
			}
			for _, d := range deals {
				if d.OrgID != f.org.ID {
					t.Errorf("deal %s of another organisation", d.ID)
				}
			}
		})
	}
	_, _, err := f.db.FindDeals(ctx, stagecraft.DealFilter{OrgID: f.org.ID, Query: strings.Repeat("x", stagecraft.MaxListQueryLength+1)})
	mustCode(t, err, stagecraft.EINVALID)
	_, _, err = f.db.FindDeals(ctx, stagecraft.DealFilter{OrgID: f.org.ID, Query: "a\x00"})
	mustCode(t, err, stagecraft.EINVALID)
}

// TestFindDealsPages: past a hundred deals, pages of any size read each
// deal exactly once, most recently updated first, ties broken by id.
func TestFindDealsPages(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	insertDeals(t, f, 150, 7, "Deal %s", "Account %s", "EXT-%s")
	insertDeals(t, other, 150, 7, "Deal %s", "Account %s", "EXT-%s")
	all, total, err := f.db.FindDeals(ctx, stagecraft.DealFilter{OrgID: f.org.ID, Limit: 100, Offset: 0})
	if err != nil || total != 150 || len(all) != 100 {
		t.Fatalf("first page: %d of %d, %v", len(all), total, err)
	}
	for _, tt := range []struct {
		name  string
		q     string
		limit int
		want  int
	}{
		{"a hundred at a time", "", 100, 150},
		{"an uneven page", "", 7, 150},
		{"an exact multiple", "", 50, 150},
		{"searched past a hundred", "deal", 100, 150},
		{"searched, fewer", "ext-1", 10, 62}, // 1, 10–19, 100–150
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := pageThrough(t, tt.limit, func(limit, offset int) ([]*stagecraft.Deal, int, error) {
				return f.db.FindDeals(ctx, stagecraft.DealFilter{OrgID: f.org.ID, Query: tt.q, Limit: limit, Offset: offset})
			})
			if len(got) != tt.want {
				t.Fatalf("%d deals, want %d", len(got), tt.want)
			}
			seen := map[string]bool{}
			for i, d := range got {
				if seen[d.ID] || d.OrgID != f.org.ID {
					t.Fatalf("deal %s twice, or of another organisation", d.ID)
				}
				seen[d.ID] = true
				if i > 0 {
					p := got[i-1]
					if p.UpdatedAt.Before(d.UpdatedAt) || p.UpdatedAt.Equal(d.UpdatedAt) && p.ID > d.ID {
						t.Fatalf("deal %d out of order: %v %s after %v %s", i, d.UpdatedAt, d.ID, p.UpdatedAt, p.ID)
					}
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
