package stagecraft

import (
	"regexp"
	"strings"
	"unicode"
)

// TitleFromFilename turns a file name into a readable title, keeping its
// case: the extension goes, underscores (and, in names without spaces,
// hyphens and dots) become spaces, and the marks of a file's history at its
// end are dropped: "Q3_Pricing_FINAL_v2 (1).pptx" becomes "Q3 Pricing". A
// name that would be left empty is returned as it is; "" becomes
// "Untitled". It is never "".
func TitleFromFilename(filename string) string {
	base := strings.TrimSpace(baseName(filename))
	if base == "" {
		return "Untitled"
	}
	stem := trimExtension(strings.ReplaceAll(base, "%20", " "))
	words := strings.Fields(separate(gluedCopyNumber.ReplaceAllString(stem, "$1 $2")))
	words = dropCopyOf(words)
	words = dropHistory(words)
	if title := strings.Join(words, " "); title != "" {
		return cutTitle(title, MaxTitleChars)
	}
	return cutTitle(base, MaxTitleChars)
}

// baseName returns the last element of a path with either separator:
// some browsers send "C:\fakepath\deck.pptx".
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// extension is what may follow the last dot of a file name: a few letters
// and digits, not only digits ("v3.1" has no extension).
var extension = regexp.MustCompile(`\.[A-Za-z0-9]{0,7}[A-Za-z][A-Za-z0-9]{0,7}$`)

// knownExtension is a document's extension, which may also precede the
// real one: "deck.pptx.pdf" is a deck exported as PDF.
var knownExtension = regexp.MustCompile(`(?i)\.(?:` + docExtensions + `)$`)

// trimExtension drops the extension of name, and a document's extension
// before it.
func trimExtension(name string) string {
	if loc := extension.FindStringIndex(name); loc != nil && len(extension.FindString(name)) <= 9 {
		name = name[:loc[0]]
		if loc := knownExtension.FindStringIndex(name); loc != nil {
			name = name[:loc[0]]
		}
	}
	return name
}

// separate turns the separators of a file name into spaces. Underscores
// always are; in a name that has spaces, hyphens and dots before a space
// are the author's punctuation ("Follow-up Plan", "Acme Inc. Overview"),
// and in one that has none they separate words, as do pluses. A dot
// between digits is a decimal point.
func separate(stem string) string {
	spaced := strings.ContainsRune(stem, ' ')
	rs := []rune(stem)
	for i, r := range rs {
		switch {
		case r == '_':
			rs[i] = ' '
		case (r == '-' || r == '+') && !spaced:
			rs[i] = ' '
		case r == '.':
			decimal := i > 0 && i < len(rs)-1 && unicode.IsDigit(rs[i-1]) && unicode.IsDigit(rs[i+1])
			abbreviation := spaced && i > 0 && (i == len(rs)-1 || rs[i+1] == ' ')
			if !decimal && !abbreviation {
				rs[i] = ' '
			}
		}
	}
	return string(rs)
}

// dropCopyOf drops the "Copy of" that a duplicate's name starts with.
func dropCopyOf(words []string) []string {
	if len(words) > 2 && copyOf.MatchString(words[0]+" "+words[1]+" ") {
		return words[2:]
	}
	return words
}

// Marks of a file's history: versions ("v2", "V3.1", "rev4", "ver. 2"),
// states ("final", "FINAL2", "draft", "copy", "wip") and the numbers
// browsers and file managers add to a second download or copy ("(1)").
// "draft" goes too: whether an asset is a draft is its status, and a title
// outlives its versions.
var (
	versionMark = regexp.MustCompile(`(?i)^(?:v|ver|version|rev|revision)\.?[0-9]+(?:\.[0-9]+)*[a-z]?$`)
	stateMark   = regexp.MustCompile(`(?i)^(?:final|draft|copy|kopie|copie|copia|wip|bak|backup)[0-9]*$`)
	copyNumber  = regexp.MustCompile(`^\([0-9]{1,2}\)$`)
	// gluedCopyNumber is a copy's number without its space: "Proposal(1)".
	gluedCopyNumber = regexp.MustCompile(`(\S)(\([0-9]{1,2}\))$`)
	numberedMark    = regexp.MustCompile(`(?i)^(?:v|ver|version|rev|revision|final|draft|copy|kopie|copie|copia)\.?$`)
	number          = regexp.MustCompile(`^[0-9]+(?:\.[0-9]+)*$`)
)

// dropHistory drops the marks of a file's history from the end of words,
// never the first word.
func dropHistory(words []string) []string {
	for len(words) > 1 {
		last := strings.Trim(words[len(words)-1], "()[]{}")
		switch {
		case strings.Trim(words[len(words)-1], "-–—,;:") == "":
			words = words[:len(words)-1]
		case versionMark.MatchString(last), stateMark.MatchString(last), copyNumber.MatchString(words[len(words)-1]):
			words = words[:len(words)-1]
		case number.MatchString(last) && len(words) > 2 && numberedMark.MatchString(strings.Trim(words[len(words)-2], "()[]{}")):
			words = words[:len(words)-2]
		default:
			return trimLast(words)
		}
	}
	return trimLast(words)
}

// trimLast drops the commas and colons that end the last word, unless
// nothing would be left of it.
func trimLast(words []string) []string {
	if n := len(words); n > 0 {
		if w := strings.TrimRight(words[n-1], ",;:"); w != "" {
			words[n-1] = w
		}
	}
	return words
}
