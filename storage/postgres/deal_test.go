package postgres_test

import (
	"context"
	"fmt"
	"slices"
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

func ptr[T any](v T) *T { return &v }
