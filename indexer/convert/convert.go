// Package convert makes page previews: it converts decks, documents and
// spreadsheets to PDF with LibreOffice, and renders the pages of a PDF as
// JPEG images with poppler's pdftoppm.
//
// Uploaded files are untrusted. LibreOffice therefore runs as a separate
// process with a fresh profile per run in which macros can never run, under
// a wall-clock timeout (the whole process group is killed) and an
// address-space cap (prlimit); one conversion runs at a time per process,
// as LibreOffice is heavy. Every failure is an *Error whose Message can be
// shown to users; KindUnavailable means a tool is not installed, which is
// not the file's fault and is worth retrying once it is.
package convert

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Limits bound the work done for one file. Zero fields take the defaults.
type Limits struct {
	// Timeout caps the conversion to PDF, and separately the rendering
	// of the pages.
	Timeout time.Duration
	// MaxMemory caps the address space of LibreOffice and pdftoppm
	// (prlimit --as), in bytes.
	MaxMemory int64
	// MaxPages caps the pages rendered; later pages get no image.
	MaxPages int
	// Width is the width of page images in pixels.
	Width int
	// Quality is the JPEG quality of page images (1–100).
	Quality int
}

// Defaults; see Limits. LibreOffice 7.4 converts a typical deck in 2–5 s
// on one core (peak RSS about 220 MB); measured under prlimit it starts and
// converts within a 256 MiB address space and cannot even map its
// libraries in 128 MiB. 1 GiB leaves room for large decks while stopping
// runaway documents.
const (
	DefaultTimeout   = 120 * time.Second
	DefaultMaxMemory = 1 << 30
	DefaultMaxPages  = 500
	DefaultWidth     = 1400
	DefaultQuality   = 80
)

// DefaultLimits returns the limits used for zero fields.
func DefaultLimits() Limits {
	return Limits{Timeout: DefaultTimeout, MaxMemory: DefaultMaxMemory, MaxPages: DefaultMaxPages,
		Width: DefaultWidth, Quality: DefaultQuality}
}

// withDefaults fills zero or negative fields, so that a partly filled
// Limits never means "unlimited".
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.Width <= 0 {
		l.Width = d.Width
	}
	if l.Quality <= 0 || l.Quality > 100 {
		l.Quality = d.Quality
	}
	return l
}

// Kind says why no preview was made.
type Kind string

// Kinds of failure.
const (
	KindUnavailable Kind = "unavailable" // LibreOffice or poppler is not installed
	KindUnsupported Kind = "unsupported" // no preview for this type of file
	KindEncrypted   Kind = "encrypted"   // password-protected
	KindBroken      Kind = "broken"      // unreadable or malformed
	KindTooLarge    Kind = "too_large"   // the memory cap was hit
	KindTimeout     Kind = "timeout"     // Limits.Timeout passed
)

// Error is a failure to make a preview. Message is a sentence safe to show
// to users; Err is the cause, for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

// Error returns the kind, the message and the cause, for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("convert %s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("convert %s: %s", e.Kind, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func newError(kind Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: err}
}

// KindOf returns the kind of a convert error, or "" for any other error
// (the caller's context ended, a temporary directory failed).
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return ""
}

// errTimeout is the cause of the per-file deadline, telling it apart from
// the caller's own deadline or cancellation.
var errTimeout = errors.New("conversion timeout")

// formatDuration writes d for users: "120 seconds" rather than "2m0s".
func formatDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%d seconds", d/time.Second)
	}
	return d.String()
}

// mediaType returns the lower-cased media type without parameters.
func mediaType(contentType string) string {
	base, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// Result is the previews made of one file.
type Result struct {
	// PDF is the path of the PDF converted from the file, "" when the
	// file was a PDF already.
	PDF string
	Pages
	// Cut reports that the conversion stopped past the page limit, so
	// the file has at least Total pages but may have more.
	Cut bool
}

// Render makes the page images of the file at src, of contentType, inside
// dir (which the caller removes): PDFs are rendered as they are, decks,
// documents and spreadsheets are converted to PDF first. Errors are those
// of ToPDF and RenderPages.
func (c *Converter) Render(ctx context.Context, src, contentType, dir string) (*Result, error) {
	res := &Result{}
	pdf := src
	switch stagecraft.PreviewSourceOf(contentType) {
	case stagecraft.PreviewSourcePDF:
	case stagecraft.PreviewSourceConvert:
		var err error
		if pdf, err = c.ToPDF(ctx, src, contentType, dir); err != nil {
			return nil, err
		}
		res.PDF = pdf
	default:
		return nil, newError(KindUnsupported, nil, "Files of this type have no page previews.")
	}
	pages, err := c.RenderPages(ctx, pdf, dir)
	if err != nil {
		return nil, err
	}
	res.Pages = *pages
	// ToPDF exports one page past the limit, and no more.
	res.Cut = res.PDF != "" && pages.Total > len(pages.Pages)
	return res, nil
}
