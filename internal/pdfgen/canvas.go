package pdfgen

import (
	"fmt"
	"strconv"
	"strings"
)

// Size is a page size in points (1/72 inch).
type Size struct{ W, H float64 }

// Page sizes.
var (
	Letter = Size{612, 792}
	A4     = Size{595.28, 841.89}
)

// Color is an RGB colour.
type Color struct{ R, G, B uint8 }

// Hex parses "#RRGGBB" (the # is optional). Anything else is black: the
// colours are the caller's constants, not input.
func Hex(s string) Color {
	v, err := strconv.ParseUint(strings.TrimPrefix(s, "#"), 16, 32)
	if err != nil || len(strings.TrimPrefix(s, "#")) != 6 {
		return Color{}
	}
	return Color{uint8(v >> 16), uint8(v >> 8), uint8(v)} //nolint:gosec // G115: each is one byte of a 24-bit value
}

func (c Color) op(fill bool) string {
	op := "RG"
	if fill {
		op = "rg"
	}
	return fmt.Sprintf("%s %s %s %s", num(float64(c.R)/255), num(float64(c.G)/255), num(float64(c.B)/255), op)
}

// Align places text relative to the x it is drawn at.
type Align int

// Alignments: x is the left edge, the centre or the right edge.
const (
	Left Align = iota
	Center
	Right
)

// Style is how text is set. Leading 0 means 1.3 × Size.
type Style struct {
	Font    Font
	Size    float64
	Color   Color
	Leading float64
	Align   Align
}

func (s Style) leading() float64 {
	if s.Leading > 0 {
		return s.Leading
	}
	return 1.3 * s.Size
}

// Doc is a PDF of drawn pages: filled shapes, lines and text in the
// Helvetica faces. Coordinates are in points from the page's top-left
// corner, y growing downwards, as layouts are written; Bytes turns them
// into PDF's bottom-up space.
type Doc struct {
	Title   string
	Author  string
	Subject string
	// Size is every page's size; zero means Letter.
	Size  Size
	pages []*Page
}

// AddPage appends a blank page and returns it for drawing.
func (d *Doc) AddPage() *Page {
	if d.Size == (Size{}) {
		d.Size = Letter
	}
	p := &Page{size: d.Size}
	d.pages = append(d.pages, p)
	return p
}

// Pages returns the number of pages added.
func (d *Doc) Pages() int { return len(d.pages) }

// Bytes renders the document.
func (d *Doc) Bytes() []byte {
	contents := make([]string, len(d.pages))
	for i, p := range d.pages {
		contents[i] = p.ops.String()
	}
	size := d.Size
	if size == (Size{}) {
		size = Letter
	}
	return write(contents, size, info{title: d.Title, author: d.Author, subject: d.Subject})
}

// Page is one page being drawn.
type Page struct {
	size Size
	ops  strings.Builder
}

// Size returns the page's size.
func (p *Page) Size() Size { return p.size }

func (p *Page) emit(format string, args ...any) {
	fmt.Fprintf(&p.ops, format, args...)
	p.ops.WriteByte('\n')
}

// Rect fills the rectangle whose top-left corner is (x, y).
func (p *Page) Rect(x, y, w, h float64, fill Color) {
	p.emit("%s %s %s %s %s re f", fill.op(true), num(x), num(p.size.H-y-h), num(w), num(h))
}

// StrokeRect outlines the rectangle whose top-left corner is (x, y).
func (p *Page) StrokeRect(x, y, w, h, width float64, c Color) {
	p.emit("%s %s w %s %s %s %s re S", c.op(false), num(width), num(x), num(p.size.H-y-h), num(w), num(h))
}

// Line strokes a straight line from (x1, y1) to (x2, y2).
func (p *Page) Line(x1, y1, x2, y2, width float64, c Color) {
	p.emit("%s %s w %s %s m %s %s l S", c.op(false), num(width), num(x1), num(p.size.H-y1), num(x2), num(p.size.H-y2))
}

// kappa places Bézier control points so that four curves approximate a
// quarter circle each.
const kappa = 0.5523

// RoundRect fills a rectangle with corners rounded to radius r.
func (p *Page) RoundRect(x, y, w, h, r float64, fill Color) {
	r = min(r, w/2, h/2)
	// Bottom-up coordinates of the edges.
	l, b, rt, t := x, p.size.H-y-h, x+w, p.size.H-y
	k := r * kappa
	p.emit("%s %s %s m %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c %s %s l %s %s %s %s %s %s c f",
		fill.op(true), num(l+r), num(b),
		num(rt-r), num(b), num(rt-r+k), num(b), num(rt), num(b+r-k), num(rt), num(b+r),
		num(rt), num(t-r), num(rt), num(t-r+k), num(rt-r+k), num(t), num(rt-r), num(t),
		num(l+r), num(t), num(l+r-k), num(t), num(l), num(t-r+k), num(l), num(t-r),
		num(l), num(b+r), num(l), num(b+r-k), num(l+r-k), num(b), num(l+r), num(b))
}

// Circle fills the circle of radius r centred on (cx, cy).
func (p *Page) Circle(cx, cy, r float64, fill Color) {
	p.RoundRect(cx-r, cy-r, 2*r, 2*r, r, fill)
}

// Text draws one line of text with its baseline at y; x is its left
// edge, centre or right edge as st.Align says.
func (p *Page) Text(x, y float64, st Style, s string) {
	switch st.Align {
	case Center:
		x -= TextWidth(st.Font, st.Size, s) / 2
	case Right:
		x -= TextWidth(st.Font, st.Size, s)
	}
	p.emit("BT /F%d %s Tf %s %s %s Td (%s) Tj ET", int(st.Font)+1, num(st.Size), st.Color.op(true),
		num(x), num(p.size.H-y), escape(s))
}

// Paragraph sets s wrapped to width w, its first line's top at y (the
// baseline sits 0.8 × Size lower, Helvetica's cap height and a little),
// and returns the y below its last line.
func (p *Page) Paragraph(x, y, w float64, st Style, s string) float64 {
	ax := x
	switch st.Align {
	case Center:
		ax = x + w/2
	case Right:
		ax = x + w
	}
	for _, line := range Wrap(st.Font, st.Size, w, s) {
		p.Text(ax, y+0.8*st.Size, st, line)
		y += st.leading()
	}
	return y
}

// num formats a coordinate: at most two decimals, no trailing zeros.
func num(f float64) string {
	s := strconv.FormatFloat(f, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}
