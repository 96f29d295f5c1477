// Package extract turns an uploaded file into searchable text.
//
// Uploaded files are untrusted: they may be fuzzed, encrypted, empty or
// decompression bombs. Every extractor therefore runs under Limits, PDF
// parsing happens in poppler subprocesses (so a crash cannot take the worker
// down), in-process parsers recover from panics, and every failure comes
// back as an *Error whose Message is a sentence that can be shown to users.
package extract

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits bound the work done for one document. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// MaxDecompressed caps the bytes read out of all members of an archive
	// together, against zip bombs.
	MaxDecompressed int64
	// MaxPages caps the PDF pages or PPTX slides processed.
	MaxPages int
	// MaxText caps the bytes of text kept; longer text is cut at a rune
	// boundary and Result.Truncated is set.
	MaxText int
	// Timeout caps the time spent on one document.
	Timeout time.Duration
	// MaxMemory caps the address space of external tools (prlimit --as).
	MaxMemory int64
}

// Default limits; see Limits.
const (
	DefaultMaxDecompressed = 256 << 20
	DefaultMaxPages        = 2000
	DefaultMaxText         = 2 << 20
	DefaultTimeout         = 60 * time.Second
	DefaultMaxMemory       = 1 << 30
)

// DefaultLimits returns the limits used for zero fields.
func DefaultLimits() Limits {
	return Limits{
		MaxDecompressed: DefaultMaxDecompressed,
		MaxPages:        DefaultMaxPages,
		MaxText:         DefaultMaxText,
		Timeout:         DefaultTimeout,
		MaxMemory:       DefaultMaxMemory,
	}
}

// withDefaults fills the zero (or negative) fields of l, so that a
// partially filled Limits never means "unlimited".
func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDecompressed <= 0 {
		l.MaxDecompressed = d.MaxDecompressed
	}
	if l.MaxPages <= 0 {
		l.MaxPages = d.MaxPages
	}
	if l.MaxText <= 0 {
		l.MaxText = d.MaxText
	}
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxMemory <= 0 {
		l.MaxMemory = d.MaxMemory
	}
	return l
}

// Result is the text of a document and what is known about it.
type Result struct {
	// Title is the document's own title (PDF Info Title, OOXML dc:title,
	// HTML <title>), trimmed; "" if it has none.
	Title string
	// Heading is the title the document shows first, trimmed: the title
	// placeholder of the first slide (PPTX), the first paragraph styled
	// Title or Heading 1 (DOCX), the first <h1> (HTML), the largest line
	// near the top of the first page (PDF); "" if it has none. Like Title
	// it may be generic ("Agenda"): the caller judges.
	Heading string
	// Text is valid UTF-8 with normalised whitespace. For paged formats
	// (PDF, PPTX) pages or slides are separated by "\f".
	Text string
	// Pages is the number of PDF pages or PPTX slides, 0 for other formats.
	Pages int
	// Language is DetectLanguage(Text): a PostgreSQL text search config.
	Language string
	// Truncated reports that Text is incomplete because a limit (MaxText,
	// MaxPages) was reached.
	Truncated bool
}

// Kind says why extraction did not produce text.
type Kind string

// Kinds of extraction failure.
const (
	KindEncrypted   Kind = "encrypted"   // password-protected
	KindBroken      Kind = "broken"      // unreadable or malformed
	KindTooLarge    Kind = "too_large"   // a hard limit was hit (decompressed size, memory)
	KindTimeout     Kind = "timeout"     // Limits.Timeout passed
	KindUnsupported Kind = "unsupported" // no extractor for this content type
	KindUnavailable Kind = "unavailable" // the external tool needed is not installed
)

// Error is an extraction failure. Message is a sentence safe to show to
// users; Err is the cause, for logs.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

// Error returns the kind, the message and the cause, for logs.
func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("extract %s: %s: %v", e.Kind, e.Message, e.Err)
	}
	return fmt.Sprintf("extract %s: %s", e.Kind, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// newError returns an *Error of kind with a user sentence and a cause.
func newError(kind Kind, err error, message string) *Error {
	return &Error{Kind: kind, Message: message, Err: err}
}

// Extractor extracts text and thumbnails. Its zero value works: empty tool
// paths are looked up on PATH when needed.
type Extractor struct {
	Limits Limits
	// Paths of the poppler-utils tools; "" means look up on PATH.
	PDFToText, PDFInfo, PDFToPPM string
}

// New returns an Extractor with limits l, resolving the poppler tools on
// PATH. A missing tool is left "" and reported by Extract as
// KindUnavailable, not here: the worker can still index other formats.
func New(l Limits) *Extractor {
	x := &Extractor{Limits: l}
	x.PDFToText, _ = exec.LookPath("pdftotext")
	x.PDFInfo, _ = exec.LookPath("pdfinfo")
	x.PDFToPPM, _ = exec.LookPath("pdftoppm")
	return x
}

// HasPDFTools reports whether pdftotext and pdfinfo can be run, i.e.
// whether PDF text extraction is available.
func (x *Extractor) HasPDFTools() bool {
	_, err1 := lookTool(x.PDFToText, "pdftotext")
	_, err2 := lookTool(x.PDFInfo, "pdfinfo")
	return err1 == nil && err2 == nil
}

// errDocTimeout is the cause of the per-document deadline, which tells it
// apart from a deadline or cancellation of the caller's context.
var errDocTimeout = errors.New("document timeout")

// Extract returns the text of the file at path, whose sniffed type is
// contentType (parameters such as "; charset=utf-8" are allowed). A
// document without text is not an error: its Result has Text "".
//
// Failures of the document are returned as *Error: KindEncrypted,
// KindBroken, KindTooLarge, KindTimeout, KindUnsupported or
// KindUnavailable. If ctx itself is cancelled, its error is returned
// wrapped, and is no *Error: the document is not at fault.
func (x *Extractor) Extract(ctx context.Context, path, contentType string) (*Result, error) {
	l := x.Limits.withDefaults()
	ctx, cancel := context.WithTimeoutCause(ctx, l.Timeout, errDocTimeout)
	defer cancel()

	base := mediaType(contentType)
	tb := newTextBuf(l.MaxText)
	res, err := safely(func() (*Result, error) {
		switch base {
		case "application/pdf":
			return x.extractPDF(ctx, l, path, tb)
		case typeDOCX:
			return extractDOCX(ctx, l, path, tb)
		case typePPTX:
			return extractPPTX(ctx, l, path, tb)
		case typeXLSX:
			return extractXLSX(ctx, l, path, tb)
		case "text/html", "application/xhtml+xml":
			return extractHTML(ctx, path, contentType, tb)
		case "text/plain", "text/markdown", "text/csv",
			// RTF is read as the text it is, control words and all,
			// as it was when it was sniffed as plain text.
			"application/rtf", "text/rtf":
			return extractText(ctx, path, contentType, tb)
		}
		return nil, unsupported(base)
	})
	if err != nil {
		return nil, contextError(ctx, l, err)
	}
	res.Text = tb.String()
	res.Truncated = res.Truncated || tb.truncated
	res.Title = cleanTitle(res.Title)
	res.Heading = cleanTitle(res.Heading)
	res.Language = DetectLanguage(res.Text)
	return res, nil
}

// contextError attributes a failure that happened once ctx was done to the
// context, since killing a tool or stopping a parser makes it look broken:
// the document deadline becomes KindTimeout, the caller's own cancellation
// is passed on. Other errors are returned as they are, with anything that
// is not yet an *Error counted as a broken document.
func contextError(ctx context.Context, l Limits, err error) error {
	var e *Error
	decided := errors.As(err, &e) && e.Kind != KindBroken
	if ctx.Err() != nil && !decided {
		if errors.Is(context.Cause(ctx), errDocTimeout) {
			return newError(KindTimeout, err, fmt.Sprintf(
				"Reading the document took longer than %s, so it was stopped.", formatDuration(l.Timeout)))
		}
		return fmt.Errorf("extract: %w", ctx.Err())
	}
	if e != nil {
		return err
	}
	return newError(KindBroken, err, "The file could not be read; it may be damaged.")
}

// safely runs fn, turning a panic into a KindBroken error: a parser bug
// triggered by a hostile file must not take down the worker.
func safely(fn func() (*Result, error)) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			res = nil
			err = newError(KindBroken, fmt.Errorf("panic: %v\n%s", r, debug.Stack()),
				"The file could not be read; it may be damaged.")
		}
	}()
	return fn()
}

// mediaType returns the lower-cased media type of a Content-Type value,
// without parameters.
func mediaType(contentType string) string {
	base, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(base))
}

// unsupported returns the KindUnsupported error for a media type, naming
// the kind of file in words users know.
func unsupported(base string) *Error {
	what := "files of type " + base
	hint := ""
	switch {
	case base == "":
		what = "files of this type"
	case strings.HasPrefix(base, "image/"):
		what = "images"
	case strings.HasPrefix(base, "video/"):
		what = "videos"
	case strings.HasPrefix(base, "audio/"):
		what = "audio files"
	case base == "application/zip":
		what = "zip archives"
	case base == "application/msword":
		what, hint = "legacy Word (.doc) files", "; save it as .docx to make it searchable"
	case base == "application/vnd.ms-powerpoint":
		what, hint = "legacy PowerPoint (.ppt) files", "; save it as .pptx to make it searchable"
	case base == "application/vnd.ms-excel":
		what, hint = "legacy Excel (.xls) files", "; save it as .xlsx to make it searchable"
	case base == "application/x-ole-storage":
		what = "legacy Office files"
	case strings.HasPrefix(base, "application/vnd.oasis.opendocument."):
		what = "OpenDocument files"
	case base == "application/vnd.apple.keynote":
		what = "Keynote files"
	case base == "application/rtf" || base == "text/rtf":
		what = "RTF files"
	case base == "application/octet-stream":
		what = "files of unknown type"
	}
	return newError(KindUnsupported, nil, "Text extraction is not supported for "+what+hint+".")
}

// formatDuration writes d for users: "60 seconds" rather than "1m0s".
func formatDuration(d time.Duration) string {
	if d >= time.Second && d%time.Second == 0 {
		return fmt.Sprintf("%d seconds", d/time.Second)
	}
	return d.String()
}

// maxTitle caps the title length: a title is a label, not a body of text.
const maxTitle = 500

// cleanTitle makes a title fit for display: valid UTF-8, no control
// characters, whitespace collapsed, at most maxTitle bytes.
func cleanTitle(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	return cutRunes(s, maxTitle)
}

// cutRunes returns the longest prefix of s of at most n bytes that ends on
// a rune boundary.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
