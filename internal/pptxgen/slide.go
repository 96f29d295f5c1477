package pptxgen

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

// Box is a shape's frame: its top-left corner, width and height, in
// points.
type Box struct{ X, Y, W, H float64 }

// Geometry is a preset shape outline.
type Geometry string

// Preset geometries the demo decks draw with.
const (
	Rectangle Geometry = "rect"
	RoundRect Geometry = "roundRect"
	Ellipse   Geometry = "ellipse"
	Chevron   Geometry = "chevron"
	Arrow     Geometry = "rightArrow"
)

// Align is a paragraph's horizontal alignment.
type Align string

// Alignments.
const (
	Left   Align = "l"
	Center Align = "ctr"
	Right  Align = "r"
)

// Anchor is where a shape's text sits vertically.
type Anchor string

// Anchors.
const (
	Top    Anchor = "t"
	Middle Anchor = "ctr"
	Bottom Anchor = "b"
)

// Para is a paragraph of one text run.
type Para struct {
	Text string
	// Size is in points; 0 means 18.
	Size   float64
	Bold   bool
	Italic bool
	// Color "" leaves the theme's text colour.
	Color Color
	// Bullet sets a bullet (•) before the paragraph; Level indents it
	// further (0 is the first level).
	Bullet bool
	Level  int
	Align  Align
	// SpaceBefore is the gap above the paragraph, in points.
	SpaceBefore float64
}

// Shape is a filled and outlined preset shape, optionally with text.
type Shape struct {
	Box  Box
	Geom Geometry // "" is Rectangle
	// Fill and Line "" leave the shape unfilled and unoutlined.
	Fill      Color
	Line      Color
	LineWidth float64 // points; 0 means 1
	Paras     []Para
	Anchor    Anchor // "" is Top
	// Inset is the text's distance from the frame, in points; 0 means
	// none, so text boxes line up with what is drawn around them.
	Inset float64
}

// Slide is one slide being drawn. Shapes stack in the order added.
type Slide struct {
	layout Layout
	bg     Color
	shapes []string
	nextID int
}

// Background fills the slide's background.
func (s *Slide) Background(c Color) { s.bg = c }

// Add draws a shape.
func (s *Slide) Add(sh Shape) { s.shapes = append(s.shapes, s.sp(sh, "")) }

// Rect fills a rectangle.
func (s *Slide) Rect(b Box, fill Color) { s.Add(Shape{Box: b, Fill: fill}) }

// Text draws a text box of paragraphs, without fill or outline.
func (s *Slide) Text(b Box, paras ...Para) { s.Add(Shape{Box: b, Paras: paras}) }

// Title sets the slide's title placeholder: the centred title on a
// TitleSlide, the title otherwise. Readers and the extractor take it for
// the slide's title.
func (s *Slide) Title(b Box, p Para) {
	ph := `<p:ph type="title"/>`
	if s.layout == TitleSlide {
		ph = `<p:ph type="ctrTitle"/>`
	}
	s.shapes = append(s.shapes, s.sp(Shape{Box: b, Paras: []Para{p}, Anchor: Bottom}, ph))
}

// Subtitle sets the subtitle placeholder of a TitleSlide; on other
// layouts it is a plain text box.
func (s *Slide) Subtitle(b Box, paras ...Para) {
	ph := ""
	if s.layout == TitleSlide {
		ph = `<p:ph type="subTitle" idx="1"/>`
	}
	s.shapes = append(s.shapes, s.sp(Shape{Box: b, Paras: paras}, ph))
}

// Line draws a straight line from (x1, y1) to (x2, y2).
func (s *Slide) Line(x1, y1, x2, y2, width float64, c Color) {
	id := s.id()
	flip := ""
	if x2 < x1 {
		flip += ` flipH="1"`
	}
	if y2 < y1 {
		flip += ` flipV="1"`
	}
	s.shapes = append(s.shapes, fmt.Sprintf(`<p:cxnSp><p:nvCxnSpPr><p:cNvPr id="%d" name="Line %d"/><p:cNvCxnSpPr/><p:nvPr/></p:nvCxnSpPr>`+
		`<p:spPr><a:xfrm%s><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="line"><a:avLst/></a:prstGeom>`+
		`<a:ln w="%d">%s</a:ln></p:spPr></p:cxnSp>`,
		id, id, flip, emu(math.Min(x1, x2)), emu(math.Min(y1, y2)), emu(math.Abs(x2-x1)), emu(math.Abs(y2-y1)),
		emu(width), solid(c)))
}

func (s *Slide) id() int {
	id := s.nextID
	s.nextID++
	return id
}

// sp writes a shape; ph, when set, makes it that placeholder.
func (s *Slide) sp(sh Shape, ph string) string {
	id := s.id()
	var b strings.Builder
	name, locks := fmt.Sprintf("Shape %d", id), "<p:cNvSpPr/>"
	switch {
	case ph != "":
		name, locks = fmt.Sprintf("Title %d", id), `<p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>`
		if strings.Contains(ph, "subTitle") {
			name = fmt.Sprintf("Subtitle %d", id)
		}
	case sh.Fill == "" && sh.Line == "":
		name, locks = fmt.Sprintf("TextBox %d", id), `<p:cNvSpPr txBox="1"/>`
	}
	fmt.Fprintf(&b, `<p:sp><p:nvSpPr><p:cNvPr id="%d" name="%s"/>%s<p:nvPr>%s</p:nvPr></p:nvSpPr>`, id, name, locks, ph)
	geom := sh.Geom
	if geom == "" {
		geom = Rectangle
	}
	adj := "<a:avLst/>"
	if geom == RoundRect {
		adj = `<a:avLst><a:gd name="adj" fmla="val 12000"/></a:avLst>`
	}
	fmt.Fprintf(&b, `<p:spPr><a:xfrm><a:off x="%d" y="%d"/><a:ext cx="%d" cy="%d"/></a:xfrm><a:prstGeom prst="%s">%s</a:prstGeom>`,
		emu(sh.Box.X), emu(sh.Box.Y), emu(sh.Box.W), emu(sh.Box.H), geom, adj)
	b.WriteString(fill(sh.Fill))
	if sh.Line != "" {
		w := sh.LineWidth
		if w <= 0 {
			w = 1
		}
		fmt.Fprintf(&b, `<a:ln w="%d">%s</a:ln>`, emu(w), solid(sh.Line))
	} else {
		b.WriteString(`<a:ln><a:noFill/></a:ln>`)
	}
	b.WriteString(`</p:spPr>`)
	anchor := sh.Anchor
	if anchor == "" {
		anchor = Top
	}
	in := emu(sh.Inset)
	fmt.Fprintf(&b, `<p:txBody><a:bodyPr wrap="square" lIns="%d" tIns="%d" rIns="%d" bIns="%d" anchor="%s" rtlCol="0"><a:noAutofit/></a:bodyPr><a:lstStyle/>`,
		in, in, in, in, anchor)
	if len(sh.Paras) == 0 {
		b.WriteString(`<a:p><a:endParaRPr lang="en-US" dirty="0"/></a:p>`)
	}
	for _, p := range sh.Paras {
		b.WriteString(para(p))
	}
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

// para writes a paragraph: its properties (alignment, spacing, bullet)
// and one run.
func para(p Para) string {
	size := p.Size
	if size <= 0 {
		size = 18
	}
	var pPr strings.Builder
	align := p.Align
	if align == "" {
		align = Left
	}
	if p.Bullet {
		// The bullet hangs in a margin of about one em per level.
		indent := emu(size * 1.1)
		fmt.Fprintf(&pPr, `<a:pPr marL="%d" indent="%d" algn="%s">`, indent*(int64(p.Level)+1), -indent, align)
	} else {
		fmt.Fprintf(&pPr, `<a:pPr marL="0" indent="0" algn="%s">`, align)
	}
	if p.SpaceBefore > 0 {
		fmt.Fprintf(&pPr, `<a:spcBef><a:spcPts val="%d"/></a:spcBef>`, int(math.Round(p.SpaceBefore*100)))
	}
	if p.Bullet {
		if p.Color != "" {
			fmt.Fprintf(&pPr, `<a:buClr><a:srgbClr val="%s"/></a:buClr>`, hex(p.Color))
		}
		pPr.WriteString(`<a:buFont typeface="Arial"/><a:buChar char="•"/>`)
	} else {
		pPr.WriteString(`<a:buNone/>`)
	}
	pPr.WriteString(`</a:pPr>`)
	rPr := fmt.Sprintf(`lang="en-US" sz="%d"`, int(math.Round(size*100)))
	if p.Bold {
		rPr += ` b="1"`
	}
	if p.Italic {
		rPr += ` i="1"`
	}
	color := ""
	if p.Color != "" {
		color = solid(p.Color)
	}
	if p.Text == "" {
		return `<a:p>` + pPr.String() + `<a:endParaRPr ` + rPr + ` dirty="0"/></a:p>`
	}
	// The theme's minor font (Calibri) is named on every run: a text box
	// that is no placeholder inherits no font from the master.
	return `<a:p>` + pPr.String() + `<a:r><a:rPr ` + rPr + ` dirty="0">` + color + `<a:latin typeface="+mn-lt"/></a:rPr><a:t>` + esc(p.Text) + `</a:t></a:r></a:p>`
}

// xml writes the slide part.
func (s *Slide) xml() string {
	var b strings.Builder
	b.WriteString(`<p:sld ` + namespaces + `><p:cSld>`)
	if s.bg != "" {
		b.WriteString(`<p:bg><p:bgPr>` + solid(s.bg) + `<a:effectLst/></p:bgPr></p:bg>`)
	}
	b.WriteString(`<p:spTree>` + groupProps)
	for _, sh := range s.shapes {
		b.WriteString(sh)
	}
	b.WriteString(`</p:spTree></p:cSld><p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>`)
	return b.String()
}

func emu(pt float64) int64 { return int64(math.Round(pt * emuPerPt)) }

func hex(c Color) string { return strings.ToUpper(strings.TrimPrefix(string(c), "#")) }

func solid(c Color) string { return `<a:solidFill><a:srgbClr val="` + hex(c) + `"/></a:solidFill>` }

func fill(c Color) string {
	if c == "" {
		return `<a:noFill/>`
	}
	return solid(c)
}

// esc escapes text for XML character data and attribute values.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s)) // writing to a bytes.Buffer cannot fail
	return b.String()
}
