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

func TestBuildTSQuery(t *testing.T) {
	terms := parseQuery(`pricng "forecast accuracy" -legacy or`)
	expr, args := buildTSQuery(terms, map[string][]string{"pricng": {"pricing"}}, 11)
	wantArgs := []any{"('pricng' | 'pricing')", "('forecast' <-> 'accuracy')", "'legacy'"}
	if fmt.Sprint(args) != fmt.Sprint(wantArgs) {
		t.Errorf("args = %v, want %v", args, wantArgs)
	}
	for _, want := range []string{"to_tsquery('english', $11)", "to_tsquery('simple', $12)", "!!(to_tsquery('english', $13)"} {
		if !strings.Contains(expr, want) {
			t.Errorf("expression lacks %q:\n%s", want, expr)
		}
	}
	if strings.Count(expr, " && ") != 2 {
		t.Errorf("want three AND-ed groups:\n%s", expr)
	}
	or, _ := buildTSQuery(parseQuery("a or b c"), nil, 1)
	if !strings.HasPrefix(or, "((to_tsquery('english', $1)") || !strings.Contains(or, ") || (to_tsquery('english', $2)") {
		t.Errorf("OR group: %s", or)
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
