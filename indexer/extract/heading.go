package extract

import (
	"encoding/xml"
	"strings"
)

// A document's heading (Result.Heading) is read while its text is: the
// parts are streamed once, and a watcher sees each token that writeMarkup
// reads, skipped ones included, since a paragraph's style sits in its
// properties, which the text leaves out.

// watcher is told every token of a part that writeMarkup reads.
type watcher interface {
	token(tok xml.Token)
}

// capped collects the text of one heading candidate, up to what cleanTitle
// keeps: a hostile file cannot make it grow without end.
type capped struct{ strings.Builder }

func (c *capped) add(b []byte) {
	if room := 4*maxTitle - c.Len(); room > 0 {
		c.Write(b[:min(room, len(b))])
	}
}

// slideTitle watches a slide for the text of its title placeholder: the
// shape (p:sp) whose p:ph is of type "title" or "ctrTitle". The first one
// with text is the slide's title. Shapes nest in groups, never in shapes.
type slideTitle struct {
	depth  int // elements open inside the current shape, 0 outside one
	skip   int // elements open inside mc:Fallback or an automatic field
	title  bool
	inText bool
	text   capped
	found  string
}

func (w *slideTitle) token(tok xml.Token) {
	if w.found != "" {
		return
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if w.skip > 0 {
			w.skip++
			return
		}
		local := t.Name.Local
		if local == "Fallback" || local == "fld" && isAutoField(t) {
			w.skip = 1
			return
		}
		if w.depth == 0 {
			if local == "sp" {
				w.depth, w.title, w.inText = 1, false, false
				w.text.Reset()
			}
			return
		}
		w.depth++
		switch local {
		case "ph":
			typ := attr(t, "type")
			w.title = w.title || typ == "title" || typ == "ctrTitle"
		case "t":
			w.inText = true
		case "br", "tab":
			w.text.add([]byte(" "))
		}
	case xml.EndElement:
		if w.skip > 0 {
			w.skip--
			return
		}
		if w.depth == 0 {
			return
		}
		w.depth--
		switch t.Name.Local {
		case "t":
			w.inText = false
		case "p":
			// A title of two paragraphs is one title on two lines.
			w.text.add([]byte(" "))
		}
		if w.depth == 0 && w.title {
			w.found = strings.TrimSpace(w.text.String())
		}
	case xml.CharData:
		if w.inText && w.skip == 0 {
			w.text.add(t)
		}
	}
}

// docxHeading watches a Word document's body for its first paragraph with
// text whose style is a title or a level-1 heading (see headingStyles), or
// that is at outline level 1 itself. Paragraphs nest (a text box is
// anchored in a paragraph): each is judged by its own style and text.
type docxHeading struct {
	styles map[string]bool
	paras  []*docxPara // the paragraphs open, innermost last
	skip   int         // elements open inside mc:Fallback
	inText bool
	found  string
}

// docxPara is a paragraph being read.
type docxPara struct {
	open    int // its elements open, not counting nested paragraphs'
	heading bool
	text    capped
}

// maxParaNesting caps the paragraphs tracked inside one another: real
// documents nest two or three (text boxes), hostile ones without end.
const maxParaNesting = 8

func (w *docxHeading) token(tok xml.Token) {
	if w.found != "" {
		return
	}
	switch t := tok.(type) {
	case xml.StartElement:
		if w.skip > 0 {
			w.skip++
			return
		}
		local := t.Name.Local
		if local == "Fallback" {
			w.skip = 1
			return
		}
		if local == "p" && len(w.paras) < maxParaNesting {
			w.paras = append(w.paras, &docxPara{})
			w.inText = false
			return
		}
		if len(w.paras) == 0 {
			return
		}
		p := w.paras[len(w.paras)-1]
		p.open++
		// Open 2 is inside the paragraph's own properties (w:pPr).
		switch {
		case p.open == 2 && local == "pStyle":
			p.heading = p.heading || w.isHeading(attr(t, "val"))
		case p.open == 2 && local == "outlineLvl":
			p.heading = p.heading || attr(t, "val") == "0"
		case local == "t":
			w.inText = true
		case local == "tab", local == "br", local == "cr":
			p.text.add([]byte(" "))
		}
	case xml.EndElement:
		if w.skip > 0 {
			w.skip--
			return
		}
		if len(w.paras) == 0 {
			return
		}
		p := w.paras[len(w.paras)-1]
		w.inText = false
		if p.open > 0 {
			p.open--
			return
		}
		w.paras = w.paras[:len(w.paras)-1]
		if text := strings.TrimSpace(p.text.String()); p.heading && text != "" {
			w.found = text
		}
	case xml.CharData:
		if w.inText && w.skip == 0 && len(w.paras) > 0 {
			w.paras[len(w.paras)-1].text.add(t)
		}
	}
}

// isHeading reports whether the paragraph style id is a title or a level-1
// heading. Without a styles part, Word's own ids are known.
func (w *docxHeading) isHeading(id string) bool {
	return w.styles[id] || strings.EqualFold(id, "Title") || strings.EqualFold(id, "Heading1")
}

// headingStyles returns the ids of a Word document's paragraph styles that
// make a title or a level-1 heading: those named "Title" or "heading 1"
// (built-in style names are English in every language, while their ids
// are not: "berschrift1", "Titre1"), and those at outline level 1. A
// missing or damaged styles part gives none.
func headingStyles(p *pkg, main string) (map[string]bool, error) {
	name, err := p.relTarget(main, "/styles", "word/styles.xml")
	if err != nil {
		return nil, err
	}
	s, err := p.xml(name)
	if err != nil {
		return nil, optional(err)
	}
	defer s.close()
	styles := make(map[string]bool)
	var id string
	var heading bool
	for {
		tok, err := s.next()
		if err != nil {
			return styles, optional(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "style":
				id, heading = "", false
				if attr(t, "type") == "paragraph" {
					id = attr(t, "styleId")
				}
			case "name":
				n := strings.ToLower(strings.TrimSpace(attr(t, "val")))
				heading = heading || n == "title" || n == "heading 1"
			case "outlineLvl":
				heading = heading || attr(t, "val") == "0"
			}
		case xml.EndElement:
			if t.Name.Local == "style" {
				if id != "" && heading {
					styles[id] = true
				}
				id = ""
			}
		}
	}
}
