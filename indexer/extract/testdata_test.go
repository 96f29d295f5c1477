package extract

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/library"
)

// sharedDocs holds real-world and hostile documents shared between
// packages (poppler, PDFBox and POI test files); it is not in this repo.
const sharedDocs = "../../../shared/testdata/docs"

// detect sniffs a file the way the library does on upload.
func detect(t testing.TB, path string) string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	head := make([]byte, library.SniffLen)
	n, _ := f.Read(head)
	return library.Detect(head[:n], filepath.Base(path))
}

// sharedDocsExtractor lists the shared test documents and returns an
// Extractor able to read them, skipping the test when either is missing.
func sharedDocsExtractor(t *testing.T) ([]os.DirEntry, *Extractor) {
	t.Helper()
	entries, err := os.ReadDir(sharedDocs)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s not present: no shared test documents", sharedDocs)
	} else if err != nil {
		t.Fatal(err)
	}
	x := New(Limits{Timeout: 20 * time.Second})
	if !x.HasPDFTools() {
		t.Skip("pdftotext not installed: apt-get install poppler-utils")
	}
	return entries, x
}

// TestExtractSharedDocs runs Extract on every shared document: each must
// finish within the timeout with a Result or an *Error with a message.
// The expectations were checked by hand with pdftotext, pdfinfo and unzip.
func TestExtractSharedDocs(t *testing.T) {
	entries, x := sharedDocsExtractor(t)

	type want struct {
		kind     Kind     // "" for success
		kinds    []Kind   // any of these, when the outcome may vary
		pages    int      // -1: don't check
		title    string   // checked when not ""
		contains []string // substrings of Text
		empty    bool     // Text must be ""
		language string   // checked when not ""
	}
	wants := map[string]want{
		"two_paragraphs.pdf": {pages: 1, contains: []string{"The first paragraph.", "The second paragraph."}, language: "english"},
		"sizes.pdf":          {pages: 3, contains: []string{"Normal\fEnvelope\fLandscape"}},
		"empty.pdf":          {pages: 1, empty: true},
		// Encrypted with an owner password only: readable by anyone.
		"empty_protected.pdf":      {pages: 1, empty: true},
		"bomb_giant.pdf":           {kinds: []Kind{KindTooLarge, KindBroken, KindTimeout}},
		"poppler-395-0-fuzzed.pdf": {kind: KindBroken},
		"PDFBOX-3148-2-fuzzed.pdf": {pages: 1, empty: true},
		// Its fonts after page 1 lack Unicode maps: pdftotext prints glyph
		// codes, so most of the text is noise and the language unclear.
		"TAMReview.pdf": {pages: 23, language: "simple",
			title:    "Overview of the Technology Acceptance Model: Origins, Developments and Future Directions",
			contains: []string{"User acceptance of technology"}},
		"alphatrans.pdf":        {pages: 1, title: "Alpha Transparency Test", contains: []string{"Powered by TCPDF"}},
		"pdfjs_wikipedia.pdf":   {pages: 1, title: "PDF.js - Wikipedia", contains: []string{"JavaScript library"}, language: "english"},
		"ArabicCIDTrueType.pdf": {pages: 1, language: "simple"},

		"bug53475-password-is-solrcell.docx": {kind: KindEncrypted},
		"test.docx":                          {pages: 0, contains: []string{"python-docx was here!\npython-docx was here too!"}},
		"par-known-paragraphs.docx":          {pages: 0, contains: []string{"Heading Paragraph\nNormal paragraph"}},
		"60316.docx":                         {pages: 0, contains: []string{"Objective", "Getting the perfect job might be challenging"}, language: "english"},
		"having-images.docx":                 {pages: 0},

		"test.pptx":              {pages: 1, title: "Presentation", contains: []string{"Presentation Title Text\nSubtitle Text"}},
		"prs-notes.pptx":         {pages: 1, title: "Presentation", contains: []string{"Notes"}},
		"missing_rels_item.pptx": {pages: 1, title: "Presentation", contains: []string{"Presentation Title Text"}},
		"no-slides.pptx":         {pages: 0, empty: true},
		"SampleShow.pptx": {pages: 2, contains: []string{"Title of the first slide", "I am the notes of the first slide",
			"\fThis is the second slide", "These are the notes of the 2nd slide"}},
		"smartart-simple.pptx": {pages: 1, contains: []string{"This file contains a SmartArt diagram", "abc", "def", "ghi"}},
		// Mostly English table and list text around one Japanese line,
		// so English it is.
		"with_japanese.pptx": {pages: 1, title: "Slide 1", contains: []string{"ゾルゲと尾崎、淡々と最期", "𐌲𐌿𐍄𐌹𐍃𐌺"}, language: "english"},
		"clusterfuzz-testcase-minimized-POIXSLFFuzzer-5463285576892416.pptx": {kinds: []Kind{"", KindBroken}, pages: -1},
	}

	t.Logf("%-70s %-11s %5s %7s %-6s %s", "file", "kind", "pages", "text", "time", "title")
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(sharedDocs, name)
			ct := detect(t, path)
			start := time.Now()
			res, err := x.Extract(context.Background(), path, ct)
			took := time.Since(start)

			var kind Kind
			var xe *Error
			switch {
			case err == nil:
				t.Logf("%-70s %-11s %5d %7d %-6s %q", name, "ok", res.Pages, len(res.Text), took.Round(time.Millisecond), res.Title)
			case errors.As(err, &xe):
				kind = xe.Kind
				t.Logf("%-70s %-11s %5s %7s %-6s %s (%v)", name, kind, "-", "-", took.Round(time.Millisecond), xe.Message, xe.Err)
				if xe.Message == "" {
					t.Errorf("error without a message: %v", err)
				}
			default:
				t.Fatalf("Extract(%s) = %v: not an *Error", ct, err)
			}
			if took > x.Limits.Timeout+5*time.Second {
				t.Errorf("took %s, over the %s timeout", took, x.Limits.Timeout)
			}

			w, ok := wants[name]
			if !ok {
				t.Logf("no expectations for %s (%s)", name, ct)
				return
			}
			if w.kinds != nil {
				if !containsKind(w.kinds, kind) {
					t.Errorf("kind %q, want one of %q", kind, w.kinds)
				}
			} else if kind != w.kind {
				t.Fatalf("kind %q, want %q (%v)", kind, w.kind, err)
			}
			if err != nil {
				return
			}
			if w.pages >= 0 && res.Pages != w.pages {
				t.Errorf("Pages = %d, want %d", res.Pages, w.pages)
			}
			if w.title != "" && res.Title != w.title {
				t.Errorf("Title = %q, want %q", res.Title, w.title)
			}
			for _, s := range w.contains {
				if !strings.Contains(res.Text, s) {
					t.Errorf("Text lacks %q:\n%s", s, clip(res.Text))
				}
			}
			if w.empty && res.Text != "" {
				t.Errorf("Text = %q, want empty", clip(res.Text))
			}
			if w.language != "" && res.Language != w.language {
				t.Errorf("Language = %q, want %q", res.Language, w.language)
			}
			checkText(t, res.Text)
		})
	}
}

func containsKind(kinds []Kind, k Kind) bool {
	for _, want := range kinds {
		if want == k {
			return true
		}
	}
	return false
}

// clip shortens text for failure messages.
func clip(s string) string { return cutRunes(s, 600) }
