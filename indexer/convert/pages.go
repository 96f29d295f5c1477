package convert

import (
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig reads the page images' sizes
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Page is one rendered page image.
type Page struct {
	Path          string
	Width, Height int
}

// Pages are the images of a PDF's pages.
type Pages struct {
	// Pages holds the images of pages 1..len(Pages), in order.
	Pages []Page
	// Total is the PDF's page count; more than len(Pages) when the page
	// limit was reached.
	Total int
}

// maxAspect caps a page image's height at this many times its width, so a
// freakishly tall page (a bomb, or a 5 m banner) cannot make a huge image.
const maxAspect = 4

// RenderPages renders every page of the PDF at pdf, up to Limits.MaxPages,
// as JPEGs Limits.Width pixels wide, into a new directory inside dir.
//
// Failures are *Error: KindUnavailable without poppler, KindEncrypted,
// KindBroken, KindTooLarge, KindTimeout. If ctx itself ends, its error is
// returned.
func (c *Converter) RenderPages(ctx context.Context, pdf, dir string) (*Pages, error) {
	l := c.Limits.withDefaults()
	pdftoppm, err1 := lookTool(c.PDFToPPM, "pdftoppm")
	pdfinfo, err2 := lookTool(c.PDFInfo, "pdfinfo")
	if err := errors.Join(err1, err2); err != nil {
		return nil, newError(KindUnavailable, err,
			"Page previews are unavailable: poppler-utils (pdftoppm) is not installed on the server.")
	}
	abs, err := filepath.Abs(pdf)
	if err != nil {
		return nil, fmt.Errorf("pdf path: %w", err)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, l.Timeout, errTimeout)
	defer cancel()

	r := runTool(ctx, l.MaxMemory, nil, pdfinfo, abs)
	if err := popplerFailure(ctx, l, "pdfinfo", r); err != nil {
		return nil, err
	}
	total := pdfPages(r.out)
	if total < 1 {
		return nil, newError(KindBroken, fmt.Errorf("pdfinfo: no page count: %s", firstLine(r.out)),
			"The document has no pages to show.")
	}
	last := min(total, l.MaxPages)

	out, err := os.MkdirTemp(dir, "pages-")
	if err != nil {
		return nil, fmt.Errorf("pages directory: %w", err)
	}
	w := strconv.Itoa(l.Width)
	r = runTool(ctx, l.MaxMemory, nil, pdftoppm, "-jpeg", "-jpegopt", "quality="+strconv.Itoa(l.Quality),
		"-f", "1", "-l", strconv.Itoa(last), "-scale-to-x", w, "-scale-to-y", "-1",
		"-x", "0", "-y", "0", "-W", w, "-H", strconv.Itoa(maxAspect*l.Width),
		abs, filepath.Join(out, "page"))
	if err := popplerFailure(ctx, l, "pdftoppm", r); err != nil {
		return nil, err
	}
	pages, err := collectPages(out)
	if err != nil {
		return nil, err
	}
	if len(pages) != last {
		return nil, newError(KindBroken, fmt.Errorf("pdftoppm rendered %d of %d pages: %s", len(pages), last, firstLine(r.out)),
			"Some pages of the document could not be rendered; it may be damaged.")
	}
	return &Pages{Pages: pages, Total: total}, nil
}

// collectPages lists pdftoppm's output (page-1.jpg, or page-001.jpg when
// there are 100 or more pages) in page order, with each image's size.
func collectPages(dir string) ([]Page, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read rendered pages: %w", err)
	}
	type numbered struct {
		n    int
		name string
	}
	var found []numbered
	for _, e := range entries {
		n, ok := pageNumber(e.Name())
		if ok {
			found = append(found, numbered{n, e.Name()})
		}
	}
	sort.Slice(found, func(i, j int) bool { return found[i].n < found[j].n })
	pages := make([]Page, 0, len(found))
	for i, f := range found {
		if f.n != i+1 {
			return nil, newError(KindBroken, fmt.Errorf("page %d missing from pdftoppm's output", i+1),
				"Some pages of the document could not be rendered; it may be damaged.")
		}
		p := Page{Path: filepath.Join(dir, f.name)}
		if p.Width, p.Height, err = imageSize(p.Path); err != nil {
			return nil, newError(KindBroken, err, "Some pages of the document could not be rendered; it may be damaged.")
		}
		pages = append(pages, p)
	}
	return pages, nil
}

// pageNumber parses "page-<n>.jpg".
func pageNumber(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "page-")
	if !ok {
		return 0, false
	}
	s, ok = strings.CutSuffix(s, ".jpg")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n > 0
}

func imageSize(path string) (int, int, error) {
	f, err := os.Open(path) //nolint:gosec // G304: pdftoppm's output in our directory
	if err != nil {
		return 0, 0, err
	}
	defer func() { _ = f.Close() }() // read-only
	cfg, _, err := image.DecodeConfig(f)
	if err != nil {
		return 0, 0, fmt.Errorf("page image %s: %w", filepath.Base(path), err)
	}
	return cfg.Width, cfg.Height, nil
}

// pdfPages reads the "Pages:" line of pdfinfo's output. Pages is printed
// after every string the document controls (its title may hold a newline
// and a fake "Pages:"), so the last such line is the real one.
func pdfPages(out string) int {
	n := 0
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(line, "Pages:"); ok {
			if p, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && p >= 0 {
				n = p
			}
		}
	}
	return n
}

// popplerFailure turns a failed poppler run into an error, or nil when it
// succeeded.
func popplerFailure(ctx context.Context, l Limits, tool string, r run) error {
	if ctx.Err() != nil {
		if errors.Is(context.Cause(ctx), errTimeout) {
			return newError(KindTimeout, ctx.Err(),
				"Rendering the pages took longer than %s, so it was stopped.", formatDuration(l.Timeout))
		}
		return fmt.Errorf("%s: %w", tool, ctx.Err())
	}
	if r.startErr != nil {
		return newError(KindUnavailable, r.startErr,
			"Page previews are unavailable: poppler-utils (%s) could not be started.", tool)
	}
	if r.err == nil {
		return nil
	}
	cause := fmt.Errorf("%s: %w: %s", tool, r.err, firstLine(r.out))
	switch {
	case strings.Contains(r.out, "Incorrect password"):
		return newError(KindEncrypted, cause, "The PDF is password-protected, so no preview can be made.")
	case strings.Contains(r.out, "Out of memory") || strings.Contains(r.out, "bad_alloc"):
		return newError(KindTooLarge, cause, "The document needs more memory to render than is allowed; it may be a decompression bomb.")
	}
	return newError(KindBroken, cause, "The document is damaged or not a valid PDF, so no preview can be made.")
}

// lookTool resolves a configured tool path, or name on PATH when path is "".
func lookTool(path, name string) (string, error) {
	if path == "" {
		path = name
	}
	return exec.LookPath(path)
}
