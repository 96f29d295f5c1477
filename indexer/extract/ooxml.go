package extract

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"
)

// Office Open XML content types, as library.Detect names them.
const (
	typeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	typePPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	typeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

// A member that unpacks to more than bombMinSize at a ratio above
// bombRatio is a zip bomb: real XML compresses about 10:1, images not at
// all.
const (
	bombRatio   = 200
	bombMinSize = 10 << 20
)

// oleMagic starts an OLE2 (Compound File) container. An OOXML file that is
// one is encrypted: Office wraps the encrypted package in OLE2.
var oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// errBudget reports that reading went past Limits.MaxDecompressed.
var errBudget = errors.New("decompressed size limit reached")

// pkg is an opened OOXML package: a zip archive whose members are read
// against one shared decompression budget.
type pkg struct {
	ctx   context.Context
	zr    *zip.ReadCloser
	parts map[string]*zip.File // by lower-cased name: OPC part names ignore case
	left  int64                // bytes that may still be decompressed
	limit int64
	noun  string // "document", "presentation", "spreadsheet": for messages
}

// openPackage opens the OOXML file at path after checking that it is
// neither an encrypted document nor a zip bomb.
func openPackage(ctx context.Context, l Limits, path, noun string) (*pkg, error) {
	f, err := os.Open(path) //nolint:gosec // G304: opening the caller's file is what an extractor does
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", noun, err)
	}
	head := make([]byte, len(oleMagic))
	n, _ := io.ReadFull(f, head)
	_ = f.Close() // read-only: nothing to lose
	if bytes.Equal(head[:n], oleMagic) {
		return nil, newError(KindEncrypted, nil, fmt.Sprintf(
			"The %s is password-protected; its text cannot be read.", noun))
	}
	zr, err := zip.OpenReader(path)
	// ErrInsecurePath comes with a usable reader; names are only looked
	// up here, never used as file paths.
	if err != nil && (!errors.Is(err, zip.ErrInsecurePath) || zr == nil) {
		return nil, newError(KindBroken, err, fmt.Sprintf(
			"The %s is damaged or not a valid Office file; its text could not be read.", noun))
	}
	p := &pkg{ctx: ctx, zr: zr, parts: make(map[string]*zip.File, len(zr.File)),
		left: l.MaxDecompressed, limit: l.MaxDecompressed, noun: noun}
	if err := p.check(); err != nil {
		p.close()
		return nil, err
	}
	for _, f := range zr.File {
		name := strings.ToLower(strings.TrimPrefix(f.Name, "/"))
		if _, dup := p.parts[name]; !dup { // fuzzed archives repeat names
			p.parts[name] = f
		}
	}
	return p, nil
}

// check rejects archives whose headers already announce a bomb in the XML
// parts that extraction reads. Media and embedded files are never opened,
// so a deck with a large (or very compressible) video or bitmap is fine.
// Headers can lie, so reads are limited as well (see budgetReader).
func (p *pkg) check() error {
	var total, limit uint64
	if p.limit > 0 { // always, after withDefaults
		limit = uint64(p.limit)
	}
	for _, f := range p.zr.File {
		if !isXMLPart(f.Name) {
			continue
		}
		size := f.UncompressedSize64
		if size > limit || total > limit-size {
			return newError(KindTooLarge, nil, fmt.Sprintf(
				"The %s unpacks to more than %s; it may be a zip bomb.", p.noun, formatBytes(p.limit)))
		}
		total += size
		if size > bombMinSize && size/bombRatio > f.CompressedSize64 {
			return newError(KindTooLarge, fmt.Errorf("member %q: %d bytes from %d", f.Name, size, f.CompressedSize64),
				fmt.Sprintf("The %s contains a part that unpacks to over %d times its size; it may be a zip bomb.", p.noun, bombRatio))
		}
	}
	return nil
}

// isXMLPart reports whether a member is XML that extraction may read.
func isXMLPart(name string) bool {
	name = strings.ToLower(name)
	return strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels")
}

// close closes the archive, a file opened read-only: no error to report.
func (p *pkg) close() { _ = p.zr.Close() }

// has reports whether the package contains part name.
func (p *pkg) has(name string) bool { return p.parts[strings.ToLower(name)] != nil }

// open returns a reader of part name that counts against the budget, or an
// error wrapping fs.ErrNotExist.
func (p *pkg) open(name string) (io.ReadCloser, error) {
	if err := p.ctx.Err(); err != nil {
		return nil, err
	}
	f := p.parts[strings.ToLower(name)]
	if f == nil {
		return nil, fmt.Errorf("part %q: %w", name, fs.ErrNotExist)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("part %q: %w", name, err)
	}
	return &budgetReader{ReadCloser: rc, p: p}, nil
}

// budgetReader reads a member while decompressed bytes remain in the
// package's budget, failing with errBudget past it.
type budgetReader struct {
	io.ReadCloser
	p *pkg
}

func (r *budgetReader) Read(b []byte) (int, error) {
	if r.p.left <= 0 {
		// One byte more tells "ends exactly at the limit" from "over it".
		var one [1]byte
		n, err := r.ReadCloser.Read(one[:])
		if n > 0 {
			return 0, errBudget
		}
		return 0, err
	}
	if int64(len(b)) > r.p.left {
		b = b[:r.p.left]
	}
	n, err := r.ReadCloser.Read(b)
	r.p.left -= int64(n)
	return n, err
}

// xmlStream is a token stream over one part that checks the context now
// and then, so a huge part cannot outlive the timeout.
type xmlStream struct {
	d   *xml.Decoder
	rc  io.Closer
	ctx context.Context
	n   int
}

// xml opens part name as a token stream. Close it when done.
func (p *pkg) xml(name string) (*xmlStream, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	return &xmlStream{d: xml.NewDecoder(rc), rc: rc, ctx: p.ctx}, nil
}

func (s *xmlStream) next() (xml.Token, error) {
	s.n++
	if s.n%1024 == 0 {
		if err := s.ctx.Err(); err != nil {
			return nil, err
		}
	}
	return s.d.Token()
}

// close releases the part. A zip member's reader reports corruption (a bad
// checksum, a truncated stream) from Read, which next passes on; Close
// has nothing left to say, so it returns no error.
func (s *xmlStream) close() { _ = s.rc.Close() }

// rel is one relationship of a part, with its target resolved to a part
// name.
type rel struct {
	id, typ, target string
}

// rels returns the relationships of part ("" for the package itself), in
// document order, leaving out external targets. A part without
// relationships has none: that is not an error.
func (p *pkg) rels(part string) ([]rel, error) {
	dir, file := path.Split(part)
	s, err := p.xml(dir + "_rels/" + file + ".rels")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	defer s.close()
	var out []rel
	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return out, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "Relationship" || attr(el, "TargetMode") == "External" {
			continue
		}
		target := attr(el, "Target")
		if strings.HasPrefix(target, "/") {
			target = path.Clean(target)[1:]
		} else {
			target = path.Join(dir, target)
		}
		out = append(out, rel{id: attr(el, "Id"), typ: attr(el, "Type"), target: target})
	}
}

// relTarget returns the target of the first relationship of part whose
// type ends in suffix, or fallback.
func (p *pkg) relTarget(part, suffix, fallback string) (string, error) {
	rs, err := p.rels(part)
	if err := optional(err); err != nil {
		return "", err
	}
	for _, r := range rs {
		if strings.HasSuffix(r.typ, suffix) && p.has(r.target) {
			return r.target, nil
		}
	}
	return fallback, nil
}

// title returns dc:title from the core properties, "" if there is none.
func (p *pkg) title() (string, error) {
	name, err := p.relTarget("", "/core-properties", "docProps/core.xml")
	if err != nil {
		return "", err
	}
	s, err := p.xml(name)
	if err != nil {
		return "", optional(err)
	}
	defer s.close()
	var b strings.Builder
	in := false
	for b.Len() < 4*maxTitle {
		tok, err := s.next()
		if err != nil {
			return b.String(), optional(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			in = t.Name.Local == "title"
		case xml.EndElement:
			if in {
				return b.String(), nil
			}
		case xml.CharData:
			if in {
				b.Write(t)
			}
		}
	}
	return b.String(), nil
}

// optional drops the error of reading a part the text can do without
// (missing, malformed), keeping those that must end extraction: the size
// budget and the context.
func optional(err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return nil
	}
	if errors.Is(err, errBudget) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return nil
}

// fail turns an error met while reading the package into an *Error.
// Context errors pass through for Extract to judge.
func (p *pkg) fail(err error) error {
	var e *Error
	switch {
	case errors.As(err, &e), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.Is(err, errBudget):
		return newError(KindTooLarge, err, fmt.Sprintf(
			"The %s unpacks to more than %s; it may be a zip bomb.", p.noun, formatBytes(p.limit)))
	}
	return newError(KindBroken, err, fmt.Sprintf("The %s is damaged; its text could not be read.", p.noun))
}

// writeMarkup streams the text of a WordprocessingML or DrawingML part
// into tb: runs of text (w:t, a:t), tabs, line breaks, paragraphs as lines
// and tables as tab-separated cells in lines. Property elements (*Pr),
// slide-number and date fields, and mc:Fallback (a copy of the content for
// older readers) are skipped. w, if not nil, is told every token read.
func writeMarkup(s *xmlStream, tb *textBuf, w watcher) error {
	inText := false
	skip := 0  // depth inside a skipped element
	cells := 0 // depth of table cells: paragraphs in a cell end with a space
	for !tb.Full() {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		if w != nil {
			w.token(tok)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if skip > 0 {
				skip++
				continue
			}
			switch local := t.Name.Local; {
			case local == "Fallback", strings.HasSuffix(local, "Pr"), local == "fld" && isAutoField(t):
				skip = 1
			case local == "t":
				inText = true
			case local == "tab":
				tb.WriteString("\t")
			case local == "br", local == "cr":
				tb.WriteString("\n")
			case local == "noBreakHyphen":
				tb.WriteString("-")
			case local == "tc":
				cells++
			}
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			switch t.Name.Local {
			case "t":
				inText = false
			case "p":
				if cells > 0 {
					tb.WriteString(" ")
				} else {
					tb.WriteString("\n")
				}
			case "tc":
				cells--
				tb.WriteString("\t")
			case "tr":
				tb.WriteString("\n")
			}
		case xml.CharData:
			if inText && skip == 0 {
				tb.Write(t)
			}
		}
	}
	return nil
}

// isAutoField reports whether a DrawingML field shows a slide number or a
// date: text that repeats on every slide and means nothing in a search.
func isAutoField(el xml.StartElement) bool {
	typ := attr(el, "type")
	return strings.HasPrefix(typ, "slidenum") || strings.HasPrefix(typ, "datetime")
}

// attr returns the value of el's attribute with local name local (in any
// namespace), or "".
func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// formatBytes writes n in binary units for messages: "256 MiB".
func formatBytes(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
