// Package pdfgen writes small, valid PDF files without shipping binaries:
// Document for plain pages of text lines (the tests' fixtures), and Doc
// for designed pages with filled shapes, lines and wrapped text in the
// base-14 Helvetica faces (the demo organisation's collateral). Nothing
// is embedded or downloaded: every PDF reader has those fonts.
package pdfgen

import (
	"bytes"
	"fmt"
	"strings"
)

// Document describes a PDF of plain text lines.
type Document struct {
	Title  string
	Author string
	// Pages holds each page's lines of text.
	Pages [][]string
}

// Bytes renders the document: one Helvetica text page per entry of Pages,
// an Info dictionary with the title, and a correct cross-reference table.
func (d Document) Bytes() []byte {
	contents := make([]string, len(d.Pages))
	for i, lines := range d.Pages {
		var content strings.Builder
		content.WriteString("BT /F1 12 Tf 72 740 Td 16 TL\n")
		for _, l := range lines {
			fmt.Fprintf(&content, "(%s) Tj T*\n", escape(l))
		}
		content.WriteString("ET")
		contents[i] = content.String()
	}
	return write(contents, Letter, info{title: d.Title, author: d.Author})
}

// info is the document information dictionary's fields.
type info struct{ title, author, subject string }

// write assembles a PDF from page content streams, every page of size
// and able to use the fonts of baseFonts as /F1, /F2…, with an Info
// dictionary and a correct cross-reference table.
func write(contents []string, size Size, meta info) []byte {
	var objs []string
	add := func(s string) int { objs = append(objs, s); return len(objs) }

	catalog := add("") // filled once the page tree number is known
	pagesObj := add("")
	var fonts strings.Builder
	for i, name := range baseFonts {
		id := add(fmt.Sprintf("<< /Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding >>", name))
		fmt.Fprintf(&fonts, " /F%d %d 0 R", i+1, id)
	}
	var kids []string
	for _, content := range contents {
		stream := add(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content))
		page := add(fmt.Sprintf("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %s %s] /Resources << /Font <<%s >> >> /Contents %d 0 R >>",
			pagesObj, num(size.W), num(size.H), fonts.String(), stream))
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
	}
	objs[catalog-1] = fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesObj)
	objs[pagesObj-1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids))
	fields := "/Title " + infoString(meta.title) + " /Author " + infoString(meta.author)
	if meta.subject != "" {
		fields += " /Subject " + infoString(meta.subject)
	}
	infoObj := add("<< " + fields + " /Producer (Stagecraft pdfgen) >>")

	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, catalog, infoObj, xref)
	return b.Bytes()
}
