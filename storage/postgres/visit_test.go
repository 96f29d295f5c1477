package postgres_test

import (
	"context"
	"testing"

	"github.com/stagecraft/stagecraft"
)

// insertVisits inserts n visits of a link, started in fours at the same
// microsecond, so that pages end between visits of equal start times.
func insertVisits(t *testing.T, f *fixture, l *stagecraft.Link, n int) {
	t.Helper()
	_, err := f.db.Pool.Exec(context.Background(), `
		INSERT INTO link_visits (id, org_id, link_id, asset_id, visitor_key, started_at, last_seen_at, device)
		SELECT gen_random_uuid(), $1, $2, $3, 'visitor-' || i,
		       '2030-01-01T00:00:00.000001Z'::timestamptz + ((i - 1) / 4) * interval '1.000001 second',
		       '2030-01-02T00:00:00Z', 'desktop'
		FROM generate_series(1, $4::int) i`, f.org.ID, l.ID, l.AssetID, n)
	if err != nil {
		t.Fatal(err)
	}
}

// visitPages reads visits by cursor, f.Limit at a time, and returns them
// and the number of pages read.
func visitPages(t *testing.T, db stagecraft.LinkService, f stagecraft.VisitFilter) ([]*stagecraft.Visit, int) {
	t.Helper()
	var all []*stagecraft.Visit
	for pages := 1; ; pages++ {
		visits, next, err := db.FindVisits(context.Background(), f)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		if len(visits) > f.Limit || next != "" && len(visits) < f.Limit {
			t.Fatalf("page %d: %d visits (limit %d), next %q", pages, len(visits), f.Limit, next)
		}
		all = append(all, visits...)
		if next == "" {
			return all, pages
		}
		if pages > 1000 {
			t.Fatal("the cursor does not advance")
		}
		f.Cursor = next
	}
}

// TestFindVisitsPages: visits page by cursor past a hundred, each once,
// newest first (ties by id); the last page has no next cursor, also when
// it is full, and no page is empty but the only one.
func TestFindVisitsPages(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	a := createAsset(t, f, f.marketer, nil)
	deal := insertDealFor(t, f, "discovery")
	l1 := newTestLink(t, f, a, &deal, "visits-1")
	l2 := newTestLink(t, f, a, &deal, "visits-2")
	l3 := newTestLink(t, f, a, nil, "visits-3")
	quiet := newTestLink(t, f, a, &deal, "visits-4")
	insertVisits(t, f, l1, 150)
	insertVisits(t, f, l2, 50)
	insertVisits(t, f, l3, 7)
	otherAsset := createAsset(t, other, other.marketer, nil)
	otherLink := newTestLink(t, other, otherAsset, nil, "visits-o")
	insertVisits(t, other, otherLink, 120)

	tests := []struct {
		name          string
		f             stagecraft.VisitFilter
		visits, pages int
	}{
		{"a link, a hundred at a time", stagecraft.VisitFilter{LinkID: l1.ID, Limit: 100}, 150, 2},
		{"a link, in pages of 7", stagecraft.VisitFilter{LinkID: l1.ID, Limit: 7}, 150, 22},
		{"a link, an exact multiple", stagecraft.VisitFilter{LinkID: l1.ID, Limit: 50}, 150, 3},
		{"a link, one at a time", stagecraft.VisitFilter{LinkID: l3.ID, Limit: 1}, 7, 7},
		{"a deal, an exact multiple of a hundred", stagecraft.VisitFilter{DealID: deal, Limit: 100}, 200, 2},
		{"a deal, in pages of 30", stagecraft.VisitFilter{DealID: deal, Limit: 30}, 200, 7},
		{"a link without visits", stagecraft.VisitFilter{LinkID: quiet.ID, Limit: 100}, 0, 1},
		{"another organisation's link", stagecraft.VisitFilter{LinkID: otherLink.ID, Limit: 100}, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.f.OrgID = f.org.ID
			visits, pages := visitPages(t, f.db, tt.f)
			if len(visits) != tt.visits || pages != tt.pages {
				t.Fatalf("%d visits in %d pages, want %d in %d", len(visits), pages, tt.visits, tt.pages)
			}
			seen := map[string]bool{}
			for i, v := range visits {
				if seen[v.ID] || v.OrgID != f.org.ID {
					t.Fatalf("visit %s twice, or of another organisation", v.ID)
				}
				seen[v.ID] = true
				if i > 0 {
					p := visits[i-1]
					if p.StartedAt.Before(v.StartedAt) || p.StartedAt.Equal(v.StartedAt) && p.ID < v.ID {
						t.Fatalf("visit %d out of order: %v %s after %v %s", i, v.StartedAt, v.ID, p.StartedAt, p.ID)
					}
				}
			}
		})
	}

	_, _, err := f.db.FindVisits(context.Background(), stagecraft.VisitFilter{OrgID: f.org.ID, LinkID: l1.ID, Limit: 10, Cursor: "garbage"})
	mustCode(t, err, stagecraft.EINVALID)
}
