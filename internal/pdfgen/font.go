package pdfgen

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Font is one of the PDF base-14 Helvetica faces. Every PDF reader has
// them, so documents need no embedded font files.
type Font int

// The faces a Page can draw with.
const (
	Helvetica Font = iota
	HelveticaBold
	HelveticaOblique
)

// baseFonts are the faces' PostScript names, in resource order (/F1…).
var baseFonts = [...]string{"Helvetica", "Helvetica-Bold", "Helvetica-Oblique"}

// TextWidth is the width in points of s set in f at size, as a PDF reader
// lays it out: Tj adds no kerning, so the sum of the glyph widths is exact.
func TextWidth(f Font, size float64, s string) float64 {
	table := &helveticaWidths
	if f == HelveticaBold {
		table = &helveticaBoldWidths
	}
	units := 0
	for _, r := range s {
		b := winAnsi(r)
		if b >= 32 {
			units += int(table[b-32])
		}
	}
	return float64(units) * size / 1000
}

// Wrap breaks s into lines no wider than width when set in f at size,
// at spaces; a newline in s always breaks. A word wider than width gets
// a line of its own rather than being cut.
func Wrap(f Font, size, width float64, s string) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		line := words[0]
		for _, w := range words[1:] {
			if TextWidth(f, size, line+" "+w) <= width {
				line += " " + w
				continue
			}
			lines = append(lines, line)
			line = w
		}
		lines = append(lines, line)
	}
	return lines
}

// winAnsiHigh maps the characters of WinAnsiEncoding's 0x80–0x9F block,
// where it departs from Latin-1, to their codes.
var winAnsiHigh = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// winAnsi returns r's code in WinAnsiEncoding: a space for control
// characters, '?' for characters the encoding lacks.
func winAnsi(r rune) byte {
	switch {
	case r < 0x20:
		return ' '
	case r < 0x7F, r >= 0xA0 && r <= 0xFF:
		return byte(r) //nolint:gosec // G115: r is below 0x100 here
	}
	if b, ok := winAnsiHigh[r]; ok {
		return b
	}
	return '?'
}

// escape makes s a PDF literal string's content in WinAnsiEncoding, the
// fonts' encoding.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		c := winAnsi(r)
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x80:
			b.WriteByte(c)
		default:
			fmt.Fprintf(&b, "\\%03o", c)
		}
	}
	return b.String()
}

// infoString writes s as a PDF text string for the Info dictionary:
// literal when it is ASCII, else UTF-16BE with a byte-order mark (the
// Info dictionary is not in the fonts' encoding).
func infoString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < 0x20 {
			ascii = false
			break
		}
	}
	if ascii {
		return "(" + escape(s) + ")"
	}
	var b strings.Builder
	b.WriteString("<FEFF")
	const hex = "0123456789ABCDEF"
	put := func(u uint16) {
		b.WriteByte(hex[u>>12])
		b.WriteByte(hex[u>>8&15])
		b.WriteByte(hex[u>>4&15])
		b.WriteByte(hex[u&15])
	}
	for _, r := range s {
		switch {
		case r < 0x20:
			put(' ')
		case r == utf8.RuneError, r < 0x10000:
			put(uint16(r)) //nolint:gosec // G115: r < 0x10000 here
		default:
			r -= 0x10000
			put(uint16(0xD800 + r>>10)) //nolint:gosec // G115: a surrogate half fits 16 bits
			put(uint16(0xDC00 + r&0x3FF))
		}
	}
	b.WriteByte('>')
	return b.String()
}
