package extract

import (
	"bytes"
	"fmt"
	"strings"
)

// pdfText is a line of text drawn on a test PDF's Letter page, in
// Helvetica: its size in points, its left edge and its baseline measured
// from the top of the page.
type pdfText struct {
	size, x, y float64
	text       string
	// upwards draws the line turned a quarter left, as the margin stamps
	// of preprints are.
	upwards bool
}

// pdfPageHeight is the height of Letter paper, in points.
const pdfPageHeight = 792

// textPDF returns a PDF with one page per element of pages and, if title
// is not "", that Info title. It is written here rather than with
// internal/pdfgen, which lays out designed pages, so that each line's size,
// exact baseline and turn (margin stamps) are the test's own.
func textPDF(title string, pages ...[]pdfText) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"}
	var kids []string
	for _, lines := range pages {
		var c strings.Builder
		for _, l := range lines {
			matrix := fmt.Sprintf("1 0 0 1 %g %g", l.x, pdfPageHeight-l.y)
			if l.upwards {
				matrix = fmt.Sprintf("0 1 -1 0 %g %g", l.x, pdfPageHeight-l.y)
			}
			fmt.Fprintf(&c, "BT /F1 %g Tf %s Tm (%s) Tj ET\n", l.size, matrix, pdfString(l.text))
		}
		kids = append(kids, fmt.Sprintf("%d 0 R", len(objs)+1))
		objs = append(objs,
			fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 %d] /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>",
				pdfPageHeight, len(objs)+2),
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", c.Len(), c.String()))
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(pages))
	info := ""
	if title != "" {
		objs = append(objs, fmt.Sprintf("<< /Title (%s) >>", pdfString(title)))
		info = fmt.Sprintf(" /Info %d 0 R", len(objs))
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
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
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R%s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, info, xref)
	return b.Bytes()
}

// pdfString escapes s for a PDF literal string in WinAnsi: Latin-1 letters
// as octal escapes, anything beyond as "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r >= 0xa0 && r <= 0xff:
			fmt.Fprintf(&b, "\\%03o", r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}
