package extract

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
)

// maxCell caps the bytes kept of one cell value; Excel itself stops at
// 32,767 characters.
const maxCell = 128 << 10

// sheet is a worksheet to read: its name and part.
type sheet struct{ name, part string }

// extractXLSX reads an Excel workbook: per sheet its name, then its rows as
// lines of tab-separated cells (shared strings, inline strings, numbers and
// booleans as stored; formulas give their cached value).
func extractXLSX(ctx context.Context, l Limits, path string, tb *textBuf) (*Result, error) {
	p, err := openPackage(ctx, l, path, "spreadsheet")
	if err != nil {
		return nil, err
	}
	defer p.close()

	book, err := p.relTarget("", "/officeDocument", "xl/workbook.xml")
	if err != nil {
		return nil, p.fail(err)
	}
	sheets, rels, err := sheetList(p, book)
	if err != nil {
		return nil, p.fail(err)
	}
	res := &Result{}
	strs, full, err := sharedStrings(p, rels, 8*int64(l.MaxText))
	if err != nil {
		return nil, p.fail(err)
	}
	res.Truncated = full
	for i, sh := range sheets {
		if tb.Full() {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if i > 0 {
			tb.WriteString("\n\n")
		}
		tb.WriteString(sh.name)
		tb.WriteString("\n")
		if err := writeSheet(p, sh.part, strs, tb); err != nil {
			return nil, p.fail(err)
		}
	}
	if res.Title, err = p.title(); err != nil {
		return nil, p.fail(err)
	}
	return res, nil
}

// sheetList returns the worksheets in workbook order and the workbook's
// relationships. Sheets whose part is missing are left out.
func sheetList(p *pkg, book string) ([]sheet, []rel, error) {
	rs, err := p.rels(book)
	if err := optional(err); err != nil {
		return nil, nil, err
	}
	targets := make(map[string]string, len(rs))
	for _, r := range rs {
		if strings.HasSuffix(r.typ, "/worksheet") {
			targets[r.id] = r.target
		}
	}
	s, err := p.xml(book)
	if err != nil {
		return nil, nil, err
	}
	defer s.close()
	var sheets []sheet
	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return sheets, rs, nil
		} else if err != nil {
			return nil, nil, err
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "sheet" {
			continue
		}
		if t := targets[relID(el)]; t != "" && p.has(t) {
			sheets = append(sheets, sheet{name: attr(el, "name"), part: t})
		}
	}
}

// sharedStrings reads the shared string table. It keeps strings until
// they would take more than limit bytes of memory (counting a slice header
// per string, since a bomb would be millions of empty ones); later strings
// read as "" and full is set.
func sharedStrings(p *pkg, rels []rel, limit int64) (strs []string, full bool, err error) {
	name := "xl/sharedStrings.xml"
	for _, r := range rels {
		if strings.HasSuffix(r.typ, "/sharedStrings") {
			name = r.target
		}
	}
	s, err := p.xml(name)
	if err != nil {
		return nil, false, optional(err)
	}
	defer s.close()
	var (
		b        strings.Builder
		inText   bool
		phonetic int // depth inside rPh: reading aids, not content
		used     int64
	)
	for {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return strs, full, nil
		} else if err != nil {
			return nil, false, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "si":
				b.Reset()
			case "t":
				inText = phonetic == 0
			case "rPh":
				phonetic++
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "si":
				str := b.String()
				used += int64(len(str)) + 16
				if used > limit {
					str, full = "", true
				}
				strs = append(strs, str)
			case "t":
				inText = false
			case "rPh":
				phonetic--
			}
		case xml.CharData:
			if inText && b.Len() < maxCell {
				b.Write(t)
			}
		}
	}
}

// writeSheet writes a worksheet's rows as lines of tab-separated values.
func writeSheet(p *pkg, part string, strs []string, tb *textBuf) error {
	s, err := p.xml(part)
	if err != nil {
		return err
	}
	defer s.close()
	var (
		value  strings.Builder
		typ    string
		inCell bool // reading the value (v) or inline string text (is/t)
		cells  int  // cells written on the current row
	)
	for !tb.Full() {
		tok, err := s.next()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				cells = 0
			case "c":
				typ = attr(t, "t")
				value.Reset()
			case "v", "t":
				inCell = true
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v", "t":
				inCell = false
			case "c":
				if text := cellText(typ, value.String(), strs); text != "" {
					if cells > 0 {
						tb.WriteString("\t")
					}
					tb.WriteString(text)
					cells++
				}
			case "row":
				tb.WriteString("\n")
			}
		case xml.CharData:
			if inCell && value.Len() < maxCell {
				value.Write(t)
			}
		}
	}
	return nil
}

// cellText returns the text of a cell of type typ whose stored value is v.
func cellText(typ, v string, strs []string) string {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || i < 0 || i >= len(strs) {
			return ""
		}
		return strs[i]
	case "b":
		if strings.TrimSpace(v) == "1" {
			return "TRUE"
		}
		return "FALSE"
	case "e":
		return "" // #DIV/0! and friends say nothing about the content
	}
	return v
}
