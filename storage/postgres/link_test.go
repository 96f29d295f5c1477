package postgres_test

import (
	"context"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// insertDealFor inserts a deal of f's organisation.
func insertDealFor(t *testing.T, f *fixture, stage string) string {
	t.Helper()
	var id string
	err := f.db.Pool.QueryRow(context.Background(), `INSERT INTO deals (org_id, external_id, stage, owner_id)
		VALUES ($1, $2, $3, $4) RETURNING id`, f.org.ID, "D-"+stage, stage, f.rep.ID).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func newTestLink(t *testing.T, f *fixture, a *stagecraft.Asset, dealID *string, token string) *stagecraft.Link {
	t.Helper()
	l := &stagecraft.Link{OrgID: f.org.ID, AssetID: a.ID, DealID: dealID, SharerID: f.rep.ID,
		Token: token + strings.Repeat("x", stagecraft.LinkTokenLen-len(token))}
	if err := f.db.CreateLink(context.Background(), l, a.CurrentVersion.ID); err != nil {
		t.Fatalf("create link: %v", err)
	}
	return l
}

func TestLinkLifecycle(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.marketer, nil)
	deal := insertDealFor(t, f, "discovery")
	l := newTestLink(t, f, a, &deal, "lifecycle")
	if l.ID == "" || l.CreatedAt.IsZero() {
		t.Fatalf("link = %+v", l)
	}

	// The deal moves on; opens keep the stage at the time.
	if _, err := f.db.Pool.Exec(ctx, `UPDATE deals SET stage = 'proposal' WHERE id = $1`, deal); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.FindLinkByToken(ctx, l.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != l.ID || got.OrgID != f.org.ID || got.OrgName != "Acme" || got.SharerName != "rep" || *got.DealID != deal {
		t.Errorf("by token = %+v", got)
	}
	for _, bot := range []bool{false, true, false} {
		err := f.db.RecordLinkOpen(ctx, &stagecraft.LinkOpen{Link: &got.Link, VersionID: a.CurrentVersion.ID,
			At: time.Now(), Bot: bot, Meta: map[string]any{"ua_family": "Chrome"}})
		if err != nil {
			t.Fatal(err)
		}
	}
	var stages []string
	rows, err := f.db.Pool.Query(ctx, `SELECT type || ':' || stage_at_event FROM usage_events WHERE link_id = $1 ORDER BY occurred_at`, l.ID)
	if err != nil {
		t.Fatal(err)
	}
	stages, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(stages, ",") != "share:discovery,link_open:proposal,link_open:proposal,link_open:proposal" {
		t.Errorf("events = %v", stages)
	}

	// Beacons 10 s apart: each is credited in full.
	beacons, base := 0, time.Now().Add(-time.Hour)
	f.db.Now = func() time.Time { return base.Add(time.Duration(beacons) * 10 * time.Second) }
	for _, lt := range []stagecraft.LinkTime{
		{SessionID: "session-1", Page: 1, Seconds: 10}, {SessionID: "session-1", Page: 1, Seconds: 7},
		{SessionID: "session-2", Page: 3, Seconds: 60},
	} {
		beacons++
		lt.LinkID, lt.OrgID = l.ID, f.org.ID
		if err := addLinkTime(ctx, f.db, &lt); err != nil {
			t.Fatal(err)
		}
	}
	f.db.Now = time.Now
	links, total, err := f.db.FindLinks(ctx, stagecraft.LinkFilter{OrgID: f.org.ID, DealID: deal})
	if err != nil || total != 1 || len(links) != 1 {
		t.Fatalf("find = %v, %d, %v", links, total, err)
	}
	if links[0].Opens != 2 || links[0].LastOpenedAt == nil || links[0].SecondsViewed != 77 {
		t.Errorf("link = %+v", links[0])
	}

	// Another organisation sees and touches nothing.
	other := addOrg(t, f.db, "Other")
	if links, total, err := f.db.FindLinks(ctx, stagecraft.LinkFilter{OrgID: other.org.ID}); err != nil || total != 0 || len(links) != 0 {
		t.Errorf("other org finds %v, %d, %v", links, total, err)
	}
	mustCode(t, f.db.RevokeLink(ctx, other.org.ID, l.ID, ""), stagecraft.ENOTFOUND)
	mustCode(t, addLinkTime(ctx, f.db, &stagecraft.LinkTime{LinkID: l.ID, OrgID: other.org.ID, SessionID: "session-x", Page: 1, Seconds: 5}),
		stagecraft.ENOTFOUND)
	mustCode(t, f.db.RecordLinkOpen(ctx, &stagecraft.LinkOpen{Link: &stagecraft.Link{ID: l.ID, OrgID: other.org.ID}}),
		stagecraft.ENOTFOUND)
	otherAsset := createAsset(t, other, other.marketer, nil)
	mustCode(t, f.db.CreateLink(ctx, &stagecraft.Link{OrgID: f.org.ID, AssetID: otherAsset.ID, SharerID: f.rep.ID,
		Token: strings.Repeat("o", 43)}, otherAsset.CurrentVersion.ID), stagecraft.ENOTFOUND)
	otherDeal := insertDealFor(t, other, "discovery")
	mustCode(t, f.db.CreateLink(ctx, &stagecraft.Link{OrgID: f.org.ID, AssetID: a.ID, DealID: &otherDeal, SharerID: f.rep.ID,
		Token: strings.Repeat("p", 43)}, a.CurrentVersion.ID), stagecraft.ENOTFOUND)

	// Revoking: only the sharer when one is named; the first time stays.
	mustCode(t, f.db.RevokeLink(ctx, f.org.ID, l.ID, f.marketer.ID), stagecraft.ENOTFOUND)
	if err := f.db.RevokeLink(ctx, f.org.ID, l.ID, f.rep.ID); err != nil {
		t.Fatal(err)
	}
	first, _ := f.db.FindLinkByToken(ctx, l.Token)
	if err := f.db.RevokeLink(ctx, f.org.ID, l.ID, ""); err != nil {
		t.Fatal(err)
	}
	second, _ := f.db.FindLinkByToken(ctx, l.Token)
	if first.RevokedAt == nil || !second.RevokedAt.Equal(*first.RevokedAt) {
		t.Errorf("revoked_at %v then %v", first.RevokedAt, second.RevokedAt)
	}
	if gone, msg := second.Gone(time.Now()); !gone || msg == "" {
		t.Errorf("revoked link not gone: %v %q", gone, msg)
	}

	_, err = f.db.FindLinkByToken(ctx, strings.Repeat("z", 43))
	mustCode(t, err, stagecraft.ENOTFOUND)
	_, err = f.db.FindLinkByToken(ctx, "short")
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestLinkTimeSaturates(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.marketer, nil)
	l := newTestLink(t, f, a, nil, "saturate")
	if _, err := f.db.Pool.Exec(ctx, `INSERT INTO link_page_time (link_id, org_id, session_id, page, seconds)
		VALUES ($1, $2, 'session-1', 1, 2147483640)`, l.ID, f.org.ID); err != nil {
		t.Fatal(err)
	}
	if err := addLinkTime(ctx, f.db, &stagecraft.LinkTime{LinkID: l.ID, OrgID: f.org.ID, SessionID: "session-1", Page: 1, Seconds: 60}); err != nil {
		t.Fatalf("add past the integer range: %v", err)
	}
}

// TestBeaconCreditBoundedByElapsedTime: a viewing session is credited no
// more seconds than have passed since it began, over all its pages,
// however many beacons claim them.
func TestBeaconCreditBoundedByElapsedTime(t *testing.T) {
	type beacon struct {
		at            time.Duration // since the first beacon
		page, seconds int
	}
	repeat := func(n int, b beacon) []beacon {
		bs := make([]beacon, n)
		for i := range bs {
			bs[i] = b
		}
		return bs
	}
	every10s := func(n, page int) []beacon {
		var bs []beacon
		for i := range n {
			bs = append(bs, beacon{at: time.Duration(i) * 10 * time.Second, page: page, seconds: 10})
		}
		return bs
	}
	tests := []struct {
		name    string
		beacons []beacon
		want    map[int]int // page → seconds credited
	}{
		// The first beacon's own claim is believed: the session began
		// that long before it arrived.
		{"burst of an hour at once", repeat(60, beacon{0, 1, 60}), map[int]int{1: 60}},
		{"burst after a minute", append([]beacon{{0, 1, 60}}, repeat(60, beacon{time.Minute, 1, 60})...), map[int]int{1: 120}},
		{"honest beacons every 10 s", every10s(30, 1), map[int]int{1: 300}},
		{"two pages for the same 10 s", []beacon{{0, 1, 10}, {0, 2, 10}, {10 * time.Second, 2, 10}}, map[int]int{1: 10, 2: 10}},
		{"more than elapsed, then honest", []beacon{{0, 1, 10}, {5 * time.Second, 1, 60}, {20 * time.Second, 1, 10}},
			map[int]int{1: 25}},
		{"clock going back", []beacon{{time.Minute, 1, 30}, {0, 1, 30}}, map[int]int{1: 30}},
	}
	f := newFixture(t)
	a := createAsset(t, f, f.marketer, nil)
	l := newTestLink(t, f, a, nil, "elapsed")
	start := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	var now time.Time
	f.db.Now = func() time.Time { return now }
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			session := fmt.Sprintf("session-%d", i)
			for _, b := range tt.beacons {
				now = start.Add(b.at)
				err := addLinkTime(context.Background(), f.db, &stagecraft.LinkTime{LinkID: l.ID, OrgID: f.org.ID,
					SessionID: session, Page: b.page, Seconds: b.seconds})
				if err != nil {
					t.Fatal(err)
				}
			}
			if got := pageSeconds(t, f, l.ID, session); !maps.Equal(got, tt.want) {
				t.Errorf("credited %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBeaconCreditConcurrent sends a session's beacons all at once, from
// many connections: together they get no more than one beacon's worth.
func TestBeaconCreditConcurrent(t *testing.T) {
	f := newFixture(t)
	a := createAsset(t, f, f.marketer, nil)
	l := newTestLink(t, f, a, nil, "concurrent")
	now := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC)
	f.db.Now = func() time.Time { return now }
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- addLinkTime(context.Background(), f.db, &stagecraft.LinkTime{LinkID: l.ID, OrgID: f.org.ID,
				SessionID: "session-1", Page: 1 + i%3, Seconds: 60})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for _, s := range pageSeconds(t, f, l.ID, "session-1") {
		total += s
	}
	if total != 60 {
		t.Errorf("40 concurrent beacons of 60 s credited %d s, want 60", total)
	}
}

// pageSeconds returns the seconds credited to a session, by page.
func pageSeconds(t *testing.T, f *fixture, linkID, session string) map[int]int {
	t.Helper()
	rows, err := f.db.Pool.Query(context.Background(), `SELECT page, seconds FROM link_page_time
		WHERE link_id = $1 AND session_id = $2 AND seconds > 0`, linkID, session)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]int{}
	for rows.Next() {
		var page, seconds int
		if err := rows.Scan(&page, &seconds); err != nil {
			t.Fatal(err)
		}
		got[page] = seconds
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return got
}

// addLinkTime credits a beacon, for tests about the credit alone.
func addLinkTime(ctx context.Context, db stagecraft.LinkService, lt *stagecraft.LinkTime) error {
	_, err := db.AddLinkTime(ctx, lt)
	return err
}
