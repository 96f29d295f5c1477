// Package searchtest is the conformance suite every search backend passes:
// the same documents, queries and expectations for the built-in PostgreSQL
// backend and for Meilisearch.
package searchtest

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/judged"
)

// Run runs the suite against indexes made by newIndex. Each test uses
// fresh random organisation ids, so indexes may be shared.
func Run(t *testing.T, newIndex func(t testing.TB) stagecraft.SearchIndex) {
	t.Run("FindsWordsInsideDocuments", func(t *testing.T) { testFinds(t, newFixture(t, newIndex)) })
	t.Run("TitleOutranksBody", func(t *testing.T) { testTitleFirst(t, newFixture(t, newIndex)) })
	t.Run("TypoTolerance", func(t *testing.T) { testTypos(t, newFixture(t, newIndex)) })
	t.Run("PhraseAndExclusion", func(t *testing.T) { testPhrase(t, newFixture(t, newIndex)) })
	t.Run("Filters", func(t *testing.T) { testFilters(t, newFixture(t, newIndex)) })
	t.Run("DisjunctiveFacets", func(t *testing.T) { testFacets(t, newFixture(t, newIndex)) })
	t.Run("Visibility", func(t *testing.T) { testVisibility(t, newFixture(t, newIndex)) })
	t.Run("OrganisationIsolation", func(t *testing.T) { testIsolation(t, newFixture(t, newIndex)) })
	t.Run("Highlights", func(t *testing.T) { testHighlights(t, newFixture(t, newIndex)) })
	t.Run("UpdateAndDelete", func(t *testing.T) { testUpdateDelete(t, newFixture(t, newIndex)) })
	t.Run("Paging", func(t *testing.T) { testPaging(t, newFixture(t, newIndex)) })
	t.Run("NonEnglish", func(t *testing.T) { testNonEnglish(t, newFixture(t, newIndex)) })
	t.Run("HostileQueries", func(t *testing.T) { testHostile(t, newFixture(t, newIndex)) })
	t.Run("StrongMatchesFirstAtScale", func(t *testing.T) { testLarge(t, newIndex(t)) })
}

// testLarge: among thousands of documents that mention common words, the
// planted documents about them rank first, whatever their age (see
// judged.NewLargeSet).
func testLarge(t *testing.T, idx stagecraft.SearchIndex) {
	misses, err := judged.EvaluateLarge(context.Background(), idx, 4000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range misses {
		t.Error(m)
	}
}

// fixture is an index holding the documents of two organisations.
type fixture struct {
	idx      stagecraft.SearchIndex
	org      string
	rival    string
	ids      map[string]string // name → asset id
	names    map[string]string // asset id → name
	now      time.Time
	docsByID map[string]*stagecraft.SearchDoc
}

type docSpec struct {
	name, title, description, body, language string
	tags                                     []string
	typ                                      stagecraft.AssetType
	status                                   stagecraft.AssetStatus
	expires                                  time.Duration // from now; 0 = never
	stages, personas, industries, products   []string
	rival                                    bool
}

var specs = []docSpec{
	{name: "whitepaper", title: "Security Whitepaper", description: "How Acme protects customer data",
		body: "All data is protected with encryption at rest and in transit. SOC 2 Type II audited. " +
			"Independent penetration testing every year. Single sign-on with SAML.",
		tags: []string{"security", "compliance"}, typ: stagecraft.TypePDF, status: stagecraft.StatusPublished,
		stages: []string{"evaluation"}, personas: []string{"technical_buyer"}, industries: []string{"financial_services"}},
	{name: "pricing", title: "Pricing Sheet 2026", description: "List prices per seat and volume discounts",
		body: "Team edition 45 dollars per seat. Enterprise edition 79 dollars per seat. Discounts from 100 seats.",
		tags: []string{"pricing"}, typ: stagecraft.TypeSpreadsheet, status: stagecraft.StatusPublished,
		stages: []string{"negotiation"}, personas: []string{"procurement", "economic_buyer"}, products: []string{"platform"}},
	{name: "casestudy", title: "Customer Story: Northwind Health", description: "Consolidating reporting tools",
		body: "Northwind improved forecast accuracy from 71% to 93% within two quarters. " +
			"Their analysts no longer wait on pricing exports; encryption requirements were met on day one.",
		tags: []string{"case-study"}, typ: stagecraft.TypePDF, status: stagecraft.StatusPublished,
		stages: []string{"evaluation", "proposal"}, personas: []string{"champion"}, industries: []string{"healthcare"}},
	{name: "discovery", title: "Discovery Call Questions", description: "Questions for the first meeting",
		body: "How do you build your forecast today? Which reports does leadership ask for every week?",
		typ:  stagecraft.TypeText, status: stagecraft.StatusPublished,
		stages: []string{"discovery"}, personas: []string{"champion", "end_user"}},
	{name: "draft", title: "Roadmap Preview", description: "Not yet approved",
		body: "Quantum forecasting arrives next year.", typ: stagecraft.TypeDeck, status: stagecraft.StatusDraft,
		stages: []string{"evaluation"}},
	{name: "expired", title: "Pricing Sheet 2019", description: "Old prices",
		body: "Legacy pricing for the 2019 catalogue.", typ: stagecraft.TypeSpreadsheet, status: stagecraft.StatusPublished,
		expires: -time.Hour, stages: []string{"negotiation"}},
	{name: "archived", title: "Archived Battlecard", description: "Replaced",
		body: "Pricing comparison with Globex.", typ: stagecraft.TypeDeck, status: stagecraft.StatusArchived,
		stages: []string{"evaluation"}},
	{name: "markup", title: "Embed Guide <b>bold</b>", description: "Snippets for the website",
		body: "Paste <script>alert(1)</script> into the page to show the pricing widget.",
		typ:  stagecraft.TypeText, status: stagecraft.StatusPublished, stages: []string{"proposal"}},
	{name: "german", title: "Sicherheitskonzept", description: "Überblick für Kunden", language: "german",
		body: "Alle Daten werden mit Verschlüsselung geschützt. Die Rechenzentren stehen in Frankfurt.",
		typ:  stagecraft.TypePDF, status: stagecraft.StatusPublished, stages: []string{"evaluation"}},
	{name: "japanese", title: "製品紹介", description: "", body: "製品紹介 クラウド",
		typ: stagecraft.TypeDeck, status: stagecraft.StatusPublished, stages: []string{"prospecting"}},
	{name: "rival", title: "Rival Pricing Overview", description: "Another organisation's collateral",
		body: "Pricing and encryption and forecast accuracy.", typ: stagecraft.TypePDF, status: stagecraft.StatusPublished,
		stages: []string{"evaluation"}, rival: true},
}

func newFixture(t *testing.T, newIndex func(t testing.TB) stagecraft.SearchIndex) *fixture {
	t.Helper()
	f := &fixture{idx: newIndex(t), org: uuid.NewString(), rival: uuid.NewString(),
		ids: map[string]string{}, names: map[string]string{}, now: time.Now().UTC().Truncate(time.Second),
		docsByID: map[string]*stagecraft.SearchDoc{}}
	var docs []*stagecraft.SearchDoc
	for i, s := range specs {
		d := &stagecraft.SearchDoc{AssetID: uuid.NewString(), OrgID: f.org, Title: s.title, Description: s.description,
			Tags: s.tags, Body: s.body, Language: s.language, Type: s.typ, Status: s.status,
			Stages: s.stages, Personas: s.personas, Industries: s.industries, Products: s.products,
			UpdatedAt: f.now.Add(time.Duration(i) * time.Minute)}
		if d.Language == "" {
			d.Language = "english"
		}
		if s.name == "japanese" {
			d.Language = "simple"
		}
		if s.expires != 0 {
			e := f.now.Add(s.expires)
			d.ExpiresAt = &e
		}
		if s.rival {
			d.OrgID = f.rival
		}
		f.ids[s.name], f.names[d.AssetID] = d.AssetID, s.name
		f.docsByID[d.AssetID] = d
		docs = append(docs, d)
	}
	if err := f.idx.Index(context.Background(), docs...); err != nil {
		t.Fatalf("index fixtures: %v", err)
	}
	return f
}

// search runs q in the fixture's organisation as staff (no VisibleAt)
// unless q says otherwise.
func (f *fixture) search(t *testing.T, q stagecraft.SearchQuery) *stagecraft.SearchResult {
	t.Helper()
	if q.OrgID == "" {
		q.OrgID = f.org
	}
	if q.Limit == 0 {
		q.Limit = 20
	}
	res, err := f.idx.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// hits returns the names of the hits, in order.
func (f *fixture) hits(res *stagecraft.SearchResult) []string {
	var out []string
	for _, h := range res.Hits {
		name := f.names[h.AssetID]
		if name == "" {
			name = "unknown:" + h.AssetID
		}
		out = append(out, name)
	}
	return out
}

func (f *fixture) text(t *testing.T, text string) []string {
	t.Helper()
	return f.hits(f.search(t, stagecraft.SearchQuery{Text: text}))
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func testFinds(t *testing.T, f *fixture) {
	tests := []struct {
		query string
		want  []string
	}{
		{"penetration", []string{"whitepaper"}},
		{"SAML", []string{"whitepaper"}},
		{"Penetration Testing", []string{"whitepaper"}},
		{"quarters", []string{"casestudy"}},
		{"forecast accuracy", []string{"casestudy"}},
		{"leadership reports", []string{"discovery"}},
		{"nonexistentword", nil},
	}
	for _, tt := range tests {
		if got := f.text(t, tt.query); !sameSet(got, tt.want) {
			t.Errorf("%q: hits %v, want %v", tt.query, got, tt.want)
		}
	}
	// Every hit of a word query contains the word; the count is right.
	res := f.search(t, stagecraft.SearchQuery{Text: "encryption"})
	if !sameSet(f.hits(res), []string{"whitepaper", "casestudy"}) || res.Total != 2 {
		t.Errorf("encryption: %v total %d", f.hits(res), res.Total)
	}
}

func testTitleFirst(t *testing.T, f *fixture) {
	now := time.Now()
	got := f.hits(f.search(t, stagecraft.SearchQuery{Text: "pricing", VisibleAt: &now}))
	if len(got) != 3 || got[0] != "pricing" {
		t.Fatalf("pricing: %v, want the Pricing Sheet (title) before the two with it in their text", got)
	}
	for _, name := range []string{"casestudy", "markup"} {
		if !slices.Contains(got, name) {
			t.Errorf("pricing: %v lacks %s (pricing in its body)", got, name)
		}
	}
	staff := f.text(t, "pricing")
	if !slices.Contains(staff, "expired") || slices.Contains(staff, "archived") {
		t.Errorf("staff: %v (the expired sheet yes, the archived card never)", staff)
	}
}

func testTypos(t *testing.T, f *fixture) {
	tests := []struct{ query, want string }{
		{"encyption", "whitepaper"},  // a deleted letter
		{"penetraton", "whitepaper"}, //nolint:misspell // a deleted letter
		{"discoumts", "pricing"},     // a substituted letter
		{"northwimd", "casestudy"},   // a substituted letter
		{"forecastt", "discovery"},   // an extra letter
		{"Penetrationn testing", "whitepaper"},
	}
	for _, tt := range tests {
		if got := f.text(t, tt.query); !slices.Contains(got, tt.want) {
			t.Errorf("%q: hits %v, want %s among them", tt.query, got, tt.want)
		}
	}
}

func testPhrase(t *testing.T, f *fixture) {
	if got := f.text(t, `"forecast accuracy"`); !sameSet(got, []string{"casestudy"}) {
		t.Errorf(`"forecast accuracy": %v`, got)
	}
	if got := f.text(t, `"accuracy forecast"`); len(got) != 0 {
		t.Errorf(`"accuracy forecast" (wrong order): %v`, got)
	}
	got := f.text(t, "pricing -seat")
	if slices.Contains(got, "pricing") || !slices.Contains(got, "casestudy") {
		t.Errorf("pricing -seat: %v", got)
	}
}

func testFilters(t *testing.T, f *fixture) {
	tests := []struct {
		name string
		q    stagecraft.SearchQuery
		want []string
	}{
		{"stage", stagecraft.SearchQuery{Stages: []string{"discovery"}}, []string{"discovery"}},
		{"stages OR", stagecraft.SearchQuery{Stages: []string{"discovery", "negotiation"}},
			[]string{"discovery", "pricing", "expired"}},
		{"stage AND persona", stagecraft.SearchQuery{Stages: []string{"evaluation", "proposal"}, Personas: []string{"champion"}},
			[]string{"casestudy"}},
		{"industry", stagecraft.SearchQuery{Industries: []string{"healthcare", "financial_services"}},
			[]string{"casestudy", "whitepaper"}},
		{"product", stagecraft.SearchQuery{Products: []string{"platform"}}, []string{"pricing"}},
		{"type", stagecraft.SearchQuery{Types: []stagecraft.AssetType{stagecraft.TypeSpreadsheet}}, []string{"pricing", "expired"}},
		{"text and facet", stagecraft.SearchQuery{Text: "encryption", Stages: []string{"proposal"}}, []string{"casestudy"}},
		{"nothing", stagecraft.SearchQuery{Stages: []string{"discovery"}, Types: []stagecraft.AssetType{stagecraft.TypePDF}}, nil},
	}
	for _, tt := range tests {
		res := f.search(t, tt.q)
		if got := f.hits(res); !sameSet(got, tt.want) || res.Total != len(tt.want) {
			t.Errorf("%s: hits %v (total %d), want %v", tt.name, got, res.Total, tt.want)
		}
	}
}

// wantFacets lists the expected counts; keys not listed must be absent or 0.
func checkFacet(t *testing.T, res *stagecraft.SearchResult, facet string, want map[string]int) {
	t.Helper()
	got := res.Facets[facet]
	for k, n := range want {
		if got[k] != n {
			t.Errorf("facet %s[%s] = %d, want %d (all: %v)", facet, k, got[k], n, got)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok && n != 0 {
			t.Errorf("facet %s[%s] = %d, want none (all: %v)", facet, k, n, got)
		}
	}
}

func testFacets(t *testing.T, f *fixture) {
	// No filter: counts over every visible-to-staff match of "pricing".
	res := f.search(t, stagecraft.SearchQuery{Text: "pricing"})
	checkFacet(t, res, stagecraft.FacetStages, map[string]int{"negotiation": 2, "evaluation": 1, "proposal": 2})
	checkFacet(t, res, stagecraft.FacetTypes, map[string]int{"spreadsheet": 2, "pdf": 1, "text": 1})

	// With a stage picked, the stage facet still counts the other stages
	// (as if it were not picked), while other facets count within it.
	res = f.search(t, stagecraft.SearchQuery{Text: "pricing", Stages: []string{"negotiation"}})
	if res.Total != 2 {
		t.Errorf("total = %d, want 2", res.Total)
	}
	checkFacet(t, res, stagecraft.FacetStages, map[string]int{"negotiation": 2, "evaluation": 1, "proposal": 2})
	checkFacet(t, res, stagecraft.FacetTypes, map[string]int{"spreadsheet": 2})
	checkFacet(t, res, stagecraft.FacetPersonas, map[string]int{"procurement": 1, "economic_buyer": 1})

	// Two facets picked: each counts under the other's filter.
	res = f.search(t, stagecraft.SearchQuery{Stages: []string{"evaluation"}, Personas: []string{"champion"}})
	checkFacet(t, res, stagecraft.FacetPersonas, map[string]int{"champion": 1, "technical_buyer": 1})
	checkFacet(t, res, stagecraft.FacetStages, map[string]int{"evaluation": 1, "proposal": 1, "discovery": 1})
}

func testVisibility(t *testing.T, f *fixture) {
	now := time.Now()
	rep := f.hits(f.search(t, stagecraft.SearchQuery{VisibleAt: &now, Limit: 100}))
	staff := f.hits(f.search(t, stagecraft.SearchQuery{Limit: 100}))
	for _, hidden := range []string{"draft", "expired", "archived"} {
		if slices.Contains(rep, hidden) {
			t.Errorf("a rep finds %s", hidden)
		}
	}
	if !slices.Contains(staff, "draft") || !slices.Contains(staff, "expired") || slices.Contains(staff, "archived") {
		t.Errorf("staff browse: %v (drafts and expired yes, archived never)", staff)
	}
	if len(rep) != 7 || len(staff) != 9 {
		t.Errorf("rep sees %d %v, staff %d %v; want 7 and 9", len(rep), rep, len(staff), staff)
	}
	if got := f.hits(f.search(t, stagecraft.SearchQuery{Text: "quantum", VisibleAt: &now})); len(got) != 0 {
		t.Errorf("a rep finds the draft by its words: %v", got)
	}
}

func testIsolation(t *testing.T, f *fixture) {
	if got := f.text(t, "rival"); len(got) != 0 {
		t.Errorf("another organisation's document found: %v", got)
	}
	res := f.search(t, stagecraft.SearchQuery{OrgID: f.rival, Text: "pricing"})
	if !sameSet(f.hits(res), []string{"rival"}) || res.Total != 1 {
		t.Errorf("rival org: %v", f.hits(res))
	}
	if res := f.search(t, stagecraft.SearchQuery{OrgID: uuid.NewString()}); res.Total != 0 {
		t.Errorf("an empty organisation has %d results", res.Total)
	}
}

func testHighlights(t *testing.T, f *fixture) {
	res := f.search(t, stagecraft.SearchQuery{Text: "penetration"})
	if len(res.Hits) != 1 {
		t.Fatalf("hits = %v", f.hits(res))
	}
	if text := res.Hits[0].Highlights["text"]; !strings.Contains(strings.ToLower(text), "<mark>penetration</mark>") {
		t.Errorf("text highlight = %q", text)
	}
	res = f.search(t, stagecraft.SearchQuery{Text: "widget"})
	if len(res.Hits) != 1 {
		t.Fatalf("widget: %v", f.hits(res))
	}
	h := res.Hits[0].Highlights
	if strings.Contains(h["text"], "<script") || strings.Contains(h["title"], "<b>") {
		t.Errorf("markup from the document is not escaped: %q / %q", h["title"], h["text"])
	}
	if !strings.Contains(h["text"], "<mark>widget</mark>") {
		t.Errorf("text highlight = %q", h["text"])
	}
	res = f.search(t, stagecraft.SearchQuery{Text: "whitepaper"})
	if len(res.Hits) != 1 || !strings.Contains(res.Hits[0].Highlights["title"], "<mark>Whitepaper</mark>") {
		t.Errorf("title highlight = %+v", res.Hits)
	}
	if res.Hits[0].Score <= 0 {
		t.Errorf("score = %v, want > 0", res.Hits[0].Score)
	}
}

func testUpdateDelete(t *testing.T, f *fixture) {
	ctx := context.Background()
	d := *f.docsByID[f.ids["discovery"]]
	d.Status = stagecraft.StatusArchived
	if err := f.idx.Index(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if got := f.text(t, "leadership"); len(got) != 0 {
		t.Errorf("archived by re-indexing, still found: %v", got)
	}
	d.Status, d.Title, d.Body = stagecraft.StatusPublished, "Qualification Checklist", "Budget authority need timeline."
	if err := f.idx.Index(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if got := f.text(t, "timeline"); !sameSet(got, []string{"discovery"}) {
		t.Errorf("re-indexed text: %v", got)
	}
	if got := f.text(t, "leadership"); len(got) != 0 {
		t.Errorf("old text still found: %v", got)
	}
	if err := f.idx.Delete(ctx, f.org, f.ids["whitepaper"]); err != nil {
		t.Fatal(err)
	}
	if got := f.text(t, "penetration"); len(got) != 0 {
		t.Errorf("deleted, still found: %v", got)
	}
	// Deleting twice, or with another organisation, is harmless.
	if err := f.idx.Delete(ctx, f.org, f.ids["whitepaper"]); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if err := f.idx.Delete(ctx, f.rival, f.ids["casestudy"]); err != nil {
		t.Errorf("delete in the wrong org: %v", err)
	}
	if got := f.text(t, "northwind"); !sameSet(got, []string{"casestudy"}) {
		t.Errorf("a delete naming another organisation removed a document: %v", got)
	}
}

func testPaging(t *testing.T, f *fixture) {
	var all []string
	for offset := 0; offset < 10; offset += 3 {
		res := f.search(t, stagecraft.SearchQuery{Limit: 3, Offset: offset})
		if res.Total != 9 {
			t.Fatalf("offset %d: total %d, want 9", offset, res.Total)
		}
		all = append(all, f.hits(res)...)
	}
	if len(all) != 9 {
		t.Errorf("pages hold %d hits %v, want 9", len(all), all)
	}
	seen := map[string]bool{}
	for _, n := range all {
		if seen[n] {
			t.Errorf("%s on two pages", n)
		}
		seen[n] = true
	}
	// Newest first when there are no words to rank by.
	res := f.search(t, stagecraft.SearchQuery{Limit: 1})
	if got := f.hits(res); len(got) != 1 || got[0] != "japanese" {
		t.Errorf("first of a browse = %v, want the newest", got)
	}
}

func testNonEnglish(t *testing.T, f *fixture) {
	for _, q := range []string{"Verschlüsselung", "verschlüsselung", "Rechenzentren", "Frankfurt", "製品紹介"} {
		got := f.text(t, q)
		want := "german"
		if q == "製品紹介" {
			want = "japanese"
		}
		if !slices.Contains(got, want) {
			t.Errorf("%q: %v, want %s", q, got, want)
		}
	}
}

func testHostile(t *testing.T, f *fixture) {
	hostile := []string{
		`'; DROP TABLE search_docs; --`,
		`pricing' OR '1'='1`,
		`org_id = "` + f.rival + `" OR status = "archived"`,
		`pricing") OR (org_id EXISTS`,
		`"unbalanced quote`,
		`unbalanced quote"`,
		`"`, `""`, `-`, `--`, `- -pricing`, `!!pricing`, `pricing & | <-> !`, `(pricing`, `\`, `\\'`,
		"pricing\x00security", "\x00", "\xff\xfe invalid utf8",
		"%_%", "*", "pricing:*", "a:b:c", "'", "OR", "or or or", "-or",
		strings.Repeat("pricing ", 120),
		strings.Repeat("x", stagecraft.MaxQueryLength),
		"日本語 العربية русский",
	}
	now := time.Now()
	for _, q := range hostile {
		for _, visible := range []*time.Time{nil, &now} {
			res, err := f.idx.Search(context.Background(), stagecraft.SearchQuery{OrgID: f.org, Text: q, Limit: 20, VisibleAt: visible})
			if err != nil {
				if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
					t.Errorf("%q: %v (want results or an invalid-input error)", q, err)
				}
				continue
			}
			for _, h := range res.Hits {
				if f.names[h.AssetID] == "" || f.names[h.AssetID] == "rival" || f.names[h.AssetID] == "archived" {
					t.Errorf("%q: hit %s is not the organisation's or is archived", q, h.AssetID)
				}
			}
		}
	}
	_, err := f.idx.Search(context.Background(), stagecraft.SearchQuery{OrgID: f.org, Text: strings.Repeat("y", stagecraft.MaxQueryLength+1)})
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Errorf("over-long query: %v, want invalid input", err)
	}
	// The index still answers normally afterwards.
	if got := f.text(t, "penetration"); !sameSet(got, []string{"whitepaper"}) {
		t.Errorf("after the hostile queries: %v", got)
	}
}
