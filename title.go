package stagecraft

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// An asset uploaded without a title is named after what its file says about
// itself. Office, Google Docs, Keynote, Canva and PDF printers fill a file's
// title property with whatever was at hand ("Slide 1", "PowerPoint
// Presentation", "Microsoft Word - proposal_v3.docx"), so the property is
// taken only when it names the document; otherwise the title on the first
// slide or the first heading, and last the file name, tidied.

// maxHeading is the longest heading, in characters, taken as a title:
// anything longer is a paragraph set in a heading style, not a name.
// Default titles are cut at MaxTitleChars, the most a title can be given,
// so that a defaulted title never stops the asset's other fields from
// being edited.
const maxHeading = 200

// DefaultTitle returns the title of an asset uploaded without one:
// DocumentTitle if the document names itself, else TitleFromFilename. It
// is never "".
func DefaultTitle(title, heading, filename string) string {
	if t := DocumentTitle(title, heading, filename); t != "" {
		return t
	}
	return TitleFromFilename(filename)
}

// DocumentTitle returns the name a document gives itself: title, the title
// in its properties (PDF Info, Office dc:title, HTML <title>), if it is
// meaningful, else heading (the first slide's title, the first heading, the
// first large line of a PDF) if that is, else "". filename is the file's
// name, which a title merely repeating does not count as a title. Artefacts
// of copying and printing ("Copy of …", "… - Google Docs") are dropped from
// the title returned.
func DocumentTitle(title, heading, filename string) string {
	if t, ok := meaningful(title, filename); ok {
		return cutTitle(t, MaxTitleChars)
	}
	if t, ok := meaningful(heading, filename); ok && utf8.RuneCountInString(t) <= maxHeading {
		return t
	}
	return ""
}

// MeaningfulTitle reports whether s names a document, rather than being a
// generic title an application left behind ("Slide 1", "Document1",
// "Untitled", "Click to add title", "Présentation PowerPoint"), a file name
// or path (including the upload's own, filename), or no words at all. A
// generic word inside a real title ("Presentation Skills Workshop") is
// fine: only whole titles are judged.
func MeaningfulTitle(s, filename string) bool {
	_, ok := meaningful(s, filename)
	return ok
}

// Patterns of titles that are not names.
var (
	// officeCaption is the window caption that PDF printers take for a
	// title: "Microsoft Word - proposal.docx". What follows is a file
	// name, so it is judged as one would judge the upload's own.
	officeCaption = regexp.MustCompile(`(?i)^microsoft\s*(?:office\s*)?(?:word|powerpoint|excel|visio|publisher|onenote)\s*[-–—]`)
	// appSuffix is the application's name that browsers add to a page's
	// title, and so to a PDF printed from it: "Q3 Pricing - Google Docs".
	appSuffix = regexp.MustCompile(`(?i)\s+[-–—|]\s+(?:google\s+(?:docs|sheets|slides|drive|forms)|` +
		`(?:microsoft\s+)?(?:word|powerpoint|excel)(?:\s+(?:online|for the web))?|` +
		`canva|notion|confluence|dropbox(?:\s+paper)?|quip|onedrive|sharepoint|box|keynote|pages|` +
		`libreoffice(?:\s+(?:writer|impress|calc))?|openoffice(?:\.org)?(?:\s+(?:writer|impress|calc))?|` +
		`(?:adobe\s+)?acrobat(?:\s+reader)?)\s*$`)
	// copyOf is the prefix Google Drive, OneDrive and Office give a
	// duplicate, in a few languages.
	copyOf = regexp.MustCompile(`(?i)^(?:copy of|kopie von|copie de|copia de|copia di|cópia de|kopia av|kopie van)\s+`)
	// fileName is a title ending in a document's extension.
	fileName = regexp.MustCompile(`(?i)\.(?:` + docExtensions + `)$`)
	// location is a path or an address: "C:\Users\…", "/Users/…",
	// "~/Desktop/…", "file:///…", "https://…", "www.…".
	location = regexp.MustCompile(`(?i)^(?:[a-z]:[\\/]|[\\/~]|\.{1,2}[\\/]|(?:https?|file|ftp)://|www\.)`)
	// hexID is an identifier: a UUID or a long hexadecimal hash.
	hexID = regexp.MustCompile(`(?i)^[0-9a-f-]{16,}$`)

	// Numbering a key drops to find the generic title under it: "Slide
	// 1 of 20", "Untitled-1", "Document1", "Book1", "1. Introduction".
	leadingNumber  = regexp.MustCompile(`^[0-9]+(?: [0-9]+)* `)
	countOf        = regexp.MustCompile(` (?:of|von|de|sur|di|van|из) ?[0-9]+$`)
	trailingNumber = regexp.MustCompile(`(?: ?\(?[0-9]+\)?)+$`)
)

// docExtensions are the file extensions that make a title a file name.
const docExtensions = `docx?|docm|dotx?|dotm|pptx?|pptm|potx?|potm|ppsx?|ppsm|xlsx?|xlsm|xlsb|xltx?|csv|tsv|pdf|` +
	`odt|odp|ods|odg|ott|otp|rtf|txt|md|markdown|html?|xhtml|mht|key|pages|numbers|indd|idml|ai|psd|eps|ps|tex|` +
	`dvi|jpe?g|png|gif|tiff?|bmp|svg|webp|heic|vsdx?|pub|xps|oxps|wpd|wps|one|mp4|mov|zip`

// meaningful tidies s (see DocumentTitle) and reports whether what is left
// names a document.
func meaningful(s, filename string) (string, bool) {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	if officeCaption.MatchString(s) {
		return "", false
	}
	for {
		t := copyOf.ReplaceAllString(appSuffix.ReplaceAllString(s, ""), "")
		if t == s {
			break
		}
		s = t
	}
	bare := strings.TrimFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
	switch {
	case letters(s) < 2,
		fileName.MatchString(bare), location.MatchString(s), strings.ContainsRune(s, '\\'),
		!strings.Contains(s, " ") && (strings.Contains(s, "_") || hexID.MatchString(s)),
		sameName(s, filename):
		return "", false
	}
	key := titleKey(s)
	if genericTitles[key] || hasGenericPrefix(key) || onlyPlaceholderWords(key) {
		return "", false
	}
	return s, true
}

// letters counts the letters of s.
func letters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// sameName reports whether title is the file name, or the file name
// without its extension: TitleFromFilename does as well or better.
func sameName(title, filename string) bool {
	filename = baseName(filename)
	if filename == "" {
		return false
	}
	fold := func(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }
	t := fold(title)
	return t == fold(filename) || t == fold(trimExtension(filename))
}

// titleKey is the form in which titles are compared with the generic ones:
// lower case, accents dropped, separators as spaces, no enclosing
// punctuation, and no numbering before or after.
func titleKey(s string) string {
	s = foldAccents.Replace(strings.ToLower(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '_', '-', '–', '—', '.', ':', '/', '|', '·', '•':
			return ' '
		}
		return r
	}, s)
	trim := func(s string) string {
		s = strings.Join(strings.Fields(s), " ")
		return strings.TrimFunc(s, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsNumber(r) && r != '?' && r != '&'
		})
	}
	s = trim(s)
	s = leadingNumber.ReplaceAllString(s, "")
	s = countOf.ReplaceAllString(s, "")
	s = trailingNumber.ReplaceAllString(s, "")
	return trim(s)
}

// hasGenericPrefix reports whether key starts like filler text or an
// application's prompt to replace it ("Lorem ipsum …", "Click to add …").
func hasGenericPrefix(key string) bool {
	for _, p := range genericPrefixes {
		if strings.HasPrefix(key, p) {
			return true
		}
	}
	return false
}

// onlyPlaceholderWords reports whether every word of key is one templates
// are made of: "Presentation Title Text", "Your Title Here", "Click to
// edit Master title style".
func onlyPlaceholderWords(key string) bool {
	words := strings.Fields(key)
	for _, w := range words {
		if !placeholderWords[w] {
			return false
		}
	}
	return len(words) > 0
}

// cutTitle shortens s to at most n characters, at a word boundary when
// there is one in the last third.
func cutTitle(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	if i := lastSpace(r); i > 2*n/3 {
		r = r[:i]
	}
	return strings.TrimRight(string(r), " ,;:-–—")
}

// lastSpace returns the index of the last space in r, or -1.
func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if r[i] == ' ' {
			return i
		}
	}
	return -1
}
