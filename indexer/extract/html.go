package extract

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"os"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// maxHTMLToken caps one token of HTML (a text run, a tag with its
// attributes); the tokenizer fails past it rather than buffer without end.
const maxHTMLToken = 4 << 20

// skipped are elements whose content is not text for readers.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true,
	atom.Svg: true, atom.Math: true, atom.Iframe: true, atom.Object: true,
	atom.Select: true,
}

// blocks are elements that start a new line.
var blocks = map[atom.Atom]bool{
	atom.Address: true, atom.Article: true, atom.Aside: true, atom.Blockquote: true,
	atom.Caption: true, atom.Dd: true, atom.Details: true, atom.Div: true,
	atom.Dl: true, atom.Dt: true, atom.Fieldset: true, atom.Figcaption: true,
	atom.Figure: true, atom.Footer: true, atom.Form: true, atom.H1: true, atom.H2: true,
	atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true, atom.Header: true,
	atom.Hr: true, atom.Li: true, atom.Main: true, atom.Nav: true, atom.Ol: true,
	atom.P: true, atom.Pre: true, atom.Section: true, atom.Summary: true,
	atom.Table: true, atom.Tr: true, atom.Ul: true, atom.Body: true,
}

// extractHTML reads an HTML page: the text of its body without scripts and
// styles, block elements on lines of their own, cells tab-separated, the
// <title> and the first <h1>. The character set comes from the content
// type, a BOM or a <meta> tag, as browsers decide it.
func extractHTML(ctx context.Context, path, contentType string, tb *textBuf) (*Result, error) {
	f, err := os.Open(path) //nolint:gosec // G304: opening the caller's file is what an extractor does
	if err != nil {
		return nil, fmt.Errorf("open html: %w", err)
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	// library.Detect labels all HTML "charset=utf-8" (net/http's sniffer
	// does), which would override a <meta> tag; only another charset is
	// a real statement about the bytes.
	if _, params, err := mime.ParseMediaType(contentType); err != nil || isUTF8Label(params["charset"]) {
		contentType = "text/html"
	}
	r, err := charset.NewReader(bufio.NewReader(f), contentType)
	if err != nil {
		return nil, newError(KindBroken, err, "The web page uses a character set that cannot be read.")
	}
	z := html.NewTokenizer(r)
	z.SetMaxBuf(maxHTMLToken)

	var (
		title    strings.Builder
		inTitle  bool
		hasTitle bool
		inHead   bool // in <head>, where only the title is text
		skip     int  // depth inside skipped elements
		pre      int  // depth inside <pre>, where whitespace is content
		brk      bool // a block boundary was passed: text starts a new line
		heading  capped
		inH1     bool
		hasH1    bool // the first <h1> with text was read
	)
	for n := 0; !tb.Full(); n++ {
		if n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return nil, newError(KindBroken, err, "The web page could not be read.")
			}
			return &Result{Title: title.String(), Heading: heading.String()}, nil
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			start := tt != html.EndTagToken
			switch {
			case a == atom.Head:
				inHead = tt == html.StartTagToken
			case a == atom.Body:
				inHead = false
			case a == atom.Title && skip == 0 && !hasTitle:
				// The first title outside <svg> and <math> is the page's.
				inTitle = tt == html.StartTagToken
				hasTitle = !start
			case skipped[a] && tt != html.SelfClosingTagToken:
				if start {
					skip++
				} else if skip > 0 {
					skip--
				}
			case a == atom.Pre:
				if start {
					pre++
				} else if pre > 0 {
					pre--
				}
			case a == atom.H1 && skip == 0 && !inHead && !hasH1:
				// The first <h1> with text is the page's heading.
				if tt == html.StartTagToken {
					inH1 = true
					heading.Reset()
				} else if inH1 {
					inH1 = false
					hasH1 = strings.TrimSpace(heading.String()) != ""
				}
			}
			if skip > 0 || inHead {
				continue
			}
			switch {
			case a == atom.Br:
				tb.WriteString("\n")
			case blocks[a]:
				// Both ends of a block are line breaks, but nested and
				// adjacent blocks still make only one.
				brk = true
			case a == atom.Td || a == atom.Th:
				if !start {
					tb.WriteString("\t")
				}
			}
		case html.TextToken:
			text := z.Text()
			switch {
			case inTitle:
				if title.Len() < 4*maxTitle {
					title.Write(text)
				}
			case skip > 0 || inHead:
			default:
				s := string(text)
				if pre == 0 {
					s = collapseSpace(text)
				}
				if brk && strings.TrimSpace(s) != "" {
					// Whitespace between blocks is layout, not text.
					tb.WriteString("\n")
					brk = false
				}
				tb.WriteString(strings.ReplaceAll(s, "\f", "\n"))
				if inH1 {
					heading.add([]byte(s))
				}
			}
		}
	}
	return &Result{Title: title.String(), Heading: heading.String()}, nil
}

// collapseSpace turns each run of HTML whitespace in b into one space:
// outside <pre>, line breaks in the source are not line breaks on the page.
func collapseSpace(b []byte) string {
	var out strings.Builder
	out.Grow(len(b))
	space := false
	for _, c := range b {
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' {
			space = true
			continue
		}
		if space {
			out.WriteByte(' ')
			space = false
		}
		out.WriteByte(c)
	}
	if space {
		out.WriteByte(' ')
	}
	return out.String()
}
