package main

import (
	"fmt"
	"math"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// series is one set of bars in a chart, with its legend name and colour.
type series struct {
	name   string
	color  string
	values []float64
}

// chart is a bar chart drawn with filled rectangles: categories along
// the bottom, one bar per series in each, values printed above the bars.
type chart struct {
	title  string
	labels []string
	series []series
	// lo and hi are the value axis's range; values below lo draw as
	// stubs (an uptime chart starts at 99.9, not 0).
	lo, hi float64
	format func(float64) string
	height float64
}

// barChart draws c across the text column.
func (b *brochure) barChart(c chart) {
	p := b.page
	b.page.Text(docMargin, b.y+10, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10.5, Color: rgb(brandInk)}, c.title)
	if len(c.series) > 1 {
		x := docMargin + docWidth
		for i := len(c.series) - 1; i >= 0; i-- {
			s := c.series[i]
			x -= pdfgen.TextWidth(pdfgen.Helvetica, 8.5, s.name)
			p.Text(x, b.y+10, pdfgen.Style{Size: 8.5, Color: rgb(brandGray)}, s.name)
			x -= 13
			p.Rect(x, b.y+3, 9, 8, rgb(s.color))
			x -= 14
		}
	}
	top, h := b.y+28, c.height
	if h == 0 {
		h = 150
	}
	base := top + h
	axis := pdfgen.Style{Size: 8, Color: rgb(brandGray), Align: pdfgen.Right}
	for i := range 5 {
		v := c.lo + (c.hi-c.lo)*float64(i)/4
		y := base - h*float64(i)/4
		p.Line(docMargin+34, y, docMargin+docWidth, y, 0.5, rgb(brandRule))
		p.Text(docMargin+28, y+3, axis, c.format(v))
	}
	plotX, plotW := docMargin+44, docWidth-54
	groupW := plotW / float64(len(c.labels))
	barW := min(46, groupW*0.7/float64(len(c.series)))
	for g, label := range c.labels {
		gx := plotX + groupW*float64(g) + (groupW-barW*float64(len(c.series)))/2
		for si, s := range c.series {
			v := s.values[g]
			bh := math.Max(2, h*(v-c.lo)/(c.hi-c.lo))
			x := gx + barW*float64(si)
			p.Rect(x+1, base-bh, barW-2, bh, rgb(s.color))
			p.Text(x+barW/2, base-bh-4, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 8.5, Color: rgb(brandInk), Align: pdfgen.Center}, c.format(v))
		}
		p.Text(plotX+groupW*(float64(g)+0.5), base+13, pdfgen.Style{Size: 8.5, Color: rgb(brandBody), Align: pdfgen.Center}, label)
	}
	p.Line(docMargin+34, base, docMargin+docWidth, base, 1, rgb(brandGray))
	b.y = base + 30
	b.check()
}

// hbar is one labelled bar of a horizontal comparison.
type hbar struct {
	label string
	value float64
	color string
	text  string // printed after the bar
}

// hbars draws a horizontal comparison, the longest bar spanning the
// column less the label and value space.
func (b *brochure) hbars(title string, bars ...hbar) {
	p := b.page
	p.Text(docMargin, b.y+10, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 10.5, Color: rgb(brandInk)}, title)
	b.y += 24
	top := 0.0
	for _, x := range bars {
		top = math.Max(top, x.value)
	}
	const labelW, valueW = 110.0, 70.0
	for _, x := range bars {
		w := (docWidth - labelW - valueW) * x.value / top
		p.Text(docMargin, b.y+14, pdfgen.Style{Font: pdfgen.HelveticaBold, Size: 9.5, Color: rgb(brandInk)}, x.label)
		p.RoundRect(docMargin+labelW, b.y+2, math.Max(w, 4), 18, 3, rgb(x.color))
		p.Text(docMargin+labelW+math.Max(w, 4)+8, b.y+14.5, pdfgen.Style{Size: 9.5, Color: rgb(brandBody)}, x.text)
		b.y += 28
	}
	b.y += 10
	b.check()
}

// pct formats a percentage value for an axis or bar.
func pct(decimals int) func(float64) string {
	return func(v float64) string { return fmt.Sprintf("%.*f%%", decimals, v) }
}
