package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// extractPPTX reads a PowerPoint presentation: each slide's text, its
// SmartArt text and its speaker notes, slides separated by "\f"; the
// title, and the first slide's title as the heading.
func extractPPTX(ctx context.Context, l Limits, path string, tb *textBuf) (*Result, error) {
	p, err := openPackage(ctx, l, path, "presentation")
	if err != nil {
		return nil, err
	}
	defer p.close()

	slides, err := slideList(p)
	if err != nil {
		return nil, p.fail(err)
	}
	res := &Result{Pages: len(slides)}
	title := &slideTitle{}
	var processed, failed int
	var firstErr error
	for i, slide := range slides {
		if i >= l.MaxPages {
			res.Truncated = true
			break
		}
		if tb.Full() {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i > 0 {
			tb.WriteString("\f")
		}
		processed++
		var w watcher
		if i == 0 {
			w = title
		}
		// A damaged slide loses its text, not the whole deck's.
		if err := writeSlide(p, slide, tb, w); err != nil {
			if err := optional(err); err != nil {
				return nil, p.fail(err)
			}
			failed++
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	if failed > 0 && failed == processed {
		return nil, p.fail(firstErr)
	}
	if res.Title, err = p.title(); err != nil {
		return nil, p.fail(err)
	}
	res.Heading = title.found
	return res, nil
}

// slideList returns the slide parts in presentation order: the slide id
// list of ppt/presentation.xml resolved through its relationships. Slides
// it names that the archive lacks are left out. Only when the presentation
// part cannot be read are the ppt/slides/slideN.xml parts taken in numeric
// order instead.
func slideList(p *pkg) ([]string, error) {
	pres, err := p.relTarget("", "/officeDocument", "ppt/presentation.xml")
	if err != nil {
		return nil, err
	}
	rs, err := p.rels(pres)
	if err := optional(err); err != nil {
		return nil, err
	}
	targets := make(map[string]string, len(rs))
	for _, r := range rs {
		if strings.HasSuffix(r.typ, "/slide") {
			targets[r.id] = r.target
		}
	}
	s, err := p.xml(pres)
	if err != nil {
		if err := optional(err); err != nil {
			return nil, err
		}
		return numberedSlides(p), nil
	}
	defer s.close()
	var slides []string
	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return slides, nil
		} else if err != nil {
			if err := optional(err); err != nil {
				return nil, err
			}
			return numberedSlides(p), nil
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "sldId" {
			continue
		}
		if t := targets[relID(el)]; t != "" && p.has(t) {
			slides = append(slides, t)
		}
	}
}

// relID returns the r:id attribute of el: the namespaced "id", which the
// element's own numeric "id" must not be taken for.
func relID(el xml.StartElement) string {
	for _, a := range el.Attr {
		if a.Name.Local == "id" && a.Name.Space != "" {
			return a.Value
		}
	}
	return ""
}

var slideName = regexp.MustCompile(`^ppt/slides/slide([0-9]{1,9})\.xml$`)

// numberedSlides returns ppt/slides/slideN.xml in the order of N.
func numberedSlides(p *pkg) []string {
	type numbered struct {
		n    int
		name string
	}
	var found []numbered
	for name := range p.parts {
		if m := slideName.FindStringSubmatch(name); m != nil {
			n, _ := strconv.Atoi(m[1])
			found = append(found, numbered{n, name})
		}
	}
	slices.SortFunc(found, func(a, b numbered) int { return a.n - b.n })
	out := make([]string, len(found))
	for i, f := range found {
		out[i] = f.name
	}
	return out
}

// writeSlide writes the text of one slide, then of its SmartArt diagrams,
// then its notes. Missing or damaged diagrams and notes are skipped. w, if
// not nil, watches the slide itself.
func writeSlide(p *pkg, slide string, tb *textBuf, w watcher) error {
	s, err := p.xml(slide)
	if err != nil {
		return err
	}
	err = writeMarkup(s, tb, w)
	s.close()
	if err != nil {
		return err
	}
	rs, err := p.rels(slide)
	if err := optional(err); err != nil {
		return err
	}
	var notes []string
	for _, r := range rs {
		switch {
		case strings.HasSuffix(r.typ, "/diagramData"):
			if err := writePart(p, r.target, tb); err != nil {
				return err
			}
		case strings.HasSuffix(r.typ, "/notesSlide"):
			notes = append(notes, r.target)
		}
	}
	for _, n := range notes {
		if err := writePart(p, n, tb); err != nil {
			return err
		}
	}
	return nil
}

// writePart writes the text of an optional part as a paragraph of its own.
// Only errors that must end extraction are returned.
func writePart(p *pkg, name string, tb *textBuf) error {
	s, err := p.xml(name)
	if err != nil {
		return optional(err)
	}
	defer s.close()
	tb.WriteString("\n\n")
	return optional(writeMarkup(s, tb, nil))
}
