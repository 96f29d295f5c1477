package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft/internal/pptxgen"
)

// col turns a brand colour into a deck colour.
func col(s string) pptxgen.Color { return pptxgen.Color(strings.TrimPrefix(s, "#")) }

// Slide geometry of the decks (points on a 960 × 540 slide).
const (
	deckMargin = 48.0
	deckWidth  = pptxgen.Width - 2*deckMargin
	deckTop    = 118.0 // where content starts, below the title
)

// deck lays out one of Acme's presentations: a cover, content slides
// with a title, an accent rule and a footer, and a closing slide.
type deck struct {
	p    pptxgen.Presentation
	date time.Time
}

func newDeck(title, subject string, date time.Time) *deck {
	return &deck{p: pptxgen.Presentation{Title: title, Subject: subject, Author: "Acme Marketing", Company: "Acme, Inc.",
		Created: date}, date: date}
}

// deckLogo draws Acme's mark and name at (x, y).
func deckLogo(s *pptxgen.Slide, x, y, size float64, onDark bool) {
	name := col(brandNavy)
	if onDark {
		name = col(brandWhite)
	}
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: y, W: size, H: size}, Geom: pptxgen.RoundRect, Fill: col(brandBlue)})
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x + size*0.45, Y: y + size*0.45, W: size * 0.55, H: size * 0.55}, Geom: pptxgen.RoundRect, Fill: col(brandTeal)})
	s.Text(pptxgen.Box{X: x + size*1.3, Y: y - size*0.2, W: 120, H: size * 1.4},
		pptxgen.Para{Text: "Acme", Size: size * 1.05, Bold: true, Color: name})
}

// cover adds the title slide: navy, with the title and subtitle in their
// placeholders, an eyebrow, the logo, the date and decorative discs.
func (d *deck) cover(eyebrow, title, subtitle string) {
	s := d.p.AddSlide(pptxgen.TitleSlide)
	s.Background(col(brandNavy))
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 640, Y: -120, W: 440, H: 440}, Geom: pptxgen.Ellipse, Fill: col(brandNavy2)})
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 800, Y: 300, W: 220, H: 220}, Geom: pptxgen.Ellipse, Fill: col(brandBlue)})
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 700, Y: 400, W: 56, H: 56}, Geom: pptxgen.Ellipse, Fill: col(brandTeal)})
	deckLogo(s, 64, 48, 26, true)
	s.Text(pptxgen.Box{X: 64, Y: 150, W: 500, H: 24}, pptxgen.Para{Text: strings.ToUpper(eyebrow), Size: 14, Bold: true, Color: col(brandTeal)})
	s.Rect(pptxgen.Box{X: 64, Y: 180, W: 64, H: 5}, col(brandTeal))
	s.Title(pptxgen.Box{X: 64, Y: 196, W: 600, H: 120}, pptxgen.Para{Text: title, Size: 46, Bold: true, Color: col(brandWhite)})
	s.Subtitle(pptxgen.Box{X: 64, Y: 326, W: 560, H: 70}, pptxgen.Para{Text: subtitle, Size: 20, Color: col(brandPale)})
	s.Text(pptxgen.Box{X: 64, Y: 470, W: 500, H: 24},
		pptxgen.Para{Text: "Acme, Inc.  ·  " + d.date.Format("January 2006"), Size: 13, Color: col(brandPale)})
}

// slide adds a content slide titled title, with the footer numbered.
func (d *deck) slide(title string) *pptxgen.Slide {
	s := d.p.AddSlide(pptxgen.TitleOnly)
	s.Background(col(brandWhite))
	s.Title(pptxgen.Box{X: deckMargin, Y: 30, W: deckWidth, H: 56}, pptxgen.Para{Text: title, Size: 30, Bold: true, Color: col(brandNavy)})
	s.Rect(pptxgen.Box{X: deckMargin, Y: 92, W: 56, H: 4}, col(brandTeal))
	s.Line(deckMargin, 506, deckMargin+deckWidth, 506, 0.75, col(brandRule))
	deckLogo(s, deckMargin, 514, 12, false)
	s.Text(pptxgen.Box{X: 300, Y: 512, W: 500, H: 18}, pptxgen.Para{Text: d.p.Title + "  ·  Confidential", Size: 10,
		Color: col(brandGray), Align: pptxgen.Right})
	s.Text(pptxgen.Box{X: 820, Y: 512, W: 92, H: 18}, pptxgen.Para{Text: fmt.Sprint(d.p.Slides()), Size: 10, Bold: true,
		Color: col(brandNavy), Align: pptxgen.Right})
	return s
}

// bullets fills box with a bulleted list.
func bullets(s *pptxgen.Slide, b pptxgen.Box, size float64, items ...string) {
	ps := make([]pptxgen.Para, len(items))
	for i, it := range items {
		ps[i] = pptxgen.Para{Text: it, Size: size, Color: col(brandBody), Bullet: true, SpaceBefore: size * 0.6}
	}
	s.Text(b, ps...)
}

// card is a titled box of text, and optionally bullets, with a
// coloured top edge.
type card struct {
	title, text, color string
	items              []string
}

// cards draws a row of cards across the slide from y, h tall.
func cards(s *pptxgen.Slide, y, h float64, cs ...card) {
	const gap = 20.0
	w := (deckWidth - gap*float64(len(cs)-1)) / float64(len(cs))
	for i, c := range cs {
		x := deckMargin + float64(i)*(w+gap)
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: y, W: w, H: h}, Geom: pptxgen.RoundRect, Fill: col(brandMist)})
		s.Rect(pptxgen.Box{X: x, Y: y, W: w, H: 6}, col(c.color))
		ps := []pptxgen.Para{
			{Text: c.title, Size: 20, Bold: true, Color: col(brandNavy)},
			{Text: c.text, Size: 15, Color: col(brandBody), SpaceBefore: 8},
		}
		for i, it := range c.items {
			p := pptxgen.Para{Text: it, Size: 14, Color: col(brandInk), Bullet: true, SpaceBefore: 6}
			if i == 0 {
				p.SpaceBefore = 16
			}
			ps = append(ps, p)
		}
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x + 18, Y: y + 22, W: w - 36, H: h - 34}, Paras: ps})
	}
}

// tiles draws a row of headline numbers from y.
func tiles(s *pptxgen.Slide, y float64, ks ...kpi) {
	const gap, h = 20.0, 110.0
	w := (deckWidth - gap*float64(len(ks)-1)) / float64(len(ks))
	for i, k := range ks {
		x := deckMargin + float64(i)*(w+gap)
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x, Y: y, W: w, H: h}, Geom: pptxgen.RoundRect, Fill: col(brandSky)})
		s.Rect(pptxgen.Box{X: x, Y: y + 16, W: 5, H: h - 32}, col(brandBlue))
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: x + 22, Y: y + 12, W: w - 34, H: h - 20}, Anchor: pptxgen.Middle, Paras: []pptxgen.Para{
			{Text: k.value, Size: 34, Bold: true, Color: col(brandBlue)},
			{Text: k.label, Size: 13, Color: col(brandBody)},
		}})
	}
}

// columnChart draws vertical bars in box: values from 0 to hi, labels
// below, values above, the highlighted bar in blue and the rest pale.
func columnChart(s *pptxgen.Slide, b pptxgen.Box, title string, labels []string, values []float64, hi float64,
	format func(float64) string, highlight int) {
	s.Text(pptxgen.Box{X: b.X, Y: b.Y, W: b.W, H: 24}, pptxgen.Para{Text: title, Size: 15, Bold: true, Color: col(brandInk)})
	top, h := b.Y+56, b.H-90
	base := top + h
	for i := range 5 {
		y := base - h*float64(i)/4
		s.Line(b.X, y, b.X+b.W, y, 0.5, col(brandRule))
	}
	slot := b.W / float64(len(values))
	for i, v := range values {
		bh := h * v / hi
		x := b.X + slot*float64(i)
		fill := col(brandPale)
		if i == highlight {
			fill = col(brandBlue)
		}
		s.Rect(pptxgen.Box{X: x + slot*0.2, Y: base - bh, W: slot * 0.6, H: bh}, fill)
		s.Text(pptxgen.Box{X: x, Y: base - bh - 26, W: slot, H: 22}, pptxgen.Para{Text: format(v), Size: 14, Bold: true,
			Color: col(brandInk), Align: pptxgen.Center})
		s.Text(pptxgen.Box{X: x, Y: base + 6, W: slot, H: 22}, pptxgen.Para{Text: labels[i], Size: 12, Color: col(brandGray), Align: pptxgen.Center})
	}
	s.Line(b.X, base, b.X+b.W, base, 1.25, col(brandGray))
}

// closing adds the last slide: navy, a call to action and the next steps.
func (d *deck) closing(title string, steps ...string) {
	s := d.p.AddSlide(pptxgen.TitleOnly)
	s.Background(col(brandNavy))
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 700, Y: 260, W: 400, H: 400}, Geom: pptxgen.Ellipse, Fill: col(brandNavy2)})
	s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 840, Y: 60, W: 70, H: 70}, Geom: pptxgen.Ellipse, Fill: col(brandTeal)})
	deckLogo(s, 64, 48, 22, true)
	s.Title(pptxgen.Box{X: 64, Y: 110, W: 700, H: 70}, pptxgen.Para{Text: title, Size: 40, Bold: true, Color: col(brandWhite)})
	s.Rect(pptxgen.Box{X: 64, Y: 190, W: 64, H: 5}, col(brandTeal))
	for i, st := range steps {
		y := 222 + float64(i)*62
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 64, Y: y, W: 42, H: 42}, Geom: pptxgen.Ellipse, Fill: col(brandBlue), Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: fmt.Sprint(i + 1), Size: 18, Bold: true, Color: col(brandWhite), Align: pptxgen.Center}}})
		s.Add(pptxgen.Shape{Box: pptxgen.Box{X: 124, Y: y, W: 560, H: 42}, Anchor: pptxgen.Middle,
			Paras: []pptxgen.Para{{Text: st, Size: 20, Color: col(brandWhite)}}})
	}
	s.Text(pptxgen.Box{X: 64, Y: 470, W: 700, H: 24},
		pptxgen.Para{Text: "sales@acme.example  ·  +1 (415) 555-0134  ·  acme.example/demo", Size: 14, Color: col(brandPale)})
}

func (d *deck) bytes() ([]byte, error) {
	b, err := d.p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("demo deck %q: %w", d.p.Title, err)
	}
	return b, nil
}
