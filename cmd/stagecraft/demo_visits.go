package main

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/share"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// demoShared is a demo asset reps share as links: its ids, and how long
// each of its pages is typically read.
type demoShared struct {
	file, title, assetID, versionID string
	reading                         []int
}

// demoSharer shares demo assets on the demo's deals and replays their
// recipients reading them, through the share service and the link store
// the viewer uses: links, link opens, and per-page beacons that start,
// join and credit visits. While it replays, those services read a clock
// that stands at the moment replayed, so the history lands on the days it
// happened and each session's credit is checked as the viewer's would be.
type demoSharer struct {
	share  *share.Service
	db     *postgres.DB
	rep    *stagecraft.User
	assets map[string]demoShared
	// limit is the real time of the demo's creation: nothing is replayed
	// after it.
	limit time.Time
	clock time.Time
	// rng is the sharer's own, so that sharing leaves the deals' random
	// sequence, and the scorecard's planted pattern, as they were.
	rng *rand.Rand

	links, visits, beacons int
}

func newDemoSharer(app *App, rep *stagecraft.User, shared []demoShared, now time.Time) *demoSharer {
	s := &demoSharer{share: app.Services.Share, db: app.DB, rep: rep, assets: map[string]demoShared{}, limit: now,
		rng: rand.New(rand.NewPCG(11, 13))} //nolint:gosec // G404: a fixed seed makes the demo's data the same on every machine; nothing here is secret
	for _, a := range shared {
		s.assets[a.file] = a
	}
	return s
}

func (s *demoSharer) now() time.Time { return s.clock }

// replaying runs fn with the database and the share service on the
// replay clock, and puts their clocks back after.
func (s *demoSharer) replaying(fn func() error) error {
	dbNow, shareNow := s.db.Now, s.share.Now
	s.db.Now, s.share.Now = s.now, s.now
	defer func() { s.db.Now, s.share.Now = dbNow, shareNow }()
	return fn()
}

// demoReader is a person at the prospect who opens links: by email when
// a link asks for one, else by the id their browser keeps.
type demoReader struct {
	email, browser string
	ua, family     string
	ipHash         string
}

var demoFirstNames = []string{"Dana", "Luis", "Mei", "Tom", "Aisha", "Jonas", "Priya", "Sam", "Elena", "Marcus", "Yuki", "Grace"}
var demoLastNames = []string{"Lee", "Garcia", "Chen", "Novak", "Okafor", "Berg", "Raman", "Walsh", "Rossi", "Bell", "Tanaka", "Kim"}

// demoAgents are the browsers prospects read on, in rough proportion:
// mostly desktop, some phones, a tablet.
var demoAgents = []struct{ ua, family string }{
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "Chrome"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15", "Safari"},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0", "Edge"},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36", "Chrome"},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari"},
	{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36", "Chrome"},
	{"Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", "Safari"},
}

func (s *demoSharer) reader(account string) demoReader {
	agent := demoAgents[6]
	switch n := s.rng.IntN(20); {
	case n < 14:
		agent = demoAgents[n%4]
	case n < 18:
		agent = demoAgents[4+n%2]
	}
	first, last := demoFirstNames[s.rng.IntN(len(demoFirstNames))], demoLastNames[s.rng.IntN(len(demoLastNames))]
	return demoReader{
		email:   strings.ToLower(first + "." + last + "@" + account + ".example"),
		browser: fmt.Sprintf("%016x%016x", s.rng.Uint64(), s.rng.Uint64()),
		ua:      agent.ua, family: agent.family,
		ipHash: fmt.Sprintf("%016x", s.rng.Uint64()),
	}
}

// shareOnDeal has the rep share file on the deal at time at, often but
// not always after presenting it, and its recipients read it over the
// next days: most links are opened, some several times, some forwarded.
func (s *demoSharer) shareOnDeal(ctx context.Context, file, dealID, account string, at time.Time) error {
	a, ok := s.assets[file]
	if !ok || s.rng.Float64() >= 0.6 || !at.Before(s.limit) {
		return nil
	}
	// Each link is replayed with a random source of its own, so that one
	// cut short at the present leaves the others as they were.
	outer := s.rng
	s.rng = rand.New(rand.NewPCG(outer.Uint64(), outer.Uint64())) //nolint:gosec // G404: seeded from the fixed seed above
	defer func() { s.rng = outer }()
	recipient := s.reader(account)
	gated := s.rng.Float64() < 0.4 // the link asks visitors for their email
	return s.replaying(func() error {
		s.clock = at
		l, err := s.share.CreateLink(ctx, s.rep, stagecraft.NewLink{AssetID: a.assetID, DealID: dealID,
			RecipientEmail: recipient.email, RequireEmail: gated})
		if err != nil {
			return fmt.Errorf("demo link to %s: %w", file, err)
		}
		s.links++
		sl, err := s.db.FindLinkByToken(ctx, l.Token)
		if err != nil {
			return fmt.Errorf("demo link to %s: %w", file, err)
		}
		// The history is in the past: alerts for it would all arrive
		// now, so its replay raises none.
		sl.Notify = false
		opens := 0
		switch u := s.rng.Float64(); {
		case u < 0.12:
		case u < 0.55:
			opens = 1
		case u < 0.82:
			opens = 2
		default:
			opens = 3
		}
		start, end := workHours(at.Add(time.Duration(1+s.rng.IntN(30))*time.Hour), s.rng), at.Add(66*time.Hour)
		for n := range opens {
			r, again := recipient, n > 0
			if n > 0 && s.rng.Float64() < 0.3 { // forwarded to a colleague
				r, again = s.reader(account), false
			}
			if !gated {
				r.email = ""
			}
			if start.After(end) || start.After(s.limit.Add(-10*time.Minute)) {
				break
			}
			if err := s.read(ctx, sl, a, r, start, again); err != nil {
				return err
			}
			start = workHours(s.clock.Add(time.Duration(6+s.rng.IntN(34))*time.Hour), s.rng)
		}
		return nil
	})
}

// workHours moves t into the working day, 8:00 to 19:00 UTC: prospects
// read collateral at work, not at three in the morning.
func workHours(t time.Time, rng *rand.Rand) time.Time {
	if h := t.Hour(); h < 8 || h >= 19 {
		day := t.Truncate(24 * time.Hour)
		if h >= 19 {
			day = day.Add(24 * time.Hour)
		}
		t = day.Add(8*time.Hour + time.Duration(rng.IntN(180))*time.Minute)
	}
	return t
}

// read replays one visit: the viewer page's open, its first beacon, then
// the seconds on each page read, in beacons of at most MaxBeaconSeconds,
// the clock moving on by the seconds reported.
func (s *demoSharer) read(ctx context.Context, sl *stagecraft.SharedLink, a demoShared, r demoReader, start time.Time, again bool) error {
	s.clock = start
	meta := map[string]any{"ua_family": r.family, "ip_hash": r.ipHash}
	if err := s.db.RecordLinkOpen(ctx, &stagecraft.LinkOpen{Link: &sl.Link, VersionID: a.versionID, At: start, Meta: meta}); err != nil {
		return fmt.Errorf("demo open of %s: %w", a.file, err)
	}
	session := fmt.Sprintf("s%015x%016x", s.rng.Uint64()>>4, s.rng.Uint64())
	beacon := func(page, seconds int) error {
		rd := &share.Reading{Time: stagecraft.LinkTime{LinkID: sl.ID, OrgID: sl.OrgID, SessionID: session, Page: page,
			Seconds: seconds, VersionID: a.versionID, PageCount: len(a.reading)},
			Email: r.email, UserAgent: r.ua, AssetTitle: a.title}
		if r.email == "" {
			rd.BrowserID = r.browser
		}
		if err := rd.Time.Validate(); err != nil {
			return err
		}
		s.beacons++
		_, err := s.share.RecordTime(ctx, sl, rd)
		return err
	}
	if err := beacon(1, 0); err != nil {
		return fmt.Errorf("demo visit of %s: %w", a.file, err)
	}
	s.visits++
	for _, page := range s.path(a.reading, again) {
		for left := s.dwell(a.reading[page-1]); left > 0; {
			n := min(left, stagecraft.MaxBeaconSeconds)
			s.clock = s.clock.Add(time.Duration(n) * time.Second)
			if err := beacon(page, n); err != nil {
				return fmt.Errorf("demo visit of %s: %w", a.file, err)
			}
			left -= n
		}
	}
	return nil
}

// path is the pages a visit reads, in order. A reading goes from the
// cover onwards and stops sooner or later, more readers leaving at each
// page; a few skim the start and jump to the page that matters most. Half
// the return visits go straight back to the page read longest; the others
// read from the start again, and stop sooner.
func (s *demoSharer) path(reading []int, again bool) []int {
	key := keyPages(reading)
	if again && s.rng.Float64() < 0.5 {
		return []int{1, key[0]}
	}
	pages := []int{1}
	for p := 2; p <= len(reading); p++ {
		if p == 3 && key[0] > 3 && s.rng.Float64() < 0.1 {
			p = key[0] // skipped ahead from page 2; the loop goes on from there
		}
		// Most readers of the cover go on; after that, each page loses
		// about one reader in eight (one in four on a return visit).
		stay := 0.88
		switch {
		case again:
			stay = 0.75
		case p == 2:
			stay = 0.94
		}
		if s.rng.Float64() >= stay {
			break
		}
		pages = append(pages, p)
	}
	return pages
}

// dwell is one reader's seconds on a page typically read for typical
// seconds: log-normal around it, and now and then a glance.
func (s *demoSharer) dwell(typical int) int {
	if s.rng.Float64() < 0.08 {
		return 2 + s.rng.IntN(4)
	}
	return max(2, min(400, int(math.Round(float64(typical)*math.Exp(0.45*s.rng.NormFloat64())))))
}

// keyPages returns the two pages read longest, longest first.
func keyPages(reading []int) [2]int {
	pages := make([]int, len(reading))
	for i := range pages {
		pages[i] = i + 1
	}
	slices.SortStableFunc(pages, func(a, b int) int { return reading[b-1] - reading[a-1] })
	if len(pages) < 2 {
		return [2]int{1, 1}
	}
	return [2]int{pages[0], pages[1]}
}
