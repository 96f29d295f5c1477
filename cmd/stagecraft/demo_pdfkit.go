package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// The demo collateral's brand: Acme's palette, shared by its documents
// and decks so the library looks like one company's.
const (
	brandNavy  = "#0B1F44"
	brandNavy2 = "#16306A" // a lighter navy for shapes on navy
	brandBlue  = "#2F6FED"
	brandTeal  = "#14B8A6"
	brandAmber = "#F59E0B"
	brandRed   = "#E5484D"
	brandInk   = "#1F2937"
	brandBody  = "#374151"
	brandGray  = "#6B7280"
	brandRule  = "#D1D5DB"
	brandMist  = "#F3F5F9"
	brandSky   = "#EAF1FE"
	brandPale  = "#BFD3FF"
	brandWhite = "#FFFFFF"
)

func rgb(s string) pdfgen.Color { return pdfgen.Hex(s) }

// Page geometry of the documents (US Letter, points).
const (
	docMargin = 54.0
	docWidth  = 612 - 2*docMargin
	docTop    = 76.0  // where body content starts, below the running header
	docBottom = 736.0 // where body content must end, above the footer
)

// brochure lays out one of Acme's documents: a designed cover, then body
// pages with a running header and footer, filled top to bottom by
// headings, paragraphs, bullets, tables and charts.
type brochure struct {
	doc   pdfgen.Doc
	kind  string // the document type, shown on the cover and in headers
	date  time.Time
	pages []*pdfgen.Page
	page  *pdfgen.Page
	y     float64
	// col narrows the text column (0 is docWidth) beside a sidebar, and
	// sideBottom is where that sidebar ends.
	col, sideBottom float64
	// overflow names the body pages whose content ran past docBottom;
	// the demo's tests require none.
	overflow []int
}

func newBrochure(title, subject, kind string, date time.Time) *brochure {
	return &brochure{doc: pdfgen.Doc{Title: title, Author: "Acme Marketing", Subject: subject}, kind: kind, date: date}
}

func (b *brochure) addPage() *pdfgen.Page {
	p := b.doc.AddPage()
	b.pages = append(b.pages, p)
	b.page = p
	return p
}

// logo draws Acme's mark (two overlapping squares) and name, the mark's
// top-left corner at (x, y).
func logo(p *pdfgen.Page, x, y, size float64, onDark bool) {
	name := rgb(brandNavy)
	if onDark {
		name = rgb(brandWhite)
	}
	p.RoundRect(x, y, size, size, size/4, rgb(brandBlue))
	p.RoundRect(x+size*0.45, y+size*0.45, size*0.55, size*0.55, size/6, rgb(brandTeal))
	p.Text(x+size*1.35, y+size*0.82, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: size * 0.95, Color: name}, "Acme")
}

// cover draws the first page: a navy panel with the title and subtitle,
// then what the document holds and who made it when.
func (b *brochure) cover(title, subtitle string, inside []string) {
	p := b.addPage()
	p.Rect(0, 0, 612, 480, rgb(brandNavy))
	// Decoration: large discs bleeding off the panel's right edge.
	p.Circle(560, 120, 150, rgb(brandNavy2))
	p.Circle(600, 330, 70, rgb(brandBlue))
	p.Circle(470, 410, 26, rgb(brandTeal))
	logo(p, docMargin, 50, 22, true)
	p.Text(docMargin, 236, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandTeal)}, strings.ToUpper(b.kind))
	p.Rect(docMargin, 248, 56, 4, rgb(brandTeal))
	y := p.Paragraph(docMargin, 268, 400, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 32, Leading: 38, Color: rgb(brandWhite)}, title)
	p.Paragraph(docMargin, y+12, 380, pdfgen.Style{Size: 13, Leading: 18, Color: rgb(brandPale)}, subtitle)
	if len(inside) > 0 {
		p.Text(docMargin, 530, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandBlue)}, "INSIDE")
		for i, s := range inside {
			col, row := i%2, i/2
			x, yy := docMargin+float64(col)*252, 556+float64(row)*24
			p.Text(x, yy, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandTeal)}, fmt.Sprintf("%02d", i+1))
			p.Text(x+22, yy, pdfgen.Style{Size: 10.5, Color: rgb(brandInk)}, s)
		}
	}
	p.Line(docMargin, 690, 612-docMargin, 690, 0.75, rgb(brandRule))
	small := pdfgen.Style{Size: 9, Color: rgb(brandGray)}
	p.Text(docMargin, 710, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandInk)}, "Acme, Inc.")
	p.Text(docMargin, 724, small, "Prepared by Acme Marketing · acme.example")
	p.Text(612-docMargin, 710, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10, Color: rgb(brandInk), Align: pdfgen.Right}, b.date.Format("January 2006"))
	p.Text(612-docMargin, 724, pdfgen.Style{Size: 9, Color: rgb(brandGray), Align: pdfgen.Right}, "Version 3.2")
	p.Rect(0, 776, 612, 16, rgb(brandTeal))
}

// section starts a body page: the running header, an eyebrow naming the
// section and the page's heading.
func (b *brochure) section(eyebrow, heading string) {
	p := b.addPage()
	logo(p, docMargin, 24, 12, false)
	p.Text(612-docMargin, 34, pdfgen.Style{Size: 8.5, Color: rgb(brandGray), Align: pdfgen.Right}, b.doc.Title)
	p.Line(docMargin, 46, 612-docMargin, 46, 0.75, rgb(brandRule))
	b.y = docTop
	if eyebrow != "" {
		p.Text(docMargin, b.y+8, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 8.5, Color: rgb(brandTeal)}, strings.ToUpper(eyebrow))
		b.y += 18
	}
	b.y = p.Paragraph(docMargin, b.y, docWidth, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 22, Leading: 27, Color: rgb(brandNavy)}, heading)
	p.Rect(docMargin, b.y+4, 40, 3, rgb(brandBlue))
	b.y += 20
}

// width is the text column's width.
func (b *brochure) width() float64 {
	if b.col > 0 {
		return b.col
	}
	return docWidth
}

// h2 is a subheading.
func (b *brochure) h2(s string) {
	b.y += 6
	b.y = b.page.Paragraph(docMargin, b.y, b.width(), pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 13, Leading: 17, Color: rgb(brandNavy)}, s)
	b.y += 4
	b.check()
}

// para is body text.
func (b *brochure) para(s string) {
	b.y = b.page.Paragraph(docMargin, b.y, b.width(), bodyStyle, s)
	b.y += 8
	b.check()
}

var bodyStyle = pdfgen.Style{Size: 10.5, Leading: 15, Color: rgb(brandBody)}

// bullets is a list; an item "Label: text" sets its label in bold.
func (b *brochure) bullets(items ...string) {
	b.bulletsAt(docMargin, b.width(), items...)
	b.y += 6
	b.check()
}

func (b *brochure) bulletsAt(x, w float64, items ...string) {
	for _, it := range items {
		b.page.Circle(x+3, b.y+5.6, 2.2, rgb(brandTeal))
		b.y = b.page.Paragraph(x+14, b.y, w-14, bodyStyle, it)
		b.y += 3
	}
}

// table draws a header row and body rows, widths in points summing to
// docWidth; cells wrap.
func (b *brochure) table(widths []float64, header []string, rows ...[]string) {
	const pad, size, lead = 6.0, 9.5, 13.0
	row := func(cells []string, st pdfgen.Style, fill string) {
		lines := 1
		for i, c := range cells {
			lines = max(lines, len(pdfgen.Wrap(st.Font, st.Size, widths[i]-2*pad, c)))
		}
		h := float64(lines)*lead + 2*pad - 3
		if fill != "" {
			b.page.Rect(docMargin, b.y, docWidth, h, rgb(fill))
		}
		x := docMargin
		for i, c := range cells {
			cst := st
			if i == 0 && fill != brandNavy {
				cst.Font = pdfgen.HelveticaBold
				cst.Color = rgb(brandInk)
			}
			b.page.Paragraph(x+pad, b.y+pad, widths[i]-2*pad, cst, c)
			x += widths[i]
		}
		b.y += h
	}
	row(header, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: size, Leading: lead, Color: rgb(brandWhite)}, brandNavy)
	for i, r := range rows {
		fill := ""
		if i%2 == 1 {
			fill = brandMist
		}
		row(r, pdfgen.Style{Size: size, Leading: lead, Color: rgb(brandBody)}, fill)
	}
	b.page.Line(docMargin, b.y, docMargin+docWidth, b.y, 0.75, rgb(brandRule))
	b.y += 14
	b.check()
}

// kpi is a headline number and what it measures.
type kpi struct{ value, label string }

// kpis draws a row of tiles.
func (b *brochure) kpis(items ...kpi) {
	const gap, h = 12.0, 70.0
	w := (docWidth - gap*float64(len(items)-1)) / float64(len(items))
	for i, k := range items {
		x := docMargin + float64(i)*(w+gap)
		b.page.RoundRect(x, b.y, w, h, 6, rgb(brandMist))
		b.page.Rect(x, b.y+10, 3, h-20, rgb(brandBlue))
		b.page.Text(x+14, b.y+30, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 20, Color: rgb(brandBlue)}, k.value)
		b.page.Paragraph(x+14, b.y+38, w-22, pdfgen.Style{Size: 8.5, Leading: 11, Color: rgb(brandGray)}, k.label)
	}
	b.y += h + 16
	b.check()
}

// quote is a customer's words with their name.
func (b *brochure) quote(text, who string) {
	st := pdfgen.Style{Font: pdfgen.HelveticaOblique, Size: 14, Leading: 20, Color: rgb(brandNavy)}
	top := b.y
	b.y = b.page.Paragraph(docMargin+18, b.y, docWidth-18, st, "“"+text+"”")
	b.y = b.page.Paragraph(docMargin+18, b.y+4, docWidth-18, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 9.5, Color: rgb(brandGray)}, who)
	b.page.Rect(docMargin, top, 4, b.y-top, rgb(brandTeal))
	b.y += 14
	b.check()
}

// callout is a tinted box with a bold title and a sentence or two.
func (b *brochure) callout(title, text string) {
	const pad = 14.0
	lines := pdfgen.Wrap(pdfgen.Helvetica, 10.5, docWidth-2*pad, text)
	h := 2*pad + 17 + float64(len(lines))*15
	b.page.RoundRect(docMargin, b.y, docWidth, h, 6, rgb(brandSky))
	b.page.Text(docMargin+pad, b.y+pad+10, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 11, Color: rgb(brandBlue)}, title)
	b.page.Paragraph(docMargin+pad, b.y+pad+17, docWidth-2*pad, bodyStyle, text)
	b.y += h + 14
	b.check()
}

// steps draws a numbered process left to right: a circle and a label
// per step, joined by a line.
func (b *brochure) steps(labels ...string) {
	w := docWidth / float64(len(labels))
	cy := b.y + 24
	b.page.Line(docMargin+w/2, cy, docMargin+docWidth-w/2, cy, 2, rgb(brandPale))
	for i, l := range labels {
		cx := docMargin + w*(float64(i)+0.5)
		b.page.Circle(cx, cy, 15, rgb(brandBlue))
		b.page.Text(cx, cy+4.5, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 12, Color: rgb(brandWhite), Align: pdfgen.Center}, fmt.Sprint(i+1))
		b.page.Paragraph(cx-w/2+4, cy+24, w-8, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 9, Leading: 12, Color: rgb(brandInk), Align: pdfgen.Center}, l)
	}
	b.y = cy + 54
	b.check()
}

// contact closes the last page: a navy band with who to talk to.
func (b *brochure) contact(headline string) {
	p := b.page
	const top = 612.0
	p.RoundRect(docMargin, top, docWidth, 104, 8, rgb(brandNavy))
	p.Circle(docMargin+docWidth-64, top+52, 36, rgb(brandNavy2))
	p.Circle(docMargin+docWidth-110, top+78, 12, rgb(brandTeal))
	logo(p, docMargin+20, top+20, 16, true)
	p.Text(docMargin+20, top+62, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 15, Color: rgb(brandWhite)}, headline)
	p.Text(docMargin+20, top+84, pdfgen.Style{Size: 10, Color: rgb(brandPale)},
		"sales@acme.example  ·  +1 (415) 555-0134  ·  acme.example/demo")
	if b.y > top-10 {
		b.overflow = append(b.overflow, len(b.pages))
	}
}

func (b *brochure) check() {
	if b.y > docBottom && (len(b.overflow) == 0 || b.overflow[len(b.overflow)-1] != len(b.pages)) {
		b.overflow = append(b.overflow, len(b.pages))
	}
}

// bytes draws every body page's footer, now that the page count is
// known, and renders the document.
func (b *brochure) bytes() []byte {
	n := len(b.pages)
	for i, p := range b.pages[1:] {
		p.Line(docMargin, 752, 612-docMargin, 752, 0.75, rgb(brandRule))
		p.Text(docMargin, 766, pdfgen.Style{Size: 8, Color: rgb(brandGray)}, "© "+b.date.Format("2006")+" Acme, Inc. · "+b.kind)
		p.Text(612-docMargin, 766, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 8, Color: rgb(brandNavy), Align: pdfgen.Right},
			fmt.Sprintf("Page %d of %d", i+2, n))
	}
	return b.doc.Bytes()
}

// brochureBold is body-sized bold text, as for a question above its answer.
var brochureBold = pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10.5, Leading: 15, Color: rgb(brandInk)}
