package extract

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Thumbnail geometry: width in pixels, and the crop height that keeps a
// freakishly tall page from becoming a huge image.
const (
	thumbWidth     = 400
	thumbMaxHeight = 1600
	maxThumbBytes  = 16 << 20
	maxInfoBytes   = 1 << 20
)

// pdfInfo is what pdfinfo tells about a PDF.
type pdfInfo struct {
	title string
	pages int
}

// extractPDF reads a PDF with poppler's pdfinfo and pdftotext, run as
// subprocesses so that a crash or runaway allocation in the parser hits
// only them: its title, text, and heading (see pdfHeading).
func (x *Extractor) extractPDF(ctx context.Context, l Limits, path string, tb *textBuf) (*Result, error) {
	pdftotext, err := lookTool(x.PDFToText, "pdftotext")
	if err != nil {
		return nil, toolMissing("pdftotext", err)
	}
	info, err := x.pdfInfo(ctx, l, path)
	if err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("pdf path: %w", err)
	}
	run := runTool(ctx, l, pdftotext, []string{"-enc", "UTF-8", "-l", strconv.Itoa(l.MaxPages), abs, "-"},
		func(p []byte) bool {
			tb.Write(p)
			return !tb.Full()
		})
	if err := pdfFailure(ctx, "pdftotext", run); err != nil {
		return nil, err
	}
	heading, err := pdfHeading(ctx, l, pdftotext, abs)
	if err != nil {
		return nil, err
	}
	return &Result{Title: info.title, Heading: heading, Pages: info.pages, Truncated: info.pages > l.MaxPages}, nil
}

// pdfInfo runs pdfinfo on the PDF at path.
func (x *Extractor) pdfInfo(ctx context.Context, l Limits, path string) (pdfInfo, error) {
	pdfinfo, err := lookTool(x.PDFInfo, "pdfinfo")
	if err != nil {
		return pdfInfo{}, toolMissing("pdfinfo", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return pdfInfo{}, fmt.Errorf("pdf path: %w", err)
	}
	out := &boundedBuffer{max: maxInfoBytes}
	run := runTool(ctx, l, pdfinfo, []string{"-enc", "UTF-8", abs}, out.sink)
	if err := pdfFailure(ctx, "pdfinfo", run); err != nil {
		return pdfInfo{}, err
	}
	return parsePDFInfo(out.Bytes()), nil
}

// parsePDFInfo reads pdfinfo's "Key: value" lines. Title is printed first
// and Pages after every string the document controls, so the first Title
// and the last Pages line are the real ones even if a title contains a
// newline followed by "Pages: ...".
func parsePDFInfo(out []byte) pdfInfo {
	var info pdfInfo
	seenTitle := false
	for _, line := range strings.Split(string(out), "\n") {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch key {
		case "Title":
			if !seenTitle {
				info.title, seenTitle = strings.TrimSpace(value), true
			}
		case "Pages":
			if n, err := strconv.Atoi(strings.TrimSpace(value)); err == nil && n >= 0 {
				info.pages = n
			}
		}
	}
	return info
}

// Thumbnail returns a PNG of the first page of a PDF, at most 400 pixels
// wide. Other types give KindUnsupported; a missing pdftoppm gives
// KindUnavailable; PDF failures give the kinds Extract would.
func (x *Extractor) Thumbnail(ctx context.Context, path, contentType string) ([]byte, error) {
	l := x.Limits.withDefaults()
	if mediaType(contentType) != "application/pdf" {
		return nil, newError(KindUnsupported, nil, "Previews are only made for PDF files.")
	}
	pdftoppm, err := lookTool(x.PDFToPPM, "pdftoppm")
	if err != nil {
		return nil, toolMissing("pdftoppm", err)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("pdf path: %w", err)
	}
	ctx, cancel := context.WithTimeoutCause(ctx, l.Timeout, errDocTimeout)
	defer cancel()
	out := &boundedBuffer{max: maxThumbBytes}
	w, h := strconv.Itoa(thumbWidth), strconv.Itoa(thumbMaxHeight)
	run := runTool(ctx, l, pdftoppm, []string{"-png", "-f", "1", "-l", "1", "-singlefile",
		"-scale-to-x", w, "-scale-to-y", "-1", "-x", "0", "-y", "0", "-W", w, "-H", h, abs}, out.sink)
	if err := pdfFailure(ctx, "pdftoppm", run); err != nil {
		return nil, contextError(ctx, l, err)
	}
	if run.stopped {
		return nil, newError(KindTooLarge, nil, "The preview of the PDF's first page is too large.")
	}
	png := out.Bytes()
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		return nil, newError(KindBroken, fmt.Errorf("pdftoppm: no PNG output (%d bytes)", len(png)),
			"No preview could be made of the PDF's first page.")
	}
	return png, nil
}

// pdfFailure turns a failed poppler run into an error, or returns nil if
// the run succeeded. Poppler's stderr decides the kind: a password it
// lacks means encrypted, running out of the memory cap means too large.
func pdfFailure(ctx context.Context, tool string, run toolRun) error {
	if run.startErr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return toolMissing(tool, run.startErr)
	}
	if run.err != nil && ctx.Err() != nil {
		return fmt.Errorf("%s: %w", tool, ctx.Err())
	}
	cause := fmt.Errorf("%s: %s", tool, run.stderr)
	if run.err != nil {
		cause = fmt.Errorf("%s: %w: %s", tool, run.err, run.stderr)
	}
	outcome := "its text cannot be read"
	if tool == "pdftoppm" {
		outcome = "no preview can be made"
	}
	switch {
	case run.password:
		return newError(KindEncrypted, cause, "The PDF is password-protected; "+outcome+".")
	case run.oom:
		// Poppler's text output does not decode images, so running out
		// of memory means hostile content streams (e.g. a JBIG2 bomb);
		// what it printed before is not to be trusted as the text.
		return newError(KindTooLarge, cause, "The PDF needs more memory than is allowed; it may be a decompression bomb.")
	case run.stopped || run.err == nil:
		return nil
	}
	return newError(KindBroken, cause, "The PDF is damaged or not a valid PDF; "+outcome+".")
}

// toolMissing is the error for a poppler tool that cannot be run.
func toolMissing(tool string, err error) *Error {
	what := "PDF text extraction is"
	if tool == "pdftoppm" {
		what = "PDF previews are"
	}
	return newError(KindUnavailable, err, fmt.Sprintf(
		"%s unavailable: %s is not installed (install poppler-utils).", what, tool))
}
