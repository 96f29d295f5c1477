package postgres

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The built-in search takes the same query syntax as web search engines
// (and PostgreSQL's websearch_to_tsquery): words are AND-ed, "quoted words"
// form a phrase, -word excludes, and OR between two terms makes either do.
// It is parsed here rather than by PostgreSQL so that each word can be
// widened with its typo corrections before the tsquery is built, and so that
// nothing the user types ever reaches to_tsquery unquoted.

// maxQueryTerms bounds the work one query can cause.
const maxQueryTerms = 32

// queryTerm is a word or a phrase of the query.
type queryTerm struct {
	words  []string // lower-cased; a phrase has several
	negate bool
	// orNext joins this term to the next with OR instead of AND.
	orNext bool
}

// parseQuery splits text into terms. Words are runs of letters and digits;
// everything else separates them, so punctuation, SQL and filter syntax
// are inert. It never fails: an unbalanced quote closes at the end.
func parseQuery(text string) []queryTerm {
	text = strings.ToValidUTF8(text, " ")
	var terms []queryTerm
	pendingOr := false
	for i := 0; i < len(text) && len(terms) < maxQueryTerms; {
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case r == '"' || ((r == '-') && i+1 < len(text) && text[i+1] == '"'):
			negate := r == '-'
			if negate {
				i++
			}
			i++
			end := strings.IndexByte(text[i:], '"')
			phrase := text[i:]
			if end >= 0 {
				phrase = text[i : i+end]
				i += end + 1
			} else {
				i = len(text)
			}
			if words := splitWords(phrase); len(words) > 0 {
				terms = appendTerm(terms, queryTerm{words: words, negate: negate}, &pendingOr)
			}
		case isWordRune(r) || (r == '-' && i+1 < len(text)):
			negate := false
			if r == '-' {
				negate = true
				i += size
			}
			j := i
			for j < len(text) {
				r2, s2 := utf8.DecodeRuneInString(text[j:])
				if unicode.IsSpace(r2) || r2 == '"' {
					break
				}
				j += s2
			}
			chunk := text[i:j]
			i = j
			if !negate && strings.EqualFold(chunk, "or") && len(terms) > 0 {
				pendingOr = true
				continue
			}
			// A chunk like "e-mail" or "q3/2026" holds several words: all
			// must match, as in a phrase.
			if words := splitWords(chunk); len(words) > 0 {
				terms = appendTerm(terms, queryTerm{words: words, negate: negate}, &pendingOr)
			}
		default:
			i += size
		}
	}
	if len(terms) > 0 {
		terms[len(terms)-1].orNext = false
	}
	return terms
}

func appendTerm(terms []queryTerm, t queryTerm, pendingOr *bool) []queryTerm {
	if *pendingOr && len(terms) > 0 && !t.negate && !terms[len(terms)-1].negate {
		terms[len(terms)-1].orNext = true
	}
	*pendingOr = false
	return append(terms, t)
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// splitWords returns the lower-cased runs of letters and digits in s, each
// at most 64 bytes (longer ones cannot be words anyone types).
func splitWords(s string) []string {
	fields := strings.FieldsFunc(s, func(r rune) bool { return !isWordRune(r) })
	var out []string
	for _, f := range fields {
		if len(f) > 64 {
			continue
		}
		out = append(out, strings.ToLower(f))
	}
	return out
}

// queryWords returns the distinct words of single-word, non-negated terms:
// the ones typo correction may widen and stopword removal may drop.
func queryWords(terms []queryTerm) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range terms {
		for _, w := range t.words {
			if !seen[w] {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// tsLexeme quotes a word for to_tsquery. Words hold only letters and
// digits, so quoting cannot be escaped from; quotes are doubled anyway.
func tsLexeme(w string) string { return "'" + strings.ReplaceAll(w, "'", "''") + "'" }

// phraseQuery is the to_tsquery text of a phrase term.
func phraseQuery(t queryTerm) string {
	parts := make([]string, len(t.words))
	for i, w := range t.words {
		parts[i] = tsLexeme(w)
	}
	return strings.Join(parts, " <-> ")
}

// variantTexts returns the texts whose tsquery in every configuration a
// query needs: each word (with its typo alternatives) and each phrase, the
// query's words as one phrase included.
func variantTexts(terms []queryTerm, near map[string][]string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, t := range terms {
		for _, w := range t.words {
			add(tsLexeme(w))
			for _, a := range near[w] {
				add(tsLexeme(a))
			}
		}
		if len(t.words) > 1 {
			add(phraseQuery(t))
		}
	}
	if p, ok := asPhrase(terms); ok {
		add(phraseQuery(p))
	}
	return out
}

// termTSQuery returns the tsquery text of one term, from the variants of
// its texts (what to_tsquery makes of them in each configuration, without
// duplicates): a word is any lexeme of itself or of its typo
// alternatives, a phrase any configuration's reading of it. Empty when no
// configuration makes anything of it.
func termTSQuery(t queryTerm, near map[string][]string, variants map[string][]string) string {
	var alts []string
	seen := map[string]bool{}
	add := func(text string) {
		for _, v := range variants[text] {
			if !seen[v] {
				seen[v] = true
				alts = append(alts, v)
			}
		}
	}
	if len(t.words) == 1 {
		add(tsLexeme(t.words[0]))
		for _, a := range near[t.words[0]] {
			add(tsLexeme(a))
		}
	} else {
		add(phraseQuery(t))
	}
	if len(alts) == 1 {
		return alts[0]
	}
	for i, a := range alts {
		if strings.Contains(a, " ") {
			alts[i] = "(" + a + ")"
		}
	}
	if len(alts) == 0 {
		return ""
	}
	return "(" + strings.Join(alts, " | ") + ")"
}

// joinTSQuery returns the tsquery text of the whole query: terms AND-ed,
// OR where the user said so, negated ones with !. A term no configuration
// makes anything of drops out, as it does in to_tsquery.
func joinTSQuery(terms []queryTerm, near map[string][]string, variants map[string][]string) string {
	var groups, group []string
	for _, t := range terms {
		if q := termTSQuery(t, near, variants); q != "" {
			if t.negate {
				if strings.Contains(q, " ") && !strings.HasPrefix(q, "(") {
					q = "(" + q + ")"
				}
				q = "!" + q
			}
			group = append(group, q)
		}
		if !t.orNext && len(group) > 0 {
			g := strings.Join(group, " | ")
			if len(group) > 1 {
				g = "(" + g + ")"
			}
			groups = append(groups, g)
			group = nil
		}
	}
	return strings.Join(groups, " & ")
}

// queryLexemes returns the lexemes the query's positive words (typo
// alternatives included) have in any configuration: the ones whose
// postings rank candidates.
func queryLexemes(terms []queryTerm, near map[string][]string, variants map[string][]string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, w := range positiveWords(terms, near) {
		for _, v := range variants[tsLexeme(w)] {
			l := strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(v, "'"), "'"), "''", "'")
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// positiveWords returns the words of the query's non-negated terms, each
// followed by its typo alternatives; a word may appear more than once.
func positiveWords(terms []queryTerm, near map[string][]string) []string {
	var out []string
	for _, t := range terms {
		if t.negate {
			continue
		}
		for _, w := range t.words {
			out = append(out, w)
			out = append(out, near[w]...)
		}
	}
	return out
}

// asPhrase returns the query's words as one phrase, for a query of two
// or more single words joined by AND (a query with OR, NOT or quotes
// says what it means already).
func asPhrase(terms []queryTerm) (queryTerm, bool) {
	if len(terms) < 2 {
		return queryTerm{}, false
	}
	p := queryTerm{}
	for _, t := range terms {
		if t.negate || t.orNext || len(t.words) != 1 {
			return queryTerm{}, false
		}
		p.words = append(p.words, t.words[0])
	}
	return p, true
}

// withinOneEdit reports whether a and b are at most one typo apart: one
// insertion, deletion or substitution, or two neighbouring letters swapped
// (the commonest slip on a keyboard).
func withinOneEdit(a, b string) bool {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > len(rb) {
		ra, rb = rb, ra
	}
	if len(rb)-len(ra) > 1 {
		return false
	}
	i := 0
	for i < len(ra) && ra[i] == rb[i] {
		i++
	}
	if i == len(ra) {
		return true // equal, or b has one more rune at the end
	}
	if len(ra) == len(rb) {
		if string(ra[i+1:]) == string(rb[i+1:]) {
			return true
		}
		// a swap of ra[i] and ra[i+1]
		return i+1 < len(ra) && ra[i] == rb[i+1] && ra[i+1] == rb[i] && string(ra[i+2:]) == string(rb[i+2:])
	}
	return string(ra[i:]) == string(rb[i+1:])
}

// anyOf returns the terms joined by OR, without the negated ones: the
// fallback when no document has every word.
func anyOf(terms []queryTerm) []queryTerm {
	var out []queryTerm
	for _, t := range terms {
		if !t.negate {
			t.orNext = true
			out = append(out, t)
		}
	}
	if len(out) > 0 {
		out[len(out)-1].orNext = false
	}
	for _, t := range terms {
		if t.negate {
			out = append(out, t)
		}
	}
	return out
}

// snippetPattern returns a regular expression (PostgreSQL's flavour,
// matched without regard to case) for the start of a word that begins with
// one of the query's positive words, their typo alternatives or their
// lexemes (a stem such as "price" begins "priced"); one that matches
// nothing when there is none. Lexemes of one letter are left out: they
// begin too many words to place a snippet.
func snippetPattern(terms []queryTerm, near map[string][]string, lexemes []string) string {
	var alts []string
	seen := map[string]bool{}
	add := func(w string) {
		if len([]rune(w)) > 1 && !seen[w] {
			seen[w] = true
			alts = append(alts, regexp.QuoteMeta(w))
		}
	}
	for _, w := range positiveWords(terms, near) {
		add(w)
	}
	for _, l := range lexemes {
		add(l)
	}
	if len(alts) == 0 {
		return `\m\M` // a word start that is also a word end: never
	}
	slices.Sort(alts)
	return `\m(` + strings.Join(alts, "|") + `)`
}
