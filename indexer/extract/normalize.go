package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// textBuf collects extracted text and normalises it as it arrives, so that
// the MaxText cap applies to the text kept rather than to raw input, and
// so that extractors can stop as soon as it is full.
//
// Normalisation: invalid UTF-8 becomes U+FFFD; NULs are dropped, other
// control characters than \n \t \f become spaces; \r and \r\n become \n;
// runs of spaces and tabs within a line collapse to one (a tab if the run
// had one, since tabs separate table cells); spaces at the start and end of
// lines go; at most two newlines in a row are kept; no newlines are kept
// around "\f"; ligatures are spelled out; and leading newlines and trailing
// whitespace of the whole text go.
type textBuf struct {
	b         strings.Builder
	max       int   // bytes of text kept
	rawMax    int64 // bytes of input accepted; whitespace floods stop here
	raw       int64
	carry     []byte // start of a rune split across Write calls
	space     rune   // pending horizontal space: 0, ' ' or '\t'
	newlines  int    // pending newlines
	formfeeds int    // pending page breaks
	lineStart bool   // nothing visible written on the current line yet
	afterCR   bool   // the previous rune was \r, so a \n is part of it
	full      bool   // no more text is accepted
	truncated bool   // text was dropped because of a limit
}

// ligatures spells out U+FB00 to U+FB06.
var ligatures = [...]string{"ff", "fi", "fl", "ffi", "ffl", "st", "st"}

// rawFactor bounds input relative to kept text: extraction of a document
// that is mostly whitespace must still end.
const rawFactor = 8

func newTextBuf(limit int) *textBuf {
	return &textBuf{max: limit, rawMax: int64(limit)*rawFactor + 1<<20, lineStart: true}
}

// Full reports whether the buffer accepts no more text; extractors stop
// reading when it does.
func (t *textBuf) Full() bool { return t.full }

// Write adds bytes that may end in the middle of a rune, as read from a
// subprocess. Like WriteString it cannot fail, so it returns nothing (and
// is no io.Writer): callers check Full.
func (t *textBuf) Write(p []byte) {
	if t.full || !t.countRaw(len(p)) {
		return
	}
	if len(t.carry) > 0 {
		// Finish the rune begun by the previous call; copying is cheap,
		// as this happens at most once per call.
		p = append(t.carry, p...)
		t.carry = nil
	}
	for len(p) > 0 && !t.full {
		if p[0] < utf8.RuneSelf {
			t.writeRune(rune(p[0]))
			p = p[1:]
			continue
		}
		if !utf8.FullRune(p) {
			t.carry = append([]byte(nil), p...)
			break
		}
		r, size := utf8.DecodeRune(p)
		t.writeRune(r)
		p = p[size:]
	}
}

// WriteString adds text; invalid UTF-8 in s becomes U+FFFD.
func (t *textBuf) WriteString(s string) {
	if t.full || !t.countRaw(len(s)) {
		return
	}
	for _, r := range s {
		if t.full {
			return
		}
		t.writeRune(r)
	}
}

// countRaw accounts for n input bytes and reports whether they are
// accepted.
func (t *textBuf) countRaw(n int) bool {
	t.raw += int64(n)
	if t.raw > t.rawMax {
		t.full, t.truncated = true, true
		return false
	}
	return true
}

func (t *textBuf) writeRune(r rune) {
	if t.afterCR && r == '\n' {
		t.afterCR = false
		return
	}
	t.afterCR = r == '\r'
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
		t.newlines++
		t.space = 0
	case r == '\f':
		t.formfeeds++
		t.newlines, t.space = 0, 0
	case r == '\t':
		t.space = '\t'
	case unicode.IsSpace(r):
		if t.space == 0 {
			t.space = ' '
		}
	case r == 0, r == '\uFEFF', r == '\uFFFE', r == '\uFFFF':
		// Dropped: NULs are padding (or UTF-16 read as UTF-8), and
		// PostgreSQL rejects them in text.
	case unicode.IsControl(r):
		// Other control characters go too, but as word breaks: PDFs
		// whose fonts lack a Unicode map print them where spaces were.
		if t.space == 0 {
			t.space = ' '
		}
	case r >= '\uFB00' && r <= '\uFB06':
		// PDFs keep typographic ligatures ("ﬁrst"); spelled out, the
		// words match what people type.
		t.flush()
		t.emit(ligatures[r-'\uFB00'])
	default:
		t.flush()
		t.emit(string(r))
	}
}

// flush writes the separators pending before a visible rune. A page
// break swallows the newlines and spaces around it; newlines and spaces
// at the start of a line are dropped.
func (t *textBuf) flush() {
	switch {
	case t.formfeeds > 0:
		t.emit(strings.Repeat("\f", t.formfeeds))
	case t.newlines > 0 && !t.lineStart:
		t.emit(strings.Repeat("\n", min(t.newlines, 2)))
	case t.space != 0 && !t.lineStart:
		t.emit(string(t.space))
	}
	t.formfeeds, t.newlines, t.space = 0, 0, 0
}

// emit appends s if it fits, otherwise marks the buffer full and truncated.
func (t *textBuf) emit(s string) {
	if t.full {
		return
	}
	if t.b.Len()+len(s) > t.max {
		t.full, t.truncated = true, true
		return
	}
	t.b.WriteString(s)
	last := s[len(s)-1]
	t.lineStart = last == '\n' || last == '\f'
}

// String returns the text, without trailing whitespace or page breaks.
// Input that ended inside a rune counts as invalid: U+FFFD per byte, as
// ranging over a string gives.
func (t *textBuf) String() string {
	carry := t.carry
	t.carry = nil
	for len(carry) > 0 && !t.full {
		r, size := utf8.DecodeRune(carry)
		t.writeRune(r)
		carry = carry[size:]
	}
	return strings.TrimRight(t.b.String(), " \t\n\f")
}
