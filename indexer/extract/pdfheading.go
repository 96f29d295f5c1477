package extract

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// A PDF has no headings, only text in larger type. Its heading is taken to
// be the largest line in the upper two thirds of the first page, as
// pdftotext -bbox-layout places it, with the lines that continue it in the
// same block and size.
const (
	// maxBBoxBytes caps the -bbox-layout output read for two pages,
	// about 30,000 words: a heading is found long before.
	maxBBoxBytes = 4 << 20
	// maxBBoxLines caps the lines kept of one page.
	maxBBoxLines = 5000
	// minHeadingHeight is the height (in points) below which a line is
	// footnote type, never a heading.
	minHeadingHeight = 6
	// bigHeight is the height from which a line stands out as a heading
	// even when most of the page is set as large (a cover, a slide).
	bigHeight = 20
	// maxHeadingLines is how many lines one heading may run to.
	maxHeadingLines = 3
)

// bboxLine is one line of text on a page, in points from the top-left
// corner.
type bboxLine struct {
	block          int
	x0, y0, x1, y1 float64
	text           string
}

func (l bboxLine) height() float64 { return l.y1 - l.y0 }

// bboxPage is one page of pdftotext -bbox-layout output.
type bboxPage struct {
	height float64
	lines  []bboxLine
}

// pdfHeading returns the heading of the first page of the PDF at abs, or
// "". It reads the first two pages: a line repeated on the second at the
// same place and size is a running header, not a heading. A failure costs
// only the heading, unless ctx ended, which is returned.
func pdfHeading(ctx context.Context, l Limits, pdftotext, abs string) (string, error) {
	out := &boundedBuffer{max: maxBBoxBytes}
	last := strconv.Itoa(min(2, l.MaxPages))
	run := runTool(ctx, l, pdftotext, []string{"-enc", "UTF-8", "-bbox-layout", "-f", "1", "-l", last, abs, "-"},
		out.sink)
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("pdftotext -bbox-layout: %w", err)
	}
	// A failed run costs only the heading; one stopped at the output cap
	// still placed the first lines.
	if failed := run.startErr != nil || run.err != nil && !run.stopped; failed {
		return "", nil
	}
	return largestLine(parseBBox(out.Bytes())), nil
}

// parseBBox reads the pages, blocks and lines of pdftotext -bbox-layout
// output (XHTML), tolerating output cut short.
func parseBBox(b []byte) []bboxPage {
	z := html.NewTokenizer(bytes.NewReader(b))
	var (
		pages  []bboxPage
		line   *bboxLine
		words  []string
		word   strings.Builder
		inWord bool
		block  int
	)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return pages
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "page":
				a := tagAttrs(z)
				pages = append(pages, bboxPage{height: a["height"]})
			case "block":
				block++
			case "line":
				a := tagAttrs(z)
				line = &bboxLine{block: block, x0: a["xmin"], y0: a["ymin"], x1: a["xmax"], y1: a["ymax"]}
				words = words[:0]
			case "word":
				inWord = true
				word.Reset()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "word":
				if inWord && word.Len() < 4*maxTitle {
					words = append(words, word.String())
				}
				inWord = false
			case "line":
				if line != nil && len(pages) > 0 {
					p := &pages[len(pages)-1]
					if len(p.lines) < maxBBoxLines {
						line.text = strings.Join(words, " ")
						p.lines = append(p.lines, *line)
					}
				}
				line = nil
			}
		case html.TextToken:
			if inWord && word.Len() < 4*maxTitle {
				word.Write(z.Text())
			}
		}
	}
}

// tagAttrs returns the numeric attributes of the current tag; others, and
// values that are not finite numbers, are left out.
func tagAttrs(z *html.Tokenizer) map[string]float64 {
	a := make(map[string]float64, 4)
	for {
		key, val, more := z.TagAttr()
		if f, err := strconv.ParseFloat(string(val), 64); err == nil && f > -1e6 && f < 1e6 {
			a[strings.ToLower(string(key))] = f
		}
		if !more {
			return a
		}
	}
}

// largestLine returns the heading of the first page: the tallest line in
// its upper two thirds that stands out from the page's usual line height,
// the topmost of equals, joined with the lines below it in the same block
// and size. Lines without two letters (page numbers), tiny ones, rotated
// ones (taller than wide) and those repeated at the same place on the
// second page (running headers) are never the heading, nor text that
// came out in visual order (see visualOrder).
func largestLine(pages []bboxPage) string {
	if len(pages) == 0 || pages[0].height <= 0 {
		return ""
	}
	page := pages[0]
	var heights []float64
	var candidates []int
	for i, ln := range page.lines {
		if countLetters(ln.text) < 2 {
			continue
		}
		h := ln.height()
		heights = append(heights, h)
		if h < minHeadingHeight || ln.x1-ln.x0 < h || h > page.height/4 || ln.y0 > page.height*2/3 {
			continue
		}
		if len(pages) > 1 && repeated(ln, pages[1], page.height) || visualOrder(ln.text) {
			continue
		}
		candidates = append(candidates, i)
	}
	if len(candidates) == 0 {
		return ""
	}
	tallest := 0.0
	for _, i := range candidates {
		tallest = max(tallest, page.lines[i].height())
	}
	slices.Sort(heights)
	usual := heights[(len(heights)-1)/2]
	if tallest < 1.2*usual && tallest < bigHeight {
		return ""
	}
	best := -1
	for _, i := range candidates {
		if page.lines[i].height() >= tallest-0.5 && (best < 0 || page.lines[i].y0 < page.lines[best].y0) {
			best = i
		}
	}
	return joinLines(page.lines, best)
}

// joinLines returns line i with the lines that follow it in its block at
// its size, right below one another: a heading set on two or three lines.
func joinLines(lines []bboxLine, i int) string {
	first := lines[i]
	h := first.height()
	text := first.text
	prev := first
	for n, j := 1, i+1; n < maxHeadingLines && j < len(lines); n, j = n+1, j+1 {
		next := lines[j]
		gap := next.y0 - prev.y1
		if next.block != first.block || next.height() < 0.9*h || next.height() > 1.1*h || gap < -h/2 || gap > h {
			break
		}
		switch r := []rune(next.text); {
		case !strings.HasSuffix(text, "-") || len(r) == 0:
			text += " " + next.text
		case unicode.IsLower(r[0]):
			text = strings.TrimSuffix(text, "-") + next.text // a word broken across the lines
		default:
			text += next.text // a compound: "Cross-" and "Selling"
		}
		prev = next
	}
	return text
}

// repeated reports whether the second page has ln's text at about the same
// place and size: a running header.
func repeated(ln bboxLine, second bboxPage, pageHeight float64) bool {
	for _, o := range second.lines {
		if o.text == ln.text && math.Abs(o.height()-ln.height()) <= 0.15*ln.height() &&
			math.Abs(o.y0-ln.y0) <= 0.05*pageHeight {
			return true
		}
	}
	return false
}

// countLetters counts the letters of s.
func countLetters(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n
}

// visualOrder reports whether s is Arabic in presentation forms: pdftotext
// gives the glyphs of fonts without a Unicode map as drawn, right to left
// and shaped, which reads backwards as a title.
func visualOrder(s string) bool {
	for _, r := range s {
		if r >= 0xFB50 && r <= 0xFDFF || r >= 0xFE70 && r <= 0xFEFF {
			return true
		}
	}
	return false
}
