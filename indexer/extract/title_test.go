package extract

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/stagecraft/stagecraft"
)

// TestDefaultTitleSharedDocs names each shared document as an upload
// without a title would be named: by stagecraft.DefaultTitle over what
// Extract gives, or over the file name alone when the file cannot be read.
// Each title was checked by hand against the document.
func TestDefaultTitleSharedDocs(t *testing.T) {
	entries, x := sharedDocsExtractor(t)
	wants := map[string]string{
		// A resume template: its first heading is the section "Objective".
		"60316.docx": "60316",
		// Its large line comes out in visual order, as drawn: no heading.
		"ArabicCIDTrueType.pdf": "ArabicCIDTrueType",
		"SampleShow.pptx":       "SlideShow Sample",
		"TAMReview.pdf":         "Overview of the Technology Acceptance Model: Origins, Developments and Future Directions",
		"alphatrans.pdf":        "Alpha Transparency Test",
		"pdfjs_wikipedia.pdf":   "PDF.js - Wikipedia",
		"test.docx":             "python-docx was here!", // its first heading
		// Generic titles and headings give way to the file name.
		"missing_rels_item.pptx":    "missing rels item",    // "Presentation", first slide "Presentation Title Text"
		"test.pptx":                 "test",                 // the same
		"no-slides.pptx":            "no slides",            // "Empty Default White PowerPoint Presentation"
		"par-known-paragraphs.docx": "par known paragraphs", // first heading "Heading Paragraph"
		"prs-notes.pptx":            "prs notes",            // "Presentation", an empty first slide
		"smartart-simple.pptx":      "smartart simple",      // "PowerPoint Presentation", no title placeholder
		"with_japanese.pptx":        "with japanese",        // "Slide 1", an empty title placeholder
		// Documents that name themselves nowhere.
		"having-images.docx":  "having images",
		"empty.pdf":           "empty",
		"empty_protected.pdf": "empty protected",
		"sizes.pdf":           "sizes", // one size of type throughout
		"two_paragraphs.pdf":  "two paragraphs",
		// Fuzzed, encrypted and hostile files keep their file names.
		"PDFBOX-3148-2-fuzzed.pdf":           "PDFBOX 3148 2 fuzzed",
		"bomb_giant.pdf":                     "bomb giant",
		"bug53475-password-is-solrcell.docx": "bug53475 password is solrcell",
		"poppler-395-0-fuzzed.pdf":           "poppler 395 0 fuzzed",
		"clusterfuzz-testcase-minimized-POIXSLFFuzzer-5463285576892416.pptx": "clusterfuzz testcase minimized POIXSLFFuzzer 5463285576892416",
	}
	t.Logf("%-70s %-32q %-32q %q", "file", "title", "heading", "default title")
	for _, e := range entries {
		name := e.Name()
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(sharedDocs, name)
			var title, heading string
			res, err := x.Extract(context.Background(), path, detect(t, path))
			var xe *Error
			switch {
			case err == nil:
				title, heading = res.Title, res.Heading
			case !errors.As(err, &xe):
				t.Fatalf("Extract = %v: not an *Error", err)
			}
			got := stagecraft.DefaultTitle(title, heading, name)
			t.Logf("%-70s %-32q %-32q %q", name, title, heading, got)
			if want, ok := wants[name]; !ok {
				t.Logf("no expected title for %s", name)
			} else if got != want {
				t.Errorf("title %q, want %q", got, want)
			}
		})
	}
}
