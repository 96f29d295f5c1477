package main

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/library"
)

// TestDemoAssets makes every demo asset and reads it back the way the
// indexer will: the sniffed type, the page count (the length of the
// asset's reading profile), the title, and text on every page, with the
// cover's title on the first.
func TestDemoAssets(t *testing.T) {
	date := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	x := extract.New(extract.DefaultLimits())
	decks := 0
	for _, d := range demoAssets {
		t.Run(d.filename, func(t *testing.T) {
			body, err := d.body(date)
			if err != nil {
				t.Fatal(err)
			}
			typ := library.Detect(body[:min(len(body), library.SniffLen)], d.filename)
			if d.reading == nil {
				if !strings.HasPrefix(typ, "text/") {
					t.Errorf("%s sniffed as %s", d.filename, typ)
				}
				return
			}
			if strings.HasSuffix(d.filename, ".pptx") {
				decks++
			}
			if len(d.reading) < 4 || len(d.reading) > 10 {
				t.Errorf("%d pages; the demo's documents have 4 to 10", len(d.reading))
			}
			if typ == "application/pdf" && !x.HasPDFTools() {
				t.Skip("pdftotext not installed (poppler-utils)")
			}
			path := filepath.Join(t.TempDir(), d.filename)
			if err := os.WriteFile(path, body, 0o600); err != nil {
				t.Fatal(err)
			}
			res, err := x.Extract(context.Background(), path, typ)
			if err != nil {
				t.Fatal(err)
			}
			if res.Pages != len(d.reading) {
				t.Errorf("%d pages, but a reading profile of %d", res.Pages, len(d.reading))
			}
			if res.Title != d.title {
				t.Errorf("document title %q, want the asset's %q", res.Title, d.title)
			}
			pages := strings.Split(res.Text, "\f")
			for i, p := range pages {
				if len(strings.Fields(p)) < 8 {
					t.Errorf("page %d has almost no text: %q", i+1, p)
				}
			}
			if !strings.Contains(pages[0], "Acme") {
				t.Errorf("the cover does not name Acme: %q", pages[0])
			}
		})
	}
	if decks < 2 {
		t.Errorf("%d decks in the demo library, want at least 2", decks)
	}
}

// TestDemoLayout checks that no document's content runs into its
// footer, at any length of month name.
func TestDemoDescriptions(t *testing.T) {
	for _, d := range demoAssets {
		if demoDescriptions[d.filename] == "" {
			t.Errorf("%s has no description", d.filename)
		}
	}
}

func TestDemoLayout(t *testing.T) {
	docs := map[string]func(time.Time) *brochure{
		"security": securityWhitepaper, "case study": northwindCaseStudy, "battlecard": globexBattlecard,
		"roi": roiGuide, "plan": implementationPlan,
	}
	for name, f := range docs {
		for _, month := range []time.Month{time.May, time.September} {
			if b := f(time.Date(2026, month, 1, 0, 0, 0, 0, time.UTC)); len(b.overflow) > 0 {
				t.Errorf("%s: pages %v run past the bottom margin", name, b.overflow)
			}
		}
	}
}

func TestKeyPages(t *testing.T) {
	tests := []struct {
		reading []int
		want    [2]int
	}{
		{[]int{10, 40, 80, 30}, [2]int{3, 2}},
		{[]int{10, 50, 50, 5}, [2]int{2, 3}},
		{[]int{90}, [2]int{1, 1}},
	}
	for _, tt := range tests {
		if got := keyPages(tt.reading); got != tt.want {
			t.Errorf("keyPages(%v) = %v, want %v", tt.reading, got, tt.want)
		}
	}
}

// TestReadingPaths checks the simulated readers: every path starts on
// the cover, stays within the document and never reads a page twice, and
// over many readers the first page is reached most, the last least.
func TestReadingPaths(t *testing.T) {
	s := &demoSharer{rng: rand.New(rand.NewPCG(1, 2))}
	reading := []int{12, 38, 72, 48, 88, 44, 34, 28}
	reach := make([]int, len(reading)+1)
	for i := range 2000 {
		path := s.path(reading, i%3 == 0)
		seen := map[int]bool{}
		for j, p := range path {
			if p < 1 || p > len(reading) || seen[p] || (j == 0) != (p == 1) {
				t.Fatalf("bad path %v", path)
			}
			seen[p] = true
			reach[p]++
		}
		if d := s.dwell(reading[path[0]-1]); d < 2 || d > 400 {
			t.Fatalf("dwell %d out of range", d)
		}
	}
	if reach[1] != 2000 || reach[2] <= reach[len(reading)] || reach[5] <= reach[4] {
		t.Errorf("reach per page %v: want all on page 1, falling off, page 5 (read longest) above its neighbour", reach[1:])
	}
}

func TestWorkHours(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	day := time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in      time.Time
		sameDay bool
	}{
		{day.Add(3 * time.Hour), true},
		{day.Add(10 * time.Hour), true},
		{day.Add(22 * time.Hour), false},
	}
	for _, tt := range tests {
		got := workHours(tt.in, rng)
		if h := got.Hour(); h < 8 || h >= 19 || got.Before(tt.in) || (got.Day() == tt.in.Day()) != tt.sameDay {
			t.Errorf("workHours(%v) = %v", tt.in, got)
		}
	}
}
