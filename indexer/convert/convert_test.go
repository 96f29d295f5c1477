package convert

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

// sharedDocs holds real-world and hostile documents shared between
// packages (poppler, PDFBox and POI test files); it is not in this repo.
const sharedDocs = "../../../shared/testdata/docs"

func doc(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join(sharedDocs, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present: no shared test documents", p)
	}
	return p
}

func needOffice(t *testing.T) {
	t.Helper()
	if !(&Converter{}).CanConvert() {
		t.Skip("LibreOffice (soffice) is not installed")
	}
}

const (
	pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

func TestPDFPages(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		want      int
	}{
		{"plain", "Title: x\nPages:          12\nEncrypted: no\n", 12},
		{"none", "Syntax Error: broken\n", 0},
		{"title forging a count", "Title: a\nPages: 999\nCreator: y\nPages: 3\n", 3},
		{"garbage count", "Pages: many\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := pdfPages(tc.out); got != tc.want {
				t.Errorf("pdfPages = %d, want %d", got, tc.want)
			}
		})
	}
}

func TestPageNumber(t *testing.T) {
	for _, tc := range []struct {
		name string
		n    int
		ok   bool
	}{
		{"page-1.jpg", 1, true},
		{"page-007.jpg", 7, true},
		{"page-0.jpg", 0, false},
		{"page-1.png", 0, false},
		{"other-1.jpg", 0, false},
		{"page-x.jpg", 0, false},
	} {
		n, ok := pageNumber(tc.name)
		if n != tc.n || ok != tc.ok {
			t.Errorf("pageNumber(%q) = %d, %v; want %d, %v", tc.name, n, ok, tc.n, tc.ok)
		}
	}
}

func TestLimitsDefaults(t *testing.T) {
	got := Limits{Timeout: -1, Quality: 101, Width: 800}.withDefaults()
	want := DefaultLimits()
	want.Width = 800
	if got != want {
		t.Errorf("withDefaults = %+v, want %+v", got, want)
	}
}

// Every type the domain sends for conversion must have an input name.
func TestEveryConvertibleTypeHasAnExtension(t *testing.T) {
	for ct := range extensions {
		if stagecraft.PreviewSourceOf(ct) != stagecraft.PreviewSourceConvert {
			t.Errorf("%s has an extension but is not convertible", ct)
		}
	}
	for _, ct := range []string{pptx, docx, "application/vnd.ms-powerpoint", "application/msword",
		"application/vnd.oasis.opendocument.presentation", "application/vnd.oasis.opendocument.text",
		"application/rtf", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"application/vnd.oasis.opendocument.spreadsheet"} {
		if _, ok := extensions[ct]; !ok || stagecraft.PreviewSourceOf(ct) != stagecraft.PreviewSourceConvert {
			t.Errorf("%s is not converted", ct)
		}
	}
}

func TestRenderRealDocuments(t *testing.T) {
	needOffice(t)
	for _, tc := range []struct {
		file, contentType string
		pages             int
	}{
		{"test.pptx", pptx, 1},
		{"SampleShow.pptx", pptx, 2},
		{"test.docx", docx, 0}, // page count checked against pdfinfo below
		{"two_paragraphs.pdf", "application/pdf", 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src := doc(t, tc.file)
			c := &Converter{}
			res, err := c.Render(context.Background(), src, tc.contentType, t.TempDir())
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			if (res.PDF == "") != (tc.contentType == "application/pdf") {
				t.Errorf("rendition %q for %s", res.PDF, tc.contentType)
			}
			if tc.pages > 0 && res.Total != tc.pages {
				t.Errorf("Total = %d, want %d", res.Total, tc.pages)
			}
			if len(res.Pages.Pages) != res.Total || res.Total == 0 {
				t.Fatalf("%d images of %d pages", len(res.Pages.Pages), res.Total)
			}
			for i, p := range res.Pages.Pages {
				if p.Width != DefaultWidth || p.Height < 100 || p.Height > maxAspect*DefaultWidth {
					t.Errorf("page %d is %dx%d", i+1, p.Width, p.Height)
				}
				b, err := os.ReadFile(p.Path)
				if err != nil || len(b) < 1000 || b[0] != 0xFF || b[1] != 0xD8 {
					t.Errorf("page %d is not a JPEG (%d bytes, %v)", i+1, len(b), err)
				}
			}
		})
	}
}

func TestRenderHostileDocuments(t *testing.T) {
	needOffice(t)
	for _, tc := range []struct {
		file, contentType string
		kinds             []Kind // any of
	}{
		{"bug53475-password-is-solrcell.docx", docx, []Kind{KindEncrypted}},
		{"clusterfuzz-testcase-minimized-POIXSLFFuzzer-5463285576892416.pptx", pptx, []Kind{KindBroken}},
		{"empty_protected.pdf", "application/pdf", nil}, // opens without a user password: may render
		{"poppler-395-0-fuzzed.pdf", "application/pdf", []Kind{KindBroken}},
		{"bomb_giant.pdf", "application/pdf", []Kind{KindBroken, KindTooLarge, KindTimeout}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			src := doc(t, tc.file)
			c := &Converter{Limits: Limits{Timeout: 60 * time.Second, MaxMemory: 512 << 20}}
			start := time.Now()
			res, err := c.Render(context.Background(), src, tc.contentType, t.TempDir())
			t.Logf("%s: %v in %s", tc.file, err, time.Since(start).Round(time.Millisecond))
			if err == nil {
				if len(tc.kinds) > 0 && len(res.Pages.Pages) == 0 {
					t.Errorf("no error and no pages")
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Message == "" {
				t.Fatalf("error %v is not a *Error with a message", err)
			}
			if tc.kinds != nil && !containsKind(tc.kinds, e.Kind) {
				t.Errorf("kind = %s, want one of %v (%s)", e.Kind, tc.kinds, e.Message)
			}
		})
	}
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func TestUnavailableWithoutLibreOffice(t *testing.T) {
	c := &Converter{Soffice: filepath.Join(t.TempDir(), "no-soffice")}
	if c.CanConvert() {
		t.Fatal("CanConvert with a missing binary")
	}
	_, err := c.Render(context.Background(), filepath.Join(t.TempDir(), "x"), pptx, t.TempDir())
	if KindOf(err) != KindUnavailable {
		t.Fatalf("err = %v, want unavailable", err)
	}
	// Only LibreOffice is missing: PDFs still render.
	if _, err := (&Converter{}).RenderPages(context.Background(), filepath.Join(t.TempDir(), "none.pdf"), t.TempDir()); KindOf(err) == KindUnavailable {
		t.Errorf("RenderPages reports poppler unavailable: %v", err)
	}
}

// A converter that hangs, and leaves a child behind, is killed with its
// whole process group at the time limit.
func TestHangingConverterIsKilled(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	script := filepath.Join(dir, "soffice")
	body := "#!/bin/sh\nsleep 300 &\necho $! > " + pidFile + "\nwait\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "deck.pptx")
	if err := os.WriteFile(src, []byte("PK"), 0o600); err != nil {
		t.Fatal(err)
	}
	c := &Converter{Soffice: script, Limits: Limits{Timeout: 300 * time.Millisecond}}
	start := time.Now()
	_, err := c.ToPDF(context.Background(), src, pptx, dir)
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %s to stop", took)
	}
	if KindOf(err) != KindTimeout || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v, want a timeout", err)
	}
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the script never started its child: %v", err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	deadline := time.Now().Add(3 * time.Second)
	for {
		// A killed child is gone, or a zombie until init reaps it.
		st, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil || strings.Contains(string(st), ") Z ") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("child %d of the converter outlived the kill", pid)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The real LibreOffice under a time limit too short to start is stopped
// and reported as a timeout.
func TestRealConverterTimeout(t *testing.T) {
	needOffice(t)
	c := &Converter{Limits: Limits{Timeout: 200 * time.Millisecond}}
	_, err := c.ToPDF(context.Background(), doc(t, "test.pptx"), pptx, t.TempDir())
	if KindOf(err) != KindTimeout {
		t.Fatalf("err = %v, want a timeout", err)
	}
}

// Past MaxPages only the first pages are rendered; Total still counts all.
func TestRenderPagesStopsAtTheLimit(t *testing.T) {
	src := doc(t, "TAMReview.pdf")
	c := &Converter{Limits: Limits{MaxPages: 3, Width: 200}}
	res, err := c.RenderPages(context.Background(), src, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 3 || res.Total != 23 {
		t.Fatalf("%d images of %d pages, want 3 of 23", len(res.Pages), res.Total)
	}
	for i, p := range res.Pages {
		if p.Width != 200 {
			t.Errorf("page %d is %d px wide", i+1, p.Width)
		}
	}
}

// RTF, sniffed as a document, converts like .docx.
func TestRenderRTF(t *testing.T) {
	needOffice(t)
	src := filepath.Join(t.TempDir(), "letter")
	body := `{\rtf1\ansi\deff0 {\fonttbl {\f0 Times;}} \f0\fs48 Quarterly plan\par Second line\par}`
	if err := os.WriteFile(src, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := (&Converter{}).Render(context.Background(), src, "application/rtf", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if res.PDF == "" || res.Total != 1 || len(res.Pages.Pages) != 1 {
		t.Errorf("rendition %q, %d pages", res.PDF, res.Total)
	}
}

// Under a memory cap too small for it, LibreOffice fails at once and says
// so; it neither hangs nor blames the file as damaged.
func TestConverterOverItsMemoryCap(t *testing.T) {
	needOffice(t)
	c := &Converter{Limits: Limits{MaxMemory: 96 << 20}}
	start := time.Now()
	_, err := c.ToPDF(context.Background(), doc(t, "test.pptx"), pptx, t.TempDir())
	if KindOf(err) != KindTooLarge {
		t.Fatalf("err = %v, want too large", err)
	}
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %s", took)
	}
}

// A deck past the page limit is converted only one page past it.
func TestConversionStopsPastThePageLimit(t *testing.T) {
	needOffice(t)
	c := &Converter{Limits: Limits{MaxPages: 1}}
	res, err := c.Render(context.Background(), doc(t, "SampleShow.pptx"), pptx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages.Pages) != 1 || res.Total != 2 || !res.Cut {
		t.Errorf("%d images, total %d, cut %v; want 1, 2, true", len(res.Pages.Pages), res.Total, res.Cut)
	}
}

func TestPDFExport(t *testing.T) {
	for _, tc := range []struct{ ext, want string }{
		{".pptx", `pdf:impress_pdf_Export:{"PageRange":{"type":"string","value":"1-501"}}`},
		{".ods", `pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1-501"}}`},
		{".rtf", `pdf:writer_pdf_Export:{"PageRange":{"type":"string","value":"1-501"}}`},
	} {
		if got := pdfExport(tc.ext, 501); got != tc.want {
			t.Errorf("pdfExport(%s) = %s", tc.ext, got)
		}
	}
}

// A long spreadsheet is bounded by the page limit, not converted whole.
func TestSpreadsheetIsBoundedByThePageLimit(t *testing.T) {
	needOffice(t)
	dir := t.TempDir()
	var csv strings.Builder
	for i := range 20000 {
		csv.WriteString(strconv.Itoa(i) + ",quarterly figure," + strconv.Itoa(i*7) + "\n")
	}
	if err := os.WriteFile(filepath.Join(dir, "sheet.csv"), []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	// LibreOffice itself makes the .xlsx, in a profile of its own.
	soffice, _ := (&Converter{}).soffice()
	out, err := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless",
		"--convert-to", "xlsx", "--outdir", dir, filepath.Join(dir, "sheet.csv")).CombinedOutput()
	if err != nil {
		t.Fatalf("make xlsx: %v: %s", err, out)
	}
	c := &Converter{Limits: Limits{MaxPages: 3}}
	start := time.Now()
	res, err := c.Render(context.Background(), filepath.Join(dir, "sheet.xlsx"),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("converted in %s", time.Since(start).Round(time.Millisecond))
	if len(res.Pages.Pages) != 3 || !res.Cut || res.Total != 4 {
		t.Errorf("%d images, total %d, cut %v; want 3, 4, true", len(res.Pages.Pages), res.Total, res.Cut)
	}
}
