// Package pptxgen writes small, valid PowerPoint presentations (OOXML
// .pptx): one slide master with a theme, a title-slide and a title-only
// layout, and slides of filled shapes, lines and text boxes with bullets.
// The demo organisation's decks are made with it, so they need no binary
// files; LibreOffice converts its output to PDF for page previews.
//
// Coordinates are in points from the slide's top-left corner; a slide is
// 960 × 540 points (16:9, 13.333 × 7.5 inches).
package pptxgen

import (
	"archive/zip"
	"bytes"
	"fmt"
	"time"
)

// Slide size in points, and EMUs (English Metric Units) per point.
const (
	Width     = 960
	Height    = 540
	emuPerPt  = 12700
	slideCX   = Width * emuPerPt
	slideCY   = Height * emuPerPt
	firstSlID = 256 // slide ids start here, as PowerPoint's do
)

// Color is an RGB colour as six hex digits, "1F3A93" (a leading # is
// dropped).
type Color string

// Layout is the slide layout a slide follows.
type Layout int

// Layouts: a cover (its title is a centred-title placeholder, with a
// subtitle) and a content slide (a title placeholder).
const (
	TitleSlide Layout = iota
	TitleOnly
)

// Presentation is a deck being built.
type Presentation struct {
	// Title is docProps/core.xml's dc:title, the deck's own title.
	Title   string
	Subject string
	Author  string
	Company string
	// Created is the creation and modification time written to
	// docProps/core.xml; zero leaves them out.
	Created time.Time
	slides  []*Slide
}

// AddSlide appends a slide following layout and returns it for drawing.
func (p *Presentation) AddSlide(layout Layout) *Slide {
	s := &Slide{layout: layout, nextID: 2}
	p.slides = append(p.slides, s)
	return s
}

// Slides returns the number of slides added.
func (p *Presentation) Slides() int { return len(p.slides) }

// Bytes writes the presentation as a .pptx file.
func (p *Presentation) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	put := func(name, body string) error {
		w, err := zw.Create(name)
		if err != nil {
			return err
		}
		_, err = w.Write([]byte(xmlHeader + body))
		return err
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes(len(p.slides))},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", p.coreXML()},
		{"docProps/app.xml", p.appXML()},
		{"ppt/presentation.xml", presentationXML(len(p.slides))},
		{"ppt/_rels/presentation.xml.rels", presentationRels(len(p.slides))},
		{"ppt/presProps.xml", presProps},
		{"ppt/viewProps.xml", viewProps},
		{"ppt/tableStyles.xml", tableStyles},
		{"ppt/theme/theme1.xml", themeXML},
		{"ppt/slideMasters/slideMaster1.xml", masterXML},
		{"ppt/slideMasters/_rels/slideMaster1.xml.rels", masterRels},
		{"ppt/slideLayouts/slideLayout1.xml", layoutXML(TitleSlide)},
		{"ppt/slideLayouts/_rels/slideLayout1.xml.rels", layoutRels},
		{"ppt/slideLayouts/slideLayout2.xml", layoutXML(TitleOnly)},
		{"ppt/slideLayouts/_rels/slideLayout2.xml.rels", layoutRels},
	}
	for i, s := range p.slides {
		parts = append(parts,
			struct{ name, body string }{fmt.Sprintf("ppt/slides/slide%d.xml", i+1), s.xml()},
			struct{ name, body string }{fmt.Sprintf("ppt/slides/_rels/slide%d.xml.rels", i+1), slideRels(s.layout)})
	}
	for _, part := range parts {
		if err := put(part.name, part.body); err != nil {
			return nil, fmt.Errorf("write %s: %w", part.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("write presentation: %w", err)
	}
	return buf.Bytes(), nil
}

func (p *Presentation) coreXML() string {
	dates := ""
	if !p.Created.IsZero() {
		t := p.Created.UTC().Format(time.RFC3339)
		dates = `<dcterms:created xsi:type="dcterms:W3CDTF">` + t + `</dcterms:created>` +
			`<dcterms:modified xsi:type="dcterms:W3CDTF">` + t + `</dcterms:modified>`
	}
	return `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(p.Title) + `</dc:title><dc:subject>` + esc(p.Subject) + `</dc:subject>` +
		`<dc:creator>` + esc(p.Author) + `</dc:creator><cp:lastModifiedBy>` + esc(p.Author) + `</cp:lastModifiedBy>` +
		`<cp:revision>1</cp:revision>` + dates + `</cp:coreProperties>`
}

func (p *Presentation) appXML() string {
	return `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" ` +
		`xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">` +
		`<Application>Stagecraft pptxgen</Application><PresentationFormat>Widescreen</PresentationFormat>` +
		fmt.Sprintf(`<Slides>%d</Slides>`, len(p.slides)) +
		`<Company>` + esc(p.Company) + `</Company></Properties>`
}
