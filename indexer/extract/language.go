package extract

import (
	"strings"
	"unicode"
)

// stopwords lists the most frequent words of each language that has a
// PostgreSQL text search configuration. Words shared by several languages
// ("de", "la", "a") count for each of them; the distinctive ones decide.
var stopwords = map[string][]string{
	"english": {"the", "and", "of", "to", "a", "in", "is", "that", "it", "for", "with", "as", "was",
		"on", "are", "be", "this", "by", "you", "not", "or", "from", "at", "have", "we", "our", "your", "an"},
	"german": {"der", "die", "und", "das", "ist", "nicht", "ein", "eine", "zu", "den", "mit", "sich",
		"des", "auf", "für", "im", "dem", "von", "auch", "es", "wir", "sie", "ich", "wird", "bei", "oder"},
	"french": {"le", "la", "les", "et", "des", "est", "un", "une", "du", "que", "pour", "dans", "qui",
		"pas", "sur", "au", "avec", "ce", "il", "nous", "vous", "sont", "aux", "par", "plus", "de"},
	"spanish": {"el", "la", "los", "las", "y", "que", "del", "en", "un", "una", "es", "por", "con",
		"para", "se", "su", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "este", "de"},
	"italian": {"il", "di", "che", "e", "la", "per", "un", "una", "non", "sono", "del", "della", "gli",
		"le", "con", "si", "da", "al", "nel", "anche", "questo", "come", "ma", "alla", "dei", "è"},
	"portuguese": {"o", "os", "do", "da", "dos", "das", "e", "que", "em", "um", "uma", "não", "com",
		"para", "no", "na", "por", "se", "ao", "mais", "é", "seu", "sua", "também", "são", "de"},
	"dutch": {"de", "het", "een", "en", "van", "is", "dat", "niet", "te", "op", "zijn", "voor", "met",
		"ook", "er", "aan", "om", "maar", "wij", "ik", "hij", "bij", "nog", "wordt", "naar", "deze"},
}

// stopwordLangs maps each stopword to the languages it belongs to.
var stopwordLangs = func() map[string][]string {
	m := make(map[string][]string)
	for lang, words := range stopwords {
		for _, w := range words {
			m[w] = append(m[w], lang)
		}
	}
	return m
}()

// Detection settings: words looked at, the share of them the winner's
// stopwords must make up, how far it must lead the runner-up, and the
// fewest stopwords that decide at all.
const (
	langSampleWords = 2000
	langMinShare    = 0.15
	langMinLead     = 1.2
	langMinHits     = 2 // one stopword proves nothing
)

// DetectLanguage returns the PostgreSQL text search configuration for text:
// "english", "german", "french", "spanish", "italian", "portuguese" or
// "dutch" when that language's common words make up a clear share of the
// first words of text, else "simple" (mixed, other or no language, CJK).
func DetectLanguage(text string) string {
	counts := make(map[string]int, len(stopwords))
	words := 0
	for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
		if words == langSampleWords {
			break
		}
		words++
		for _, lang := range stopwordLangs[strings.ToLower(w)] {
			counts[lang]++
		}
	}
	// A tie for first place leaves second == first: no clear winner.
	best, first, second := "simple", 0, 0
	for lang, n := range counts {
		if n > first {
			best, first, second = lang, n, first
		} else if n > second {
			second = n
		}
	}
	if first < langMinHits || float64(first) < langMinShare*float64(words) || float64(first) < langMinLead*float64(second) {
		return "simple"
	}
	return best
}
