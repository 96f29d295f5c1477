package postgres_test

import (
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// windowEvent is one usage event of the asset under test.
type windowEvent struct {
	at   time.Time
	user *stagecraft.User
	typ  string
	bot  bool
}

// TestScorecardWindowUsage checks the usage numbers of a time window
// [from, to) that starts and ends within a day: people counted once
// however often they used the asset inside the window, never for uses
// around it only; bots, link opens and events without a person are not
// people; another organisation's events never count; a use exactly at
// from is inside, one exactly at to is not.
func TestScorecardWindowUsage(t *testing.T) {
	f := newAnalyticsFixture(t)
	other := addOrg(t, f.db, "Other")
	ctx := context.Background()
	from := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	to := time.Date(2026, 1, 20, 15, 30, 0, 0, time.UTC)
	hour := time.Hour
	day := 24 * hour
	type want struct {
		users, uses, opens int
		last               *time.Time
	}
	at := func(t time.Time) *time.Time { return &t }
	cases := []struct {
		name   string
		events []windowEvent
		want   want
		// allTimeUsers is the number of people without a window.
		allTimeUsers int
	}{
		{name: "before and after the window, not inside",
			events: []windowEvent{{at: from.Add(-hour)}, {at: from.Add(-3 * day)}, {at: to.Add(hour)}, {at: to.Add(4 * day)}},
			want:   want{}, allTimeUsers: 1},
		{name: "inside, many times: one person",
			events: []windowEvent{{at: from.Add(hour)}, {at: from.Add(2 * day)}, {at: from.Add(2*day + hour)}, {at: to.Add(-hour)}},
			want:   want{users: 1, uses: 4, last: at(to.Add(-hour))}, allTimeUsers: 1},
		{name: "last use is the last inside the window",
			events: []windowEvent{{at: from.Add(3 * day)}, {at: to.Add(2 * hour)}, {at: to.Add(5 * day)}},
			want:   want{users: 1, uses: 1, last: at(from.Add(3 * day))}, allTimeUsers: 1},
		{name: "two people, one also outside",
			events: []windowEvent{{at: from.Add(day)}, {at: from.Add(-day)}, {at: from.Add(5 * day), user: f.marketer}},
			want:   want{users: 2, uses: 2, last: at(from.Add(5 * day))}, allTimeUsers: 2},
		{name: "bot events and link opens",
			events: []windowEvent{{at: from.Add(day), bot: true}, {at: from.Add(day), typ: "link_open"},
				{at: from.Add(2 * day), user: f.marketer, typ: "link_open"}, {at: from.Add(3 * day), user: f.marketer, typ: "download", bot: true}},
			want: want{opens: 2}, allTimeUsers: 0},
		{name: "use without a person",
			events: []windowEvent{{at: from.Add(day), user: &stagecraft.User{}}},
			want:   want{uses: 1}, allTimeUsers: 0},
		{name: "use exactly at from counts",
			events: []windowEvent{{at: from}},
			want:   want{users: 1, uses: 1, last: at(from)}, allTimeUsers: 1},
		{name: "use exactly at to does not",
			events: []windowEvent{{at: to}},
			want:   want{}, allTimeUsers: 1},
		{name: "partial days at both ends",
			events: []windowEvent{{at: from.Add(-9 * hour)}, {at: from.Add(14*hour + 59*time.Minute)},
				{at: to.Truncate(day)}, {at: to.Add(-time.Nanosecond * 1000), user: f.marketer}, {at: to.Add(8*hour + 29*time.Minute), user: f.admin}},
			want: want{users: 2, uses: 3, last: at(to.Add(-time.Microsecond))}, allTimeUsers: 3},
	}
	record := func(org *fixture, a *stagecraft.Asset, e windowEvent) {
		t.Helper()
		user, typ := org.rep, "view"
		if e.user != nil {
			user = e.user
		}
		if e.typ != "" {
			typ = e.typ
		}
		var userID *string
		if user.ID != "" {
			userID = &user.ID
		}
		_, err := f.db.Pool.Exec(ctx, `
			INSERT INTO usage_events (id, org_id, type, asset_id, user_id, occurred_at, bot)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			uuid.NewString(), org.org.ID, typ, a.ID, userID, e.at, e.bot)
		must(t, err)
	}
	assets := map[string]*stagecraft.Asset{}
	for _, c := range cases {
		a := createAsset(t, f.fixture, f.marketer, func(a *stagecraft.Asset) { a.Title = c.name })
		assets[a.ID] = a
		for _, e := range c.events {
			record(f.fixture, a, e)
		}
	}
	// Another organisation's people use its own asset in the window, on
	// the same days as ours.
	theirAsset := createAsset(t, other, other.marketer, func(a *stagecraft.Asset) { a.Title = "Theirs" })
	for _, e := range []windowEvent{{at: from}, {at: from.Add(day), user: other.marketer}, {at: to.Add(-hour), user: other.admin}} {
		record(other, theirAsset, e)
	}
	window := stagecraft.AnalyticsFilter{OrgID: f.org.ID, From: &from, To: &to}
	_, scores, err := f.db.Scorecard(ctx, window)
	must(t, err)
	_, allTime, err := f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: f.org.ID})
	must(t, err)
	byTitle := func(scores []*stagecraft.AssetScore) map[string]*stagecraft.AssetScore {
		m := map[string]*stagecraft.AssetScore{}
		for _, s := range scores {
			m[s.Title] = s
		}
		return m
	}
	got, gotAll := byTitle(scores), byTitle(allTime)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := got[c.name]
			if s == nil {
				t.Fatal("no scorecard row")
			}
			lastOK := (s.LastUsedAt == nil) == (c.want.last == nil) && (c.want.last == nil || s.LastUsedAt.Equal(*c.want.last))
			if s.UniqueUsers != c.want.users || s.Uses != c.want.uses || s.LinkOpens != c.want.opens || !lastOK {
				t.Errorf("window: users %d uses %d opens %d last %v; want %d %d %d %v",
					s.UniqueUsers, s.Uses, s.LinkOpens, s.LastUsedAt, c.want.users, c.want.uses, c.want.opens, c.want.last)
			}
			if n := gotAll[c.name].UniqueUsers; n != c.allTimeUsers {
				t.Errorf("all time: users %d, want %d", n, c.allTimeUsers)
			}
			d, err := f.db.AssetDetail(ctx, window, s.AssetID)
			must(t, err)
			if d.UniqueUsers != s.UniqueUsers || d.Uses != s.Uses || d.LinkOpens != s.LinkOpens || !ptrTimeEqual(d.LastUsedAt, s.LastUsedAt) {
				t.Errorf("detail: users %d uses %d opens %d last %v; scorecard %d %d %d %v",
					d.UniqueUsers, d.Uses, d.LinkOpens, d.LastUsedAt, s.UniqueUsers, s.Uses, s.LinkOpens, s.LastUsedAt)
			}
		})
	}
	// The other organisation sees its own events, and only those.
	_, theirs, err := f.db.Scorecard(ctx, stagecraft.AnalyticsFilter{OrgID: other.org.ID, From: &from, To: &to})
	must(t, err)
	for _, s := range theirs {
		if assets[s.AssetID] != nil {
			t.Errorf("the other organisation's scorecard lists %q", s.Title)
		}
	}
	if len(theirs) != 1 || theirs[0].UniqueUsers != 3 || theirs[0].Uses != 3 {
		t.Errorf("the other organisation's scorecard: %+v, want its one asset with 3 people and 3 uses", theirs)
	}
	for _, s := range scores {
		if s.AssetID == theirAsset.ID {
			t.Errorf("the scorecard lists the other organisation's asset")
		}
	}
}

func ptrTimeEqual(a, b *time.Time) bool {
	return (a == nil) == (b == nil) && (a == nil || a.Equal(*b))
}

// TestRollupBackfillAssetUserDays checks that the migration's backfill builds
// the same per-day rows from usage_events as the trigger kept at ingest.
func TestRollupBackfillAssetUserDays(t *testing.T) {
	o := newRandomOrg(t, 11, 60, 5)
	o.uses(800)
	o.uses(300) // a second batch adds to the rows of the first
	ctx := context.Background()
	const rows = `SELECT org_id, day, asset_id, user_id, uses, last_used_at FROM asset_user_days`
	snapshot := func() map[string]bool {
		t.Helper()
		r, err := o.db.Pool.Query(ctx, `SELECT (x.*)::text FROM (`+rows+`) x`)
		must(t, err)
		set, err := pgx.CollectRows(r, pgx.RowTo[string])
		must(t, err)
		m := map[string]bool{}
		for _, s := range set {
			m[s] = true
		}
		return m
	}
	kept := snapshot()
	if len(kept) == 0 {
		t.Fatal("the trigger kept no rows; the data set tests nothing")
	}
	sql, err := postgres.MigrationSQL("0013_asset_user_days.up.sql")
	must(t, err)
	i := strings.Index(sql, "INSERT INTO asset_user_days (org_id, day, asset_id, user_id, uses, last_used_at)\nSELECT")
	if i < 0 {
		t.Fatal("0013_asset_user_days.up.sql has no backfill statement")
	}
	_, err = o.db.Pool.Exec(ctx, `DELETE FROM asset_user_days`)
	must(t, err)
	_, err = o.db.Pool.Exec(ctx, sql[i:])
	must(t, err)
	built := snapshot()
	if !maps.Equal(kept, built) {
		t.Errorf("backfill built %d rows, the trigger kept %d, and they differ", len(built), len(kept))
	}
}
