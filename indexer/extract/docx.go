package extract

import (
	"context"
	"strings"
)

// maxHeaderText caps the text kept from one header or footer; they are
// short by nature, and one that is not is not worth the space.
const maxHeaderText = 16 << 10

// extractDOCX reads a Word document: the body of the main part, then the
// distinct texts of its headers and footers, the title and the first
// heading.
func extractDOCX(ctx context.Context, l Limits, path string, tb *textBuf) (*Result, error) {
	p, err := openPackage(ctx, l, path, "document")
	if err != nil {
		return nil, err
	}
	defer p.close()

	main, err := p.relTarget("", "/officeDocument", "word/document.xml")
	if err != nil {
		return nil, p.fail(err)
	}
	styles, err := headingStyles(p, main)
	if err != nil {
		return nil, p.fail(err)
	}
	heading := &docxHeading{styles: styles}
	s, err := p.xml(main)
	if err != nil {
		return nil, p.fail(err)
	}
	err = writeMarkup(s, tb, heading)
	s.close()
	if err != nil {
		return nil, p.fail(err)
	}
	if err := writeHeaders(p, main, tb); err != nil {
		return nil, p.fail(err)
	}
	title, err := p.title()
	if err != nil {
		return nil, p.fail(err)
	}
	return &Result{Title: title, Heading: heading.found}, nil
}

// writeHeaders appends the text of each header and footer of the main
// part once: the same header is usually stored for several sections.
func writeHeaders(p *pkg, main string, tb *textBuf) error {
	rs, err := p.rels(main)
	if err := optional(err); err != nil {
		return err
	}
	seen := make(map[string]bool)
	for _, r := range rs {
		if tb.Full() {
			return nil
		}
		if !strings.HasSuffix(r.typ, "/header") && !strings.HasSuffix(r.typ, "/footer") {
			continue
		}
		s, err := p.xml(r.target)
		if err != nil {
			if err := optional(err); err != nil {
				return err
			}
			continue
		}
		part := newTextBuf(maxHeaderText)
		err = writeMarkup(s, part, nil)
		s.close()
		if err := optional(err); err != nil {
			return err
		}
		if text := part.String(); text != "" && !seen[text] {
			seen[text] = true
			tb.WriteString("\n\n")
			tb.WriteString(text)
		}
	}
	return nil
}
