package meili

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/meilisearch/meilisearch-go"

	"github.com/stagecraft/stagecraft"
)

// ---- settings ----

func TestSettings(t *testing.T) {
	s := Settings()
	eq := func(name string, got, want []string) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	eq("searchableAttributes", s.SearchableAttributes, []string{"title", "tags", "description", "body"})
	eq("filterableAttributes", s.FilterableAttributes, []string{
		"org_id", "status", "expires_at_ts", "type", "stages", "personas", "industries", "products", "id",
	})
	eq("sortableAttributes", s.SortableAttributes, []string{"updated_at_ts"})
	// body is displayed only so that Meilisearch can crop it; searches
	// retrieve id alone (see TestBuildPlan).
	eq("displayedAttributes", s.DisplayedAttributes, []string{"id", "title", "body"})
	if s.TypoTolerance == nil || !s.TypoTolerance.Enabled {
		t.Fatal("typo tolerance is not enabled")
	}
	if got := s.TypoTolerance.MinWordSizeForTypos; got.OneTypo != 5 || got.TwoTypos != 9 {
		t.Errorf("minWordSizeForTypos = %+v, want oneTypo 5, twoTypos 9", got)
	}
	if s.Faceting == nil || s.Faceting.MaxValuesPerFacet < 200 {
		t.Errorf("faceting = %+v, want maxValuesPerFacet >= 200", s.Faceting)
	}
	if s.Pagination == nil || s.Pagination.MaxTotalHits < 10000 {
		t.Errorf("pagination = %+v, want maxTotalHits >= 10000", s.Pagination)
	}
	for _, attr := range facetFields {
		if !contains(s.FilterableAttributes, attr.attr) {
			t.Errorf("facet %q is not filterable", attr.attr)
		}
	}

	// What goes over the wire: no null lists in typoTolerance.
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"minWordSizeForTypos":{"oneTypo":5,"twoTypos":9}`,
		`"disableOnWords":[]`,
		`"maxValuesPerFacet":200`,
		`"maxTotalHits":10000`,
	} {
		if !strings.Contains(string(b), want) {
			t.Errorf("settings JSON %s lacks %s", b, want)
		}
	}
}

func contains(list []string, v string) bool {
	for _, s := range list {
		if s == v {
			return true
		}
	}
	return false
}

// ---- filter values ----

func TestQuote(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "discovery", `"discovery"`},
		{"empty", "", `""`},
		{"space", "economic buyer", `"economic buyer"`},
		{"double quote", `"`, `"\""`},
		{"backslash", `\`, `"\\"`},
		{"backslash then quote", `\"`, `"\\\""`},
		{"quote then backslash", `"\`, `"\"\\"`},
		{"two backslashes", `\\`, `"\\\\"`},
		{"breakout", `a" OR org_id = "other`, `"a\" OR org_id = \"other"`},
		{"single quote", `'`, `"'"`},
		{"newline", "a\nb", "\"a\nb\""},
		{"NUL", "a\x00b", "\"a\x00b\""},
		{"parens", "(x)", `"(x)"`},
		{"keyword", "AND", `"AND"`},
		{"escape-looking", `\n\u{41}`, `"\\n\\u{41}"`},
		{"unicode", "Führungskraft ✓", `"Führungskraft ✓"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := quote(tt.in)
			if got != tt.want {
				t.Errorf("quote(%q) = %s, want %s", tt.in, got, tt.want)
			}
			// Meilisearch reads the value back, unchanged, and stops at the
			// closing quote.
			val, rest, ok := meiliParseQuoted(got[1:] + " AND x = 1")
			if !ok || val != tt.in || rest != " AND x = 1" {
				t.Errorf("parsed %s as (%q, %q, %v), want (%q, %q, true)", got, val, rest, ok, tt.in, " AND x = 1")
			}
		})
	}
}

func FuzzQuote(f *testing.F) {
	for _, s := range []string{"", `"`, `\`, `\"`, `a" OR org_id = "b`, "\x00", "\n", `\\"`, `'\''`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		val, rest, ok := meiliParseQuoted(quote(v)[1:] + ")")
		if !ok || val != v || rest != ")" {
			t.Errorf("quote(%q) parsed as (%q, %q, %v)", v, val, rest, ok)
		}
	})
}

// meiliParseQuoted models how Meilisearch's filter parser (crates/
// filter-parser/src/value.rs, quoted_by then unescaper::unescape) reads a
// double-quoted value; s starts after the opening quote. It returns the
// value and what follows the closing quote.
func meiliParseQuoted(s string) (val, rest string, ok bool) {
	end, escapedQuote := -1, false
	for i := 0; i < len(s) && end < 0; i++ {
		switch s[i] {
		case '"':
			end = i
		case '\\':
			if i+1 == len(s) {
				return "", "", false
			}
			i++
			escapedQuote = escapedQuote || s[i] == '"'
		}
	}
	if end < 0 {
		return "", "", false // missing closing delimiter
	}
	frag := s[:end]
	if escapedQuote {
		frag = strings.ReplaceAll(frag, `\"`, `"`)
	}
	var b strings.Builder
	for i := 0; i < len(frag); i++ {
		if frag[i] != '\\' {
			b.WriteByte(frag[i])
			continue
		}
		if i+1 == len(frag) {
			return "", "", false
		}
		i++
		switch frag[i] {
		case '\\', '"', '\'':
			b.WriteByte(frag[i])
		case 'n':
			b.WriteByte('\n')
		case 't':
			b.WriteByte('\t')
		case 'r':
			b.WriteByte('\r')
		case '0':
			b.WriteByte(0)
		default:
			return "", "", false // \u{…}, \x…: never produced by quote
		}
	}
	return b.String(), s[end+1:], true
}

// skeleton replaces each quoted value of a filter expression with ? and
// returns the values, read as Meilisearch reads them.
func skeleton(t *testing.T, expr string) (string, []string) {
	t.Helper()
	var b strings.Builder
	var vals []string
	for {
		i := strings.IndexByte(expr, '"')
		if i < 0 {
			b.WriteString(expr)
			return b.String(), vals
		}
		b.WriteString(expr[:i] + "?")
		val, rest, ok := meiliParseQuoted(expr[i+1:])
		if !ok {
			t.Fatalf("unparsable value in %q", expr)
		}
		vals = append(vals, val)
		expr = rest
	}
}

// ---- filter builder ----

func TestBuildFilter(t *testing.T) {
	at := time.Unix(1700000000, 0)
	const base = `org_id = "o1" AND status != "archived"`
	tests := []struct {
		name string
		q    stagecraft.SearchQuery
		skip string
		want string
	}{
		{"organisation only", stagecraft.SearchQuery{OrgID: "o1"}, "", base},
		{"visible at", stagecraft.SearchQuery{OrgID: "o1", VisibleAt: &at}, "",
			base + ` AND status = "published" AND expires_at_ts > 1700000000`},
		{"visible before 1970", stagecraft.SearchQuery{OrgID: "o1", VisibleAt: ptr(time.Unix(-5, 0))}, "",
			base + ` AND status = "published" AND expires_at_ts > -5`},
		{"one stage", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"discovery"}}, "",
			base + ` AND (stages = "discovery")`},
		{"values OR-ed, facets AND-ed",
			stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"a", "b"}, Personas: []string{"champion"}}, "",
			base + ` AND (stages = "a" OR stages = "b") AND (personas = "champion")`},
		{"every facet, in order", stagecraft.SearchQuery{
			OrgID: "o1", VisibleAt: &at, Types: []stagecraft.AssetType{"pdf", "deck"},
			Products: []string{"p"}, Industries: []string{"i1", "i2"}, Personas: []string{"pe"}, Stages: []string{"s"},
		}, "", base + ` AND status = "published" AND expires_at_ts > 1700000000` +
			` AND (stages = "s") AND (personas = "pe") AND (industries = "i1" OR industries = "i2")` +
			` AND (products = "p") AND (type = "pdf" OR type = "deck")`},
		{"empty lists add nothing", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{}, Types: []stagecraft.AssetType{}}, "", base},
		{"skip own facet", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"a"}, Personas: []string{"p"}}, "stages",
			base + ` AND (personas = "p")`},
		{"skip types", stagecraft.SearchQuery{OrgID: "o1", Types: []stagecraft.AssetType{"pdf"}, VisibleAt: &at}, "type",
			base + ` AND status = "published" AND expires_at_ts > 1700000000`},
		{"skip an unfiltered facet", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"a"}}, "products",
			base + ` AND (stages = "a")`},
		{"breakout in a value", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{`a" OR org_id = "other`}}, "",
			base + ` AND (stages = "a\" OR org_id = \"other")`},
		{"breakout in the organisation", stagecraft.SearchQuery{OrgID: `o" OR org_id != "x`}, "",
			`org_id = "o\" OR org_id != \"x" AND status != "archived"`},
		{"breakout in a type", stagecraft.SearchQuery{OrgID: "o1", Types: []stagecraft.AssetType{`pdf") OR (type = "x`}}, "",
			base + ` AND (type = "pdf\") OR (type = \"x")`},
		{"backslash", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{`\`, "b"}}, "",
			base + ` AND (stages = "\\" OR stages = "b")`},
		{"backslash before the closing quote", stagecraft.SearchQuery{OrgID: "o1", Personas: []string{`a\`}, Products: []string{`" OR 1`}}, "",
			base + ` AND (personas = "a\\") AND (products = "\" OR 1")`},
		{"escaped quote kept literal", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{`\"`}}, "",
			base + ` AND (stages = "\\\"")`},
		{"single quote", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{`it's`}}, "",
			base + ` AND (stages = "it's")`},
		{"newline", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"a\n) OR (org_id = x"}}, "",
			base + " AND (stages = \"a\n) OR (org_id = x\")"},
		{"parentheses", stagecraft.SearchQuery{OrgID: "o1", Industries: []string{"(", ")"}}, "",
			base + ` AND (industries = "(" OR industries = ")")`},
		{"keywords", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"AND", "OR", "NOT"}}, "",
			base + ` AND (stages = "AND" OR stages = "OR" OR stages = "NOT")`},
		{"NUL", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{"a\x00b"}}, "",
			base + " AND (stages = \"a\x00b\")"},
		{"empty value", stagecraft.SearchQuery{OrgID: "o1", Stages: []string{""}}, "",
			base + ` AND (stages = "")`},
		{"unicode", stagecraft.SearchQuery{OrgID: "o1", Personas: []string{"Entscheider ✓"}}, "",
			base + ` AND (personas = "Entscheider ✓")`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := buildFilter(tt.q, tt.skip)
			if got != tt.want {
				t.Fatalf("buildFilter =\n  %s\nwant\n  %s", got, tt.want)
			}
			if prefix := "org_id = " + quote(tt.q.OrgID) + ` AND status != "archived"`; !strings.HasPrefix(got, prefix) {
				t.Errorf("filter %q does not start with %q", got, prefix)
			}
		})
	}
}

// TestBuildFilterStructure reads filters as Meilisearch does: hostile
// values stay values and never change the shape of the expression.
func TestBuildFilterStructure(t *testing.T) {
	hostile := []string{
		`a" OR org_id = "other`, `\`, `\"`, `a\`, `"`, `'`, "\n", "(", ")", "AND", "OR org_id EXISTS",
		"\x00", `\\" OR 1 = 1 OR "`, `" ) OR ( "`, "",
	}
	for _, v := range hostile {
		q := stagecraft.SearchQuery{
			OrgID: v, Stages: []string{v, "x"}, Personas: []string{v},
			Types: []stagecraft.AssetType{stagecraft.AssetType(v)},
		}
		shape, vals := skeleton(t, buildFilter(q, ""))
		const wantShape = `org_id = ? AND status != ? AND (stages = ? OR stages = ?) AND (personas = ?) AND (type = ?)`
		if shape != wantShape {
			t.Errorf("value %q: shape %q, want %q", v, shape, wantShape)
		}
		if want := []string{v, "archived", v, "x", v, v}; !reflect.DeepEqual(vals, want) {
			t.Errorf("value %q: values %q, want %q", v, vals, want)
		}
		shape, vals = skeleton(t, deleteFilter(v, v))
		if shape != "org_id = ? AND id = ?" || !reflect.DeepEqual(vals, []string{v, v}) {
			t.Errorf("delete filter of %q: %q %q", v, shape, vals)
		}
	}
}

func TestDeleteFilter(t *testing.T) {
	got := deleteFilter("o1", "6f1c7e9a-2b1d-4c1e-9a7b-0c2d3e4f5a6b")
	if want := `org_id = "o1" AND id = "6f1c7e9a-2b1d-4c1e-9a7b-0c2d3e4f5a6b"`; got != want {
		t.Errorf("deleteFilter = %s, want %s", got, want)
	}
}

func TestFacetKey(t *testing.T) {
	tests := map[string]string{
		"stages": "stages", "personas": "personas", "industries": "industries",
		"products": "products", "type": "types",
	}
	for attr, want := range tests {
		if got, ok := facetKey(attr); !ok || got != want {
			t.Errorf("facetKey(%q) = %q, %v; want %q", attr, got, ok, want)
		}
	}
	for _, attr := range []string{"types", "status", "org_id", ""} {
		if got, ok := facetKey(attr); ok {
			t.Errorf("facetKey(%q) = %q, want none", attr, got)
		}
	}
	if stagecraft.FacetTypes != "types" {
		t.Errorf("stagecraft.FacetTypes = %q", stagecraft.FacetTypes)
	}
}

func ptr[T any](v T) *T { return &v }

// ---- highlights ----

func TestRenderHighlight(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"plain", "Pricing deck", "Pricing deck"},
		{"one match", "the \x01pricing\x02 deck", "the <mark>pricing</mark> deck"},
		{"two matches", "\x01a\x02 b \x01c\x02", "<mark>a</mark> b <mark>c</mark>"},
		{"markup in text", "<script>alert(1)</script> \x01<b>x</b>\x02",
			"&lt;script&gt;alert(1)&lt;/script&gt; <mark>&lt;b&gt;x&lt;/b&gt;</mark>"},
		{"entities and quotes", `a & b "c" 'd'`, "a &amp; b &#34;c&#34; &#39;d&#39;"},
		{"mark tags in text stay text", "<mark>fake</mark>", "&lt;mark&gt;fake&lt;/mark&gt;"},
		{"unclosed", "\x01open", "<mark>open</mark>"},
		{"stray close", "a\x02b", "ab"},
		{"nested open", "\x01a\x01b\x02c\x02", "<mark>ab</mark>c"},
		{"crop marker", "…the \x01deal\x02 closes…", "…the <mark>deal</mark> closes…"},
		{"empty mark", "\x01\x02", "<mark></mark>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := renderHighlight(tt.in); got != tt.want {
				t.Errorf("renderHighlight(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// ---- documents ----

func TestToDocument(t *testing.T) {
	exp := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	upd := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	d := &stagecraft.SearchDoc{
		AssetID: "6f1c7e9a-2b1d-4c1e-9a7b-0c2d3e4f5a6b", OrgID: "o1",
		Title: "Pricing \x01deck\x02", Description: "desc", Tags: []string{"q3", "\x01", "pricing"},
		Body: "body text", Language: "english", Type: stagecraft.TypeDeck, Status: stagecraft.StatusPublished,
		ExpiresAt: &exp, Stages: []string{"proposal"}, UpdatedAt: upd,
	}
	doc, err := toDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	want := document{
		ID: d.AssetID, OrgID: "o1", Title: "Pricing deck", Description: "desc",
		Tags: []string{"q3", "pricing"}, Body: "body text", Language: "english",
		Type: "deck", Status: "published", Stages: []string{"proposal"},
		Personas: []string{}, Industries: []string{}, Products: []string{},
		ExpiresAtTS: exp.Unix(), UpdatedAtTS: upd.Unix(),
	}
	if !reflect.DeepEqual(doc, want) {
		t.Errorf("toDocument =\n  %+v\nwant\n  %+v", doc, want)
	}

	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	var fields map[string]any
	if err := json.Unmarshal(b, &fields); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "org_id", "title", "description", "tags", "body", "language", "type",
		"status", "stages", "personas", "industries", "products", "expires_at_ts", "updated_at_ts"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("document JSON lacks %q: %s", k, b)
		}
	}
	if len(fields) != 15 {
		t.Errorf("document JSON has %d fields, want 15: %s", len(fields), b)
	}
	if !strings.Contains(string(b), `"personas":[]`) {
		t.Errorf("empty lists must be [] not null: %s", b)
	}

	t.Run("no expiry", func(t *testing.T) {
		d := *d
		d.ExpiresAt = nil
		doc, err := toDocument(&d)
		if err != nil {
			t.Fatal(err)
		}
		if doc.ExpiresAtTS != 253402300799 {
			t.Errorf("expires_at_ts = %d, want the sentinel 253402300799", doc.ExpiresAtTS)
		}
		if got := time.Unix(doc.ExpiresAtTS, 0).UTC(); got.Year() != 9999 {
			t.Errorf("sentinel is %v", got)
		}
	})
	t.Run("nil tags", func(t *testing.T) {
		d := *d
		d.Tags = nil
		doc, _ := toDocument(&d)
		if doc.Tags == nil || len(doc.Tags) != 0 {
			t.Errorf("tags = %#v, want []", doc.Tags)
		}
	})
	t.Run("expiry past the sentinel", func(t *testing.T) {
		d := *d
		d.ExpiresAt = ptr(time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC))
		doc, _ := toDocument(&d)
		if doc.ExpiresAtTS != noExpiry {
			t.Errorf("expires_at_ts = %d, want %d", doc.ExpiresAtTS, noExpiry)
		}
	})
	for _, tt := range []struct{ name, org, id string }{
		{"no organisation", "", "a1"},
		{"no id", "o1", ""},
		{"id with a slash", "o1", "a/b"},
		{"id with a space", "o1", "a b"},
		{"id too long", "o1", strings.Repeat("a", 512)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := *d
			d.OrgID, d.AssetID = tt.org, tt.id
			if _, err := toDocument(&d); err == nil {
				t.Error("no error")
			}
		})
	}
}

// ---- search requests ----

func TestNormalize(t *testing.T) {
	q, err := normalize(stagecraft.SearchQuery{OrgID: "o1", Text: "  pricing  ", Offset: -3})
	if err != nil {
		t.Fatal(err)
	}
	if q.Text != "pricing" || q.Limit != DefaultLimit || q.Offset != 0 {
		t.Errorf("normalize = %+v", q)
	}
	_, err = normalize(stagecraft.SearchQuery{OrgID: "o1", Text: strings.Repeat("a", stagecraft.MaxQueryLength+1)})
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Errorf("long text: %v, want EINVALID", err)
	}
	if _, err := normalize(stagecraft.SearchQuery{Text: "x"}); err == nil {
		t.Error("search without an organisation: no error")
	}
}

func TestBuildPlan(t *testing.T) {
	const uid = "idx"
	all := []string{"stages", "personas", "industries", "products", "type"}

	t.Run("no facet filter", func(t *testing.T) {
		q := stagecraft.SearchQuery{OrgID: "o1", Text: "pricing", Limit: 20, Offset: 40}
		p := buildPlan(uid, q)
		if len(p.requests) != 1 || p.totals != 0 {
			t.Fatalf("%d requests, totals %d; want 1, 0", len(p.requests), p.totals)
		}
		r := p.requests[0]
		want := &meilisearch.SearchRequest{
			IndexUID: uid, Query: "pricing", Filter: `org_id = "o1" AND status != "archived"`,
			MatchingStrategy:      meilisearch.All,
			AttributesToRetrieve:  []string{"id"},
			AttributesToHighlight: []string{"title", "body"},
			AttributesToCrop:      []string{"body"}, CropLength: 30,
			HighlightPreTag: "\x01", HighlightPostTag: "\x02",
			ShowRankingScore: true,
			HitsPerPage:      ptr(int64(20)), Page: 3,
			Facets: all,
		}
		if !reflect.DeepEqual(r, want) {
			t.Errorf("request =\n  %+v\nwant\n  %+v", r, want)
		}
	})

	t.Run("empty text sorts newest first", func(t *testing.T) {
		p := buildPlan(uid, stagecraft.SearchQuery{OrgID: "o1", Limit: 10})
		if got := p.requests[0].Sort; !reflect.DeepEqual(got, []string{"updated_at_ts:desc"}) {
			t.Errorf("sort = %q", got)
		}
	})

	t.Run("disjunctive facets", func(t *testing.T) {
		at := time.Unix(1700000000, 0)
		q := stagecraft.SearchQuery{
			OrgID: "o1", Text: "deck", Limit: 20, VisibleAt: &at,
			Stages: []string{"discovery", "proposal"}, Types: []stagecraft.AssetType{"pdf"},
		}
		p := buildPlan(uid, q)
		if len(p.requests) != 3 {
			t.Fatalf("%d requests, want 3", len(p.requests))
		}
		const vis = `org_id = "o1" AND status != "archived" AND status = "published" AND expires_at_ts > 1700000000`
		main := p.requests[0]
		if want := vis + ` AND (stages = "discovery" OR stages = "proposal") AND (type = "pdf")`; main.Filter != want {
			t.Errorf("main filter = %v, want %s", main.Filter, want)
		}
		if want := []string{"personas", "industries", "products"}; !reflect.DeepEqual(main.Facets, want) {
			t.Errorf("main facets = %q, want %q", main.Facets, want)
		}
		if p.totals != 0 {
			t.Errorf("totals = %d, want 0", p.totals)
		}
		wantStages := &meilisearch.SearchRequest{
			IndexUID: uid, Query: "deck", MatchingStrategy: meilisearch.All,
			Filter:      vis + ` AND (type = "pdf")`,
			HitsPerPage: ptr(int64(0)), Facets: []string{"stages"},
		}
		if !reflect.DeepEqual(p.requests[1], wantStages) {
			t.Errorf("stages request =\n  %+v\nwant\n  %+v", p.requests[1], wantStages)
		}
		wantType := &meilisearch.SearchRequest{
			IndexUID: uid, Query: "deck", MatchingStrategy: meilisearch.All,
			Filter:      vis + ` AND (stages = "discovery" OR stages = "proposal")`,
			HitsPerPage: ptr(int64(0)), Facets: []string{"type"},
		}
		if !reflect.DeepEqual(p.requests[2], wantType) {
			t.Errorf("type request =\n  %+v\nwant\n  %+v", p.requests[2], wantType)
		}

		// The SDK drops "limit": 0 (omitempty); hitsPerPage 0 survives.
		b, err := json.Marshal(p.requests[1])
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"hitsPerPage":0`) || strings.Contains(string(b), `"limit"`) {
			t.Errorf("count request JSON: %s", b)
		}
	})

	t.Run("every facet filtered", func(t *testing.T) {
		q := stagecraft.SearchQuery{
			OrgID: "o1", Limit: 5, Stages: []string{"s"}, Personas: []string{"p"},
			Industries: []string{"i"}, Products: []string{"x"}, Types: []stagecraft.AssetType{"pdf"},
		}
		p := buildPlan(uid, q)
		if len(p.requests) != 6 || p.requests[0].Facets != nil {
			t.Fatalf("%d requests, main facets %q; want 6, none", len(p.requests), p.requests[0].Facets)
		}
		for i, attr := range all {
			r := p.requests[i+1]
			if !reflect.DeepEqual(r.Facets, []string{attr}) || *r.HitsPerPage != 0 {
				t.Errorf("request %d: facets %q, hitsPerPage %d; want [%s], 0", i+1, r.Facets, *r.HitsPerPage, attr)
			}
			f, ok := r.Filter.(string)
			if !ok {
				t.Fatalf("request %d: filter %T, want a string", i+1, r.Filter)
			}
			if strings.Contains(f, "("+attr+" = ") {
				t.Errorf("request %d filter keeps its own facet: %s", i+1, f)
			}
		}
	})

	t.Run("offset not a multiple of limit", func(t *testing.T) {
		q := stagecraft.SearchQuery{OrgID: "o1", Text: "x", Limit: 20, Offset: 5, Personas: []string{"p"}}
		p := buildPlan(uid, q)
		if len(p.requests) != 3 || p.totals != 1 {
			t.Fatalf("%d requests, totals %d; want 3, 1", len(p.requests), p.totals)
		}
		hits := p.requests[0]
		if hits.Offset != 5 || hits.Limit != 20 || hits.HitsPerPage != nil || hits.Page != 0 || hits.Facets != nil {
			t.Errorf("hits request pages with offset %d limit %d hitsPerPage %v page %d facets %q",
				hits.Offset, hits.Limit, hits.HitsPerPage, hits.Page, hits.Facets)
		}
		totals := p.requests[1]
		if *totals.HitsPerPage != 0 || totals.Filter != hits.Filter ||
			!reflect.DeepEqual(totals.Facets, []string{"stages", "industries", "products", "type"}) {
			t.Errorf("totals request = %+v", totals)
		}
		if got := p.requests[2].Facets; !reflect.DeepEqual(got, []string{"personas"}) {
			t.Errorf("request 2 facets = %q, want [personas]", got)
		}
	})
}

func TestPlanRead(t *testing.T) {
	p := buildPlan("idx", stagecraft.SearchQuery{OrgID: "o1", Limit: 20, Offset: 3, Stages: []string{"a"}})
	results := []meilisearch.SearchResponse{
		{Hits: meilisearch.Hits{{"id": json.RawMessage(`"a1"`)}}, EstimatedTotalHits: 9},
		{TotalHits: 7, FacetDistribution: json.RawMessage(`{"type":{"pdf":7},"personas":{"p":2},"stages":{"x":99}}`)},
		{TotalHits: 12, FacetDistribution: json.RawMessage(`{"stages":{"a":7,"b":5},"type":{"deck":99}}`)},
	}
	res, err := p.read(results)
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != 7 {
		t.Errorf("total = %d, want 7 (exact, from the totals request)", res.Total)
	}
	want := map[string]map[string]int{
		"stages": {"a": 7, "b": 5}, "personas": {"p": 2}, "industries": {}, "products": {}, "types": {"pdf": 7},
	}
	if !reflect.DeepEqual(res.Facets, want) {
		t.Errorf("facets = %v, want %v", res.Facets, want)
	}
	if _, err := p.read(results[:2]); err == nil {
		t.Error("short results: no error")
	}
}

// ---- against a fake Meilisearch ----

// fakeMeili answers the routes it is given ("METHOD /path") and records
// the requests.
type fakeMeili struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []fakeRequest
}

type fakeRequest struct {
	method, path, query, auth string
	body                      []byte
}

func newFake(t *testing.T, routes map[string]http.HandlerFunc) *fakeMeili {
	t.Helper()
	f := &fakeMeili{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.reqs = append(f.reqs, fakeRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), body})
		f.mu.Unlock()
		r.Body = io.NopCloser(strings.NewReader(string(body)))
		h, ok := routes[r.Method+" "+r.URL.Path]
		if !ok && r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/tasks/") {
			h, ok = routes["GET /tasks/"]
		}
		if !ok {
			t.Errorf("unexpected request %s %s", r.Method, r.URL.Path)
			reply(w, http.StatusNotFound, `{"message":"no route","code":"not_found","type":"invalid_request"}`)
			return
		}
		h(w, r)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeMeili) requests(method, path string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.reqs {
		if r.method == method && r.path == path {
			out = append(out, r)
		}
	}
	return out
}

func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body) //nolint:gosec // G705: a fake Meilisearch answering with the test's own JSON
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { reply(w, status, body) }
}

// taskSucceeded answers GET /tasks/{uid} with a succeeded task.
func taskSucceeded(w http.ResponseWriter, r *http.Request) {
	uid := strings.TrimPrefix(r.URL.Path, "/tasks/")
	reply(w, http.StatusOK, `{"uid":`+uid+`,"status":"succeeded"}`)
}

var enqueued = answer(http.StatusAccepted, `{"taskUid":7,"indexUid":"idx","status":"enqueued"}`)

func openFake(t *testing.T, f *fakeMeili) *Index {
	t.Helper()
	ix, err := newIndex(Config{URL: f.URL, IndexUID: "idx", Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(ix.Close)
	return ix
}

func TestNew(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"GET /health": answer(http.StatusOK, `{"status":"available"}`),
		"GET /indexes/idx": answer(http.StatusNotFound,
			`{"message":"Index `+"`idx`"+` not found.","code":"index_not_found","type":"invalid_request"}`),
		"POST /indexes":               answer(http.StatusAccepted, `{"taskUid":1,"indexUid":"idx","status":"enqueued"}`),
		"PATCH /indexes/idx/settings": answer(http.StatusAccepted, `{"taskUid":2,"indexUid":"idx","status":"enqueued"}`),
		"GET /tasks/":                 taskSucceeded,
	})
	ix, err := New(context.Background(), Config{URL: f.URL + "/", APIKey: "k3y", IndexUID: "idx"})
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()

	create := f.requests(http.MethodPost, "/indexes")
	if len(create) != 1 || string(create[0].body) != `{"uid":"idx","primaryKey":"id"}` {
		t.Errorf("create index requests: %+v", create)
	}
	if create[0].auth != "Bearer k3y" {
		t.Errorf("Authorization = %q", create[0].auth)
	}
	settings := f.requests(http.MethodPatch, "/indexes/idx/settings")
	if len(settings) != 1 {
		t.Fatalf("%d settings requests", len(settings))
	}
	want, _ := json.Marshal(Settings())
	if string(settings[0].body) != string(want) {
		t.Errorf("settings body = %s, want %s", settings[0].body, want)
	}
	for _, path := range []string{"/tasks/1", "/tasks/2"} {
		if len(f.requests(http.MethodGet, path)) == 0 {
			t.Errorf("New did not wait for %s", path)
		}
	}
}

func TestNewExistingIndex(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"GET /health":                 answer(http.StatusOK, `{"status":"available"}`),
		"GET /indexes/idx":            answer(http.StatusOK, `{"uid":"idx","primaryKey":"id"}`),
		"PATCH /indexes/idx/settings": enqueued,
		"GET /tasks/":                 taskSucceeded,
	})
	if _, err := New(context.Background(), Config{URL: f.URL, IndexUID: "idx"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests(http.MethodPost, "/indexes")); n != 0 {
		t.Errorf("created an existing index (%d requests)", n)
	}
}

func TestNewFailures(t *testing.T) {
	health := answer(http.StatusOK, `{"status":"available"}`)
	tests := []struct {
		name   string
		routes map[string]http.HandlerFunc
		want   string
	}{
		{"wrong primary key", map[string]http.HandlerFunc{
			"GET /health": health, "GET /indexes/idx": answer(http.StatusOK, `{"uid":"idx","primaryKey":"uuid"}`),
		}, `primary key "uuid"`},
		{"bad key", map[string]http.HandlerFunc{
			"GET /health": health,
			"GET /indexes/idx": answer(http.StatusForbidden,
				`{"message":"The provided API key is invalid.","code":"invalid_api_key","type":"auth"}`),
		}, "MEILI_API_KEY"},
		{"settings task fails", map[string]http.HandlerFunc{
			"GET /health": health, "GET /indexes/idx": answer(http.StatusOK, `{"uid":"idx","primaryKey":"id"}`),
			"PATCH /indexes/idx/settings": enqueued,
			"GET /tasks/": answer(http.StatusOK,
				`{"uid":7,"status":"failed","error":{"message":"Unknown field disableOnNumbers","code":"bad_request"}}`),
		}, "Unknown field disableOnNumbers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, tt.routes)
			_, err := New(context.Background(), Config{URL: f.URL, IndexUID: "idx"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New: %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func TestNewUnreachable(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	start := time.Now()
	_, err := New(context.Background(), Config{URL: down.URL, Timeout: time.Second})
	if err == nil || !strings.Contains(err.Error(), "MEILI_URL="+down.URL) {
		t.Errorf("New: %v, want an error naming MEILI_URL", err)
	}
	if stagecraft.ErrorCode(err) != stagecraft.EUNAVAILABLE {
		t.Errorf("code %q, want %q", stagecraft.ErrorCode(err), stagecraft.EUNAVAILABLE)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
	for _, url := range []string{"", "  ", "localhost:7700", "ftp://x", "http://"} {
		if _, err := New(context.Background(), Config{URL: url}); err == nil || !strings.Contains(err.Error(), "MEILI_URL") {
			t.Errorf("New(%q): %v, want an error naming MEILI_URL", url, err)
		}
	}
}

func TestUnavailable(t *testing.T) {
	slow := func(_ http.ResponseWriter, r *http.Request) {
		// Reading the body lets the server notice the client hanging up.
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}
	tests := []struct {
		name    string
		handler http.HandlerFunc
		down    bool
	}{
		{"down", nil, true},
		{"500", answer(http.StatusInternalServerError, `{"message":"boom","code":"internal","type":"internal"}`), false},
		{"503 without JSON", answer(http.StatusServiceUnavailable, `upstream down`), false},
		{"502", answer(http.StatusBadGateway, ``), false},
		{"429", answer(http.StatusTooManyRequests, `{"message":"slow down","code":"too_many_search_requests","type":"system"}`), false},
		{"times out", slow, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			if tt.down {
				srv.Close()
			} else {
				defer srv.Close()
			}
			ix, err := newIndex(Config{URL: srv.URL, IndexUID: "idx", Timeout: 200 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			calls := map[string]func(context.Context) error{
				"Ping": ix.Ping,
				"Search": func(ctx context.Context) error {
					_, err := ix.Search(ctx, stagecraft.SearchQuery{OrgID: "o1", Text: "x"})
					return err
				},
				"Index": func(ctx context.Context) error {
					return ix.Index(ctx, &stagecraft.SearchDoc{AssetID: "a1", OrgID: "o1"})
				},
				"Delete": func(ctx context.Context) error { return ix.Delete(ctx, "o1", "a1") },
			}
			for name, call := range calls {
				start := time.Now()
				err := call(context.Background())
				if stagecraft.ErrorCode(err) != stagecraft.EUNAVAILABLE {
					t.Errorf("%s: %v, want EUNAVAILABLE", name, err)
				}
				if e, ok := stagecraft.AsError(err); ok && e.RetryAfter == 0 {
					t.Errorf("%s: no RetryAfter", name)
				}
				if d := time.Since(start); d > 2*time.Second {
					t.Errorf("%s took %v", name, d)
				}
			}
		})
	}
}

func TestCanceledIsNotUnavailable(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{"GET /health": answer(http.StatusOK, `{"status":"available"}`)})
	ix := openFake(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := ix.Ping(ctx)
	if err == nil || stagecraft.ErrorCode(err) == stagecraft.EUNAVAILABLE {
		t.Errorf("Ping(canceled) = %v, want a non-EUNAVAILABLE error", err)
	}
}

func TestPingNotAvailable(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{"GET /health": answer(http.StatusOK, `{"status":"starting"}`)})
	if err := openFake(t, f).Ping(context.Background()); stagecraft.ErrorCode(err) != stagecraft.EUNAVAILABLE {
		t.Errorf("Ping = %v, want EUNAVAILABLE", err)
	}
}

func TestSearch(t *testing.T) {
	var got struct {
		Queries []map[string]any `json:"queries"`
	}
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /multi-search": func(w http.ResponseWriter, r *http.Request) {
			if err := json.NewDecoder(r.Body).Decode(&got); err != nil {
				t.Error(err)
			}
			reply(w, http.StatusOK, `{"results":[
				{"indexUid":"idx","hits":[
					{"id":"a1","_rankingScore":0.87,"_formatted":{"id":"a1","title":"\u0001Pricing\u0002 <b>deck</b>","body":"…the \u0001pricing\u0002 & terms…"}},
					{"id":"a2","_rankingScore":0.5,"_formatted":{"id":"a2","title":"Plan","body":""}}],
				 "totalHits":2,"hitsPerPage":20,"page":1,"totalPages":1,
				 "facetDistribution":{"personas":{"champion":1},"industries":{},"products":{"core":2}}},
				{"indexUid":"idx","hits":[],"totalHits":5,"facetDistribution":{"stages":{"discovery":2,"proposal":3}}},
				{"indexUid":"idx","hits":[],"totalHits":4,"facetDistribution":{"type":{"pdf":2,"deck":2}}}]}`)
		},
	})
	ix := openFake(t, f)
	res, err := ix.Search(context.Background(), stagecraft.SearchQuery{
		OrgID: "o1", Text: " pricing ", Stages: []string{"proposal"}, Types: []stagecraft.AssetType{"deck"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &stagecraft.SearchResult{
		Hits: []stagecraft.SearchHit{
			{AssetID: "a1", Score: 0.87, Highlights: map[string]string{
				"title": "<mark>Pricing</mark> &lt;b&gt;deck&lt;/b&gt;",
				"text":  "…the <mark>pricing</mark> &amp; terms…",
			}},
			{AssetID: "a2", Score: 0.5, Highlights: map[string]string{"title": "Plan"}},
		},
		Total: 2,
		Facets: map[string]map[string]int{
			"stages": {"discovery": 2, "proposal": 3}, "personas": {"champion": 1},
			"industries": {}, "products": {"core": 2}, "types": {"pdf": 2, "deck": 2},
		},
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("Search =\n  %+v\nwant\n  %+v", res, want)
	}
	if len(got.Queries) != 3 {
		t.Fatalf("sent %d queries, want 3", len(got.Queries))
	}
	for i, q := range got.Queries {
		if q["indexUid"] != "idx" || q["q"] != "pricing" {
			t.Errorf("query %d: indexUid %v, q %v", i, q["indexUid"], q["q"])
		}
		if f, _ := q["filter"].(string); !strings.HasPrefix(f, `org_id = "o1" AND `) {
			t.Errorf("query %d filter %q does not start with the organisation", i, f)
		}
	}
	if got.Queries[1]["hitsPerPage"] != float64(0) {
		t.Errorf("facet query hitsPerPage = %v, want 0", got.Queries[1]["hitsPerPage"])
	}
}

func TestSearchInvalid(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /multi-search": answer(http.StatusBadRequest,
			`{"message":"Inside .queries[0]: Attribute `+"`x`"+` is not filterable.","code":"invalid_search_filter","type":"invalid_request"}`),
	})
	_, err := openFake(t, f).Search(context.Background(), stagecraft.SearchQuery{OrgID: "o1", Text: "x"})
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Fatalf("Search = %v, want EINVALID", err)
	}
	if msg := stagecraft.ErrorMessage(err); strings.Contains(msg, "filterable") || !strings.HasSuffix(msg, ".") {
		t.Errorf("message %q should be a sentence without internals", msg)
	}
}

func TestIndexDocuments(t *testing.T) {
	var (
		mu      sync.Mutex
		batches []int
	)
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /indexes/idx/documents": func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Query().Get("primaryKey") != "id" {
				t.Errorf("primaryKey = %q", r.URL.Query().Get("primaryKey"))
			}
			var docs []document
			if err := json.NewDecoder(r.Body).Decode(&docs); err != nil {
				t.Error(err)
			}
			for _, d := range docs {
				if d.OrgID != "o1" {
					t.Errorf("document %s without its organisation", d.ID)
				}
			}
			mu.Lock()
			batches = append(batches, len(docs))
			n := len(batches)
			mu.Unlock()
			reply(w, http.StatusAccepted, fmt.Sprintf(`{"taskUid":%d,"indexUid":"idx","status":"enqueued"}`, 100+n))
		},
		"GET /tasks/": taskSucceeded,
	})
	ix := openFake(t, f)
	docs := make([]*stagecraft.SearchDoc, 1200)
	for i := range docs {
		docs[i] = &stagecraft.SearchDoc{AssetID: fmt.Sprintf("asset-%d", i), OrgID: "o1", Title: "t"}
	}
	if err := ix.Index(context.Background(), append(docs, nil)...); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(batches, []int{500, 500, 200}) {
		t.Errorf("batches = %v, want [500 500 200]", batches)
	}
	for _, path := range []string{"/tasks/101", "/tasks/102", "/tasks/103"} {
		if len(f.requests(http.MethodGet, path)) == 0 {
			t.Errorf("Index did not wait for %s", path)
		}
	}
	if err := ix.Index(context.Background()); err != nil {
		t.Errorf("Index of nothing: %v", err)
	}
	if err := ix.Index(context.Background(), &stagecraft.SearchDoc{AssetID: "a/1", OrgID: "o1"}); err == nil {
		t.Error("Index of an invalid id: no error")
	}
}

// TestIndexConcurrent runs Index from several goroutines; under -race it
// checks the SDK's unlocked primary-key field is not shared.
func TestIndexConcurrent(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /indexes/idx/documents": enqueued,
		"GET /tasks/":                 taskSucceeded,
	})
	ix := openFake(t, f)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := ix.Index(context.Background(), &stagecraft.SearchDoc{AssetID: fmt.Sprint("a", i), OrgID: "o1"}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
}

func TestIndexTaskFailed(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /indexes/idx/documents": enqueued,
		"GET /tasks/": answer(http.StatusOK,
			`{"uid":7,"status":"failed","error":{"message":"The payload is too large.","code":"payload_too_large"}}`),
	})
	err := openFake(t, f).Index(context.Background(), &stagecraft.SearchDoc{AssetID: "a1", OrgID: "o1"})
	if err == nil || !strings.Contains(err.Error(), "The payload is too large.") {
		t.Errorf("Index = %v, want the task's error message", err)
	}
}

func TestIndexWaitBoundedByContext(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /indexes/idx/documents": enqueued,
		"GET /tasks/":                 answer(http.StatusOK, `{"uid":7,"status":"processing"}`),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := openFake(t, f).Index(ctx, &stagecraft.SearchDoc{AssetID: "a1", OrgID: "o1"})
	if stagecraft.ErrorCode(err) != stagecraft.EUNAVAILABLE {
		t.Errorf("Index = %v, want EUNAVAILABLE", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestDelete(t *testing.T) {
	f := newFake(t, map[string]http.HandlerFunc{
		"POST /indexes/idx/documents/delete": enqueued,
		"GET /tasks/":                        taskSucceeded,
	})
	ix := openFake(t, f)
	if err := ix.Delete(context.Background(), "o1", `a1" OR org_id = "o2`); err != nil {
		t.Fatal(err)
	}
	reqs := f.requests(http.MethodPost, "/indexes/idx/documents/delete")
	if len(reqs) != 1 {
		t.Fatalf("%d delete requests", len(reqs))
	}
	var body map[string]string
	if err := json.Unmarshal(reqs[0].body, &body); err != nil {
		t.Fatal(err)
	}
	if want := `org_id = "o1" AND id = "a1\" OR org_id = \"o2"`; body["filter"] != want {
		t.Errorf("delete filter = %s, want %s", body["filter"], want)
	}
	if len(f.requests(http.MethodGet, "/tasks/7")) == 0 {
		t.Error("Delete did not wait for its task")
	}
	if err := ix.Delete(context.Background(), "", "a1"); err == nil {
		t.Error("Delete without an organisation: no error")
	}
}
