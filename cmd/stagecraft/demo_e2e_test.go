package main

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/indexer/extract"
)

// getJSON GETs base+path with the bearer token and decodes the answer
// into v, failing the test on any error or a status other than 200.
func getJSON(t *testing.T, base, token, path string, v any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }() // decoded below; nothing to lose
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", path, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

type demoListedAsset struct {
	ID             string
	Title          string
	Type           string
	IndexStatus    string `json:"index_status"`
	CurrentVersion struct {
		PageCount *int `json:"page_count"`
	} `json:"current_version"`
}

// checkDemoLibrary checks, through the API of a server running over the
// demo organisation, as a marketer with token, that the library holds
// decks and multi-page documents once indexed, that the rep's links were
// visited, and that a document's page analytics read like real reading:
// every visit on page 1, fewer further on, time on every page.
func checkDemoLibrary(t *testing.T, base, token string) {
	t.Helper()
	var list struct{ Items []demoListedAsset }
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		getJSON(t, base, token, "/api/v1/assets?limit=100", &list)
		pending := 0
		for _, a := range list.Items {
			if a.IndexStatus == "pending" {
				pending++
			}
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d demo assets still not indexed", pending)
		}
	}
	pdfs := extract.New(extract.DefaultLimits()).HasPDFTools()
	decks, paged := 0, 0
	byTitle := map[string]demoListedAsset{}
	for _, a := range list.Items {
		byTitle[a.Title] = a
		if a.Type == "deck" {
			decks++
		}
		if n := a.CurrentVersion.PageCount; n != nil && *n >= 4 {
			paged++
		}
	}
	wantPaged := 2 // the decks, read without poppler
	if pdfs {
		wantPaged = 7
	}
	if decks < 2 || paged < wantPaged {
		t.Errorf("demo library: %d decks, %d assets of 4 pages or more; want 2 and %d", decks, paged, wantPaged)
	}

	var links struct{ Total int }
	getJSON(t, base, token, "/api/v1/links?limit=1", &links)
	if links.Total < 50 {
		t.Errorf("%d demo links, want at least 50", links.Total)
	}

	titles := []string{"Acme Platform Overview"}
	if pdfs {
		titles = append(titles, "Case Study: Northwind Health")
	}
	for _, title := range titles {
		a, ok := byTitle[title]
		if !ok {
			t.Fatalf("no demo asset %q", title)
		}
		var detail struct {
			Pages []struct {
				Page          int
				Visits        int
				Reach         float64
				MedianSeconds float64 `json:"median_seconds"`
			}
		}
		getJSON(t, base, token, "/api/v1/analytics/assets/"+a.ID, &detail)
		p := detail.Pages
		if a.CurrentVersion.PageCount == nil || len(p) != *a.CurrentVersion.PageCount {
			t.Fatalf("%s: page analytics of %d pages, version has %v", title, len(p), a.CurrentVersion.PageCount)
		}
		if p[0].Reach != 1 || p[0].Visits < 10 || p[len(p)-1].Reach >= 1 {
			t.Errorf("%s: page 1 %+v, last page %+v; want every visit on page 1 and fewer at the end", title, p[0], p[len(p)-1])
		}
		for _, pg := range p {
			if pg.Visits == 0 || pg.MedianSeconds <= 0 {
				t.Errorf("%s: page %d has no reading: %+v", title, pg.Page, pg)
			}
		}
	}
}
