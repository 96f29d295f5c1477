package api_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// stepClock is a clock that tests move on by hand.
type stepClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *stepClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *stepClock) advance(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// withDBClock makes the database's clock, the one viewing time is
// credited by, clock.
func withDBClock(clock *stepClock) envOption {
	return withDB(func(t testing.TB) *postgres.DB {
		db := testdb.New(t)
		db.Now = clock.now
		return db
	})
}

// TestViewerBeaconBurst: a viewer that sends an hour of beacons at once
// is credited with the time that has passed, not the time it claims.
func TestViewerBeaconBurst(t *testing.T) {
	clock := &stepClock{t: time.Now()}
	e := newEnv(t, withDBClock(clock))
	a := e.createAsset(e.marketerTok, "deck.pdf", tinyPDF("Deck"))
	l := e.share(e.repTok, map[string]any{"asset_id": a.ID})
	for page := range 50 {
		e.json(e.beacon(l.Token, map[string]any{"session_id": "sess_burst-1", "page": 1 + page%5, "seconds": 60}),
			http.StatusNoContent, nil)
	}
	if got := e.links(e.repTok, "").Items[0].SecondsViewed; got != 60 {
		t.Errorf("after 50 beacons of 60 s at once: seconds_viewed = %d, want 60", got)
	}
	clock.advance(10 * time.Second)
	e.json(e.beacon(l.Token, map[string]any{"session_id": "sess_burst-1", "page": 1, "seconds": 10}), http.StatusNoContent, nil)
	if got := e.links(e.repTok, "").Items[0].SecondsViewed; got != 70 {
		t.Errorf("10 s later: seconds_viewed = %d, want 70", got)
	}
}

// TestViewerFileSandboxed: the file a link shows inline may run nothing
// when opened on its own, and only the viewer page may frame it; the
// page still embeds it.
func TestViewerFileSandboxed(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, filename string
		body           []byte
		embed          string // how the page shows the file
	}{
		{"pdf", "pricing.pdf", tinyPDF("Pricing"), `<object id="doc" class="doc" data-page="1" data="%s/view" type="application/pdf"`},
		{"image", "logo.png", tinyPNG, `<img id="doc" data-page="1" src="%s/view"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			a := e.createAsset(e.marketerTok, tt.filename, tt.body)
			l := e.share(e.repTok, map[string]any{"asset_id": a.ID})

			resp := e.visit("GET", "/l/"+l.Token+"/file", nil)
			if got := e.page(resp, http.StatusOK); got != string(tt.body) {
				t.Errorf("file = %d bytes, want %d", len(got), len(tt.body))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "style-src 'unsafe-inline'", "sandbox", "frame-ancestors 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("file Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if xfo := resp.Header.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
				t.Errorf("X-Frame-Options = %q", xfo)
			}

			resp = e.visit("GET", "/l/"+l.Token, nil)
			body := e.page(resp, http.StatusOK)
			if want := strings.Replace(tt.embed, "%s", l.Token, 1); !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
			page := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"object-src 'self'", "frame-src 'self'", "img-src 'self'"} {
				if !strings.Contains(page, want) {
					t.Errorf("page Content-Security-Policy %q lacks %q", page, want)
				}
			}
		})
	}
}
