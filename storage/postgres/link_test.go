package postgres_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
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

// TestFindLinksSearch: the search matches words of the asset's title, the
// recipient's email and the deal's name, literally and ignoring case,
// within the organisation (the other one has links of the same titles)
// and the sharer when one is named.
func TestFindLinksSearch(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	titles := map[string]string{} // asset id → title
	for i, name := range hostileNames {
		for _, o := range []*fixture{f, other} {
			a := createAsset(t, o, o.marketer, func(a *stagecraft.Asset) { a.Title = name })
			titles[a.ID] = name
			l := &stagecraft.Link{OrgID: o.org.ID, AssetID: a.ID, SharerID: o.rep.ID,
				RecipientEmail: ptr(fmt.Sprintf("r%d@buyer.example", i)), Token: fmt.Sprintf("%s%035d", o.org.ID[:8], i)}
			if i%2 == 0 {
				var deal string
				must(t, o.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, name, stage)
					VALUES ($1, $2, $3, 'discovery') RETURNING id`, o.org.ID, fmt.Sprintf("D-%d", i),
					fmt.Sprintf("Opportunity %d", i)).Scan(&deal))
				l.DealID = &deal
			} else {
				l.SharerID = o.marketer.ID
			}
			if err := o.db.CreateLink(ctx, l, a.CurrentVersion.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	type test struct {
		name string
		f    stagecraft.LinkFilter
		want []string
	}
	tests := []test{
		{"recipient", stagecraft.LinkFilter{Query: "R3@BUYER"}, []string{"snakeXcase"}},
		{"deal", stagecraft.LinkFilter{Query: "opportunity"}, []string{"100% Pure", "snake_case", `back\slash`, `O'Brien "Bob"`, "日本語 名前"}},
		{"title and deal", stagecraft.LinkFilter{Query: "pure opportunity"}, []string{"100% Pure"}},
		{"title and recipient", stagecraft.LinkFilter{Query: "pure r1@"}, []string{"1000 Pure"}},
		{"the sharer's", stagecraft.LinkFilter{Query: "pure", SharerID: f.rep.ID}, []string{"100% Pure"}},
		{"another sharer's", stagecraft.LinkFilter{Query: "opportunity", SharerID: f.marketer.ID}, nil},
		{"paged", stagecraft.LinkFilter{Query: "opportunity", Limit: 2, Offset: 4}, []string{"100% Pure"}},
	}
	for _, h := range hostileQueries {
		tests = append(tests, test{"search " + h.q, stagecraft.LinkFilter{Query: h.q}, h.want})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.OrgID = f.org.ID
			links, total, err := f.db.FindLinks(ctx, tt.f)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range links {
				got = append(got, titles[l.AssetID])
				if l.OrgID != f.org.ID {
					t.Errorf("link %s of another organisation", l.ID)
				}
			}
			// Links come newest first, in the order made: compare as sets.
			want := slices.Clone(tt.want)
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("links = %q, want %q", got, want)
			}
			if tt.f.Limit == 0 && total != len(tt.want) {
				t.Errorf("total %d, want %d", total, len(tt.want))
			}
		})
	}
	_, _, err := f.db.FindLinks(ctx, stagecraft.LinkFilter{OrgID: f.org.ID, Query: strings.Repeat("x", stagecraft.MaxListQueryLength+1)})
	mustCode(t, err, stagecraft.EINVALID)
}

// TestFindLinksPages: past a hundred links, pages of any size read each
// link exactly once, newest first, ties broken by id, each with its own
// counts.
func TestFindLinksPages(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	for _, o := range []*fixture{f, other} {
		a := createAsset(t, o, o.marketer, nil)
		// Links made in threes at the same moment; link n's recipient is
		// rn@buyer.example.
		_, err := o.db.Pool.Exec(ctx, `
			INSERT INTO share_links (org_id, asset_id, sharer_id, recipient_email, token, created_at)
			SELECT $1, $2, $3, format('r%s@buyer.example', i), rpad(md5($4 || i), 43, 'x'),
			       '2030-01-01T00:00:00Z'::timestamptz + ((i - 1) / 3) * interval '1 minute'
			FROM generate_series(1, 110) i`, o.org.ID, a.ID, o.rep.ID, o.org.ID)
		must(t, err)
	}
	// Link n is opened n % 4 times.
	rows, err := f.db.Pool.Query(ctx, `SELECT id, recipient_email FROM share_links WHERE org_id = $1`, f.org.ID)
	must(t, err)
	opens := map[string]int{}
	recipients, err := pgx.CollectRows(rows, pgx.RowToStructByPos[struct{ ID, Email string }])
	must(t, err)
	for _, r := range recipients {
		var n int
		_, _ = fmt.Sscanf(r.Email, "r%d@", &n)
		opens[r.ID] = n % 4
		for range n % 4 {
			must(t, f.db.RecordLinkOpen(ctx, &stagecraft.LinkOpen{Link: &stagecraft.Link{ID: r.ID, OrgID: f.org.ID}, At: time.Now()}))
		}
	}
	for _, tt := range []struct {
		name  string
		f     stagecraft.LinkFilter
		limit int
		want  int
	}{
		{"a hundred at a time", stagecraft.LinkFilter{}, 100, 110},
		{"an uneven page", stagecraft.LinkFilter{}, 9, 110},
		{"an exact multiple", stagecraft.LinkFilter{}, 55, 110},
		{"the sharer's", stagecraft.LinkFilter{SharerID: f.rep.ID}, 100, 110},
		{"searched", stagecraft.LinkFilter{Query: "buyer.example"}, 100, 110},
		{"searched, fewer", stagecraft.LinkFilter{Query: "r1"}, 5, 22}, // 1, 10–19, 100–109, 110
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := pageThrough(t, tt.limit, func(limit, offset int) ([]*stagecraft.Link, int, error) {
				lf := tt.f
				lf.OrgID, lf.Limit, lf.Offset = f.org.ID, limit, offset
				return f.db.FindLinks(ctx, lf)
			})
			if len(got) != tt.want {
				t.Fatalf("%d links, want %d", len(got), tt.want)
			}
			seen := map[string]bool{}
			for i, l := range got {
				if seen[l.ID] || l.OrgID != f.org.ID {
					t.Fatalf("link %s twice, or of another organisation", l.ID)
				}
				seen[l.ID] = true
				if l.Opens != opens[l.ID] {
					t.Errorf("link %s (%s): %d opens, want %d", l.ID, str(l.RecipientEmail), l.Opens, opens[l.ID])
				}
				if i > 0 {
					p := got[i-1]
					if p.CreatedAt.Before(l.CreatedAt) || p.CreatedAt.Equal(l.CreatedAt) && p.ID > l.ID {
						t.Fatalf("link %d out of order", i)
					}
				}
			}
		})
	}
	links, total, err := f.db.FindLinks(ctx, stagecraft.LinkFilter{OrgID: f.org.ID, Query: "r1", Limit: 10, Offset: 40})
	if err != nil || len(links) != 0 || total != 22 {
		t.Errorf("past the end: %d links, total %d, %v; want none of 22", len(links), total, err)
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
