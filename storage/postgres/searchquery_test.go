package postgres

import (
	"fmt"
	"strings"
	"testing"
)

func describe(terms []queryTerm) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" ")
		}
		if t.negate {
			b.WriteString("-")
		}
		b.WriteString(strings.Join(t.words, "+"))
		if t.orNext {
			b.WriteString(" OR")
		}
	}
	return b.String()
}

func TestParseQuery(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"pricing", "pricing"},
		{"Pricing  Sheet", "pricing sheet"},
		{`"forecast accuracy" q3`, "forecast+accuracy q3"},
		{`-legacy pricing`, "-legacy pricing"},
		{`pricing -"old sheet"`, "pricing -old+sheet"},
		{`pricing or discounts`, "pricing OR discounts"},
		{`pricing OR discounts seats`, "pricing OR discounts seats"},
		{`or pricing`, "or pricing"}, // a leading "or" is a word
		{`pricing or`, "pricing"},    // a trailing one is dropped
		{`pricing or -legacy`, "pricing -legacy"},
		{`e-mail`, "e+mail"},
		{`"unbalanced quote`, "unbalanced+quote"},
		{`"`, ""},
		{`-`, ""},
		{`- -`, ""},
		{`'; DROP TABLE search_docs; --`, "drop table search+docs"},
		{`org_id = "x" OR 1=1`, "org+id x OR 1+1"},
		{"a\x00b", "a+b"},
		{"\xff\xfeok", "ok"},
		{"Über Straße", "über straße"},
		{"製品紹介 クラウド", "製品紹介 クラウド"},
		{"pricing:* & !legacy | <->", "pricing legacy"}, // only - negates
		{strings.Repeat("x", 65), ""},                   // longer than any word
	}
	for _, tt := range tests {
		if got := describe(parseQuery(tt.in)); got != tt.want {
			t.Errorf("parseQuery(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := len(parseQuery(strings.Repeat("word ", 100))); n != maxQueryTerms {
		t.Errorf("%d terms kept, want %d", n, maxQueryTerms)
	}
}

func TestJoinTSQuery(t *testing.T) {
	// What to_tsquery makes of each text in the configurations (English
	// stems, "simple" does not; "the" is an English stopword).
	variants := map[string][]string{
		"'pricng'":                  {"'pricng'"},
		"'pricing'":                 {"'price'", "'pricing'"},
		"'forecast'":                {"'forecast'"},
		"'accuracy'":                {"'accuraci'", "'accuracy'"},
		"'forecast' <-> 'accuracy'": {"'forecast' <-> 'accuraci'", "'forecast' <-> 'accuracy'"},
		"'legacy'":                  {"'legaci'", "'legacy'"},
		"'a'":                       {"'a'"},
		"'b'":                       {"'b'"},
		"'c'":                       {"'c'"},
		"'the'":                     {"'the'"},
		"'deal'":                    {"'deal'"},
		"'deal' <-> 'room'":         {"'deal' <-> 'room'"},
		"'room'":                    {"'room'"},
		"'gone'":                    nil,
		"'gone' <-> 'deal'":         nil,
		"'the' <-> 'deal'":          {"'deal'", "'the' <-> 'deal'"},
	}
	near := map[string][]string{"pricng": {"pricing"}}
	tests := []struct {
		query, want, phrase string
		lexemes             []string
	}{
		{"pricng", "('pricng' | 'price' | 'pricing')", "",
			[]string{"pricng", "price", "pricing"}},
		{`pricng "forecast accuracy" -legacy`,
			"('pricng' | 'price' | 'pricing') & (('forecast' <-> 'accuraci') | ('forecast' <-> 'accuracy')) & !('legaci' | 'legacy')", "",
			[]string{"pricng", "price", "pricing", "forecast", "accuraci", "accuracy"}},
		{"a or b c", "('a' | 'b') & 'c'", "", []string{"a", "b", "c"}},
		{"deal room", "'deal' & 'room'", "'deal' <-> 'room'", []string{"deal", "room"}},
		{"gone deal", "'deal'", "", []string{"deal"}},
		{"gone", "", "", []string{}},
		{"-deal the", "!'deal' & 'the'", "", []string{"the"}},
		{`"the deal"`, "('deal' | ('the' <-> 'deal'))", "", []string{"the", "deal"}},
	}
	for _, tt := range tests {
		terms := parseQuery(tt.query)
		for _, text := range variantTexts(terms, near) {
			if _, ok := variants[text]; !ok {
				t.Fatalf("%q: variantTexts asks for %q, which the test does not know", tt.query, text)
			}
		}
		if got := joinTSQuery(terms, near, variants); got != tt.want {
			t.Errorf("%q: tsquery\n got %s\nwant %s", tt.query, got, tt.want)
		}
		if got := queryLexemes(terms, near, variants); fmt.Sprint(got) != fmt.Sprint(tt.lexemes) {
			t.Errorf("%q: lexemes = %v, want %v", tt.query, got, tt.lexemes)
		}
		r := buildRankQueries(terms, near, variants, 11)
		if tt.want == "" {
			if r.match != "" {
				t.Errorf("%q: match = %q, want none", tt.query, r.match)
			}
			continue
		}
		if r.match != "$11::tsquery" || r.words != "$12::text[]" || r.snippet != "$13::text" || r.args[0] != tt.want {
			t.Errorf("%q: rank queries %+v", tt.query, r)
		}
		if tt.phrase != "" && (r.phrase != "$14::tsquery" || r.args[3] != tt.phrase) {
			t.Errorf("%q: phrase %q %v, want %q", tt.query, r.phrase, r.args, tt.phrase)
		}
		if tt.phrase == "" && r.phrase != "" {
			t.Errorf("%q: unexpected phrase %q", tt.query, r.phrase)
		}
	}
	if got := describe(anyOf(parseQuery("a b -c d"))); got != "a OR b OR d -c" {
		t.Errorf("anyOf = %q", got)
	}
}

func TestWithinOneEdit(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"pricing", "pricing", true},
		{"pricing", "pricng", true},   // deletion
		{"pricing", "priccing", true}, // insertion
		{"pricing", "prizing", true},  // substitution
		{"pricing", "rpicing", true},  // swap at the start
		{"review", "reveiw", true},    //nolint:misspell // swap inside, the typo is the test
		{"pricing", "pricign", true},  // swap at the end
		{"pricing", "pircign", false},
		{"pricing", "prcng", false},
		{"pricing", "pricingss", false},
		{"ab", "ba", true},
		{"straße", "strasse", false},
		{"straße", "strase", true},
		{"", "a", true},
		{"", "ab", false},
	}
	for _, tt := range tests {
		if got := withinOneEdit(tt.a, tt.b); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
		if got := withinOneEdit(tt.b, tt.a); got != tt.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v (symmetry)", tt.b, tt.a, got, tt.want)
		}
	}
}

func TestMarkup(t *testing.T) {
	got := markup("Paste <script>" + markStart + "pricing" + markStop + " & more\n\n  text")
	want := "Paste &lt;script&gt;<mark>pricing</mark> &amp; more text"
	if got != want {
		t.Errorf("markup = %q, want %q", got, want)
	}
}

func TestSnippetPattern(t *testing.T) {
	tests := []struct {
		query   string
		near    map[string][]string
		lexemes []string
		want    string
	}{
		{"pricing", nil, []string{"price", "pricing"}, `\m(price|pricing)`},
		{"pricng", map[string][]string{"pricng": {"pricing"}}, []string{"pricng", "pricing"}, `\m(pricing|pricng)`},
		{`"deal room" -legacy`, nil, []string{"deal", "room"}, `\m(deal|room)`},
		{"a b2b", nil, []string{"a", "b2b"}, `\m(b2b)`},
		{"-legacy", nil, nil, `\m\M`},
	}
	for _, tt := range tests {
		if got := snippetPattern(parseQuery(tt.query), tt.near, tt.lexemes); got != tt.want {
			t.Errorf("%q: %s, want %s", tt.query, got, tt.want)
		}
	}
}
