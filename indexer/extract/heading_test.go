package extract

import (
	"context"
	"strings"
	"testing"
)

// rawSlide is a slide of a test deck: its file name under ppt/slides and
// the content of its shape tree.
type rawSlide struct{ file, tree string }

// deck returns a presentation whose slides appear in the order given, with
// core title title.
func deck(t testing.TB, title string, slides ...rawSlide) []byte {
	t.Helper()
	s := make([]slide, len(slides))
	for i, r := range slides {
		s[i] = slide{file: r.file, tree: r.tree}
	}
	return zipBytes(t, pptx(title, s...)...)
}

// placeholder returns a shape holding a placeholder of type typ ("" for
// none) with one paragraph per text.
func placeholder(typ string, texts ...string) string {
	ph := `<p:nvPr/>`
	if typ != "" {
		ph = `<p:nvPr><p:ph type="` + typ + `"/></p:nvPr>`
	}
	var b strings.Builder
	b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>` + ph +
		`</p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>`)
	for _, t := range texts {
		b.WriteString(`<a:p><a:r><a:rPr lang="en-US" dirty="0"/><a:t>` + t + `</a:t></a:r></a:p>`)
	}
	if len(texts) == 0 {
		b.WriteString(`<a:p><a:endParaRPr lang="en-US"/></a:p>`)
	}
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

// wordDoc returns a Word document with body XML and, if styles is not "",
// a styles part holding those w:style elements.
func wordDoc(t testing.TB, body, styles string) []byte {
	t.Helper()
	parts := docx("", body, "")
	if styles != "" {
		parts = append(parts,
			rels("word/_rels/document.xml.rels", "rId1 styles styles.xml"),
			part{"word/styles.xml", xmlHead + `<w:styles ` + wordNS + `>` + styles + `</w:styles>`})
	}
	return zipBytes(t, parts...)
}

// styled returns a paragraph of style id (none when "") with one run per
// text.
func styled(id string, texts ...string) string {
	var b strings.Builder
	b.WriteString(`<w:p>`)
	if id != "" {
		b.WriteString(`<w:pPr><w:pStyle w:val="` + id + `"/><w:spacing w:after="120"/></w:pPr>`)
	}
	for _, t := range texts {
		b.WriteString(`<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + t + `</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

// paragraphStyle returns a w:style of a paragraph style.
func paragraphStyle(id, name, pPr string) string {
	return `<w:style w:type="paragraph" w:styleId="` + id + `"><w:name w:val="` + name + `"/><w:basedOn w:val="Normal"/>` +
		`<w:pPr>` + pPr + `</w:pPr><w:rPr><w:sz w:val="56"/></w:rPr></w:style>`
}

// textBox returns a run anchoring a text box that holds paragraphs, with a
// VML copy of it for older readers in mc:Fallback.
func textBox(paras, fallback string) string {
	return `<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>` + paras +
		`</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice><mc:Fallback><w:pict><v:textbox><w:txbxContent>` +
		fallback + `</w:txbxContent></v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r>`
}

// TestExtractHeading checks what each format gives as its heading, next to
// its own title.
func TestExtractHeading(t *testing.T) {
	body := func(texts ...string) string {
		var b strings.Builder
		for _, s := range texts {
			b.WriteString(styled("", s))
		}
		return b.String()
	}
	tests := []struct {
		name           string
		file           string
		data           func(t *testing.T) []byte
		ct             string
		title, heading string
	}{
		// PowerPoint: the first slide's title placeholder.
		{
			name: "pptx centre title under a generic core title", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				return deck(t, "PowerPoint Presentation", rawSlide{"slide1.xml",
					placeholder("ctrTitle", "Q3 Pricing for Northwind") + placeholder("subTitle", "Sales team, March")})
			},
			title: "PowerPoint Presentation", heading: "Q3 Pricing for Northwind",
		},
		{
			name: "pptx title of two paragraphs and a line break", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				return deck(t, "", rawSlide{"slide1.xml", placeholder("body", "Agenda items") +
					placeholder("title", "Security", "Whitepaper</a:t></a:r><a:br/><a:r><a:t>2024")})
			},
			heading: "Security Whitepaper 2024",
		},
		{
			name: "pptx title inside a group, slide number field skipped", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				title := strings.Replace(placeholder("title", "Roadmap"), `</a:p>`,
					`<a:fld id="{1}" type="slidenum"><a:t>1</a:t></a:fld></a:p>`, 1)
				return deck(t, "Slide 1", rawSlide{"slide1.xml", `<p:grpSp><p:nvGrpSpPr/>` + title + `</p:grpSp>`})
			},
			title: "Slide 1", heading: "Roadmap",
		},
		{
			name: "pptx first slide in presentation order", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				return deck(t, "", rawSlide{"slide2.xml", placeholder("ctrTitle", "Cover Title")},
					rawSlide{"slide1.xml", placeholder("title", "Second Slide")})
			},
			heading: "Cover Title",
		},
		{
			name: "pptx empty title placeholder", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				return deck(t, "Slide 1", rawSlide{"slide1.xml", placeholder("ctrTitle") + placeholder("", "Just a text box")},
					rawSlide{"slide2.xml", placeholder("title", "Not the first slide")})
			},
			title: "Slide 1",
		},
		{
			name: "pptx text box named like a title is no placeholder", file: "deck.pptx", ct: typePPTX,
			data: func(t *testing.T) []byte {
				return deck(t, "", rawSlide{"slide1.xml", placeholder("", "Big words") + placeholder("subTitle", "Subtitle only")})
			},
		},
		// Word: the first paragraph styled as a title or a level-1 heading.
		{
			name: "docx Title style", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, styled("Title", "Q3 ", "Pricing")+body("Prices for the quarter."), "")
			},
			heading: "Q3 Pricing",
		},
		{
			name: "docx first Heading 1 after body text", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, body("Prepared for Northwind")+styled("Heading2", "Not level one")+
					styled("Heading1", "Market Overview")+styled("Title", "Later Title"),
					paragraphStyle("Heading1", "heading 1", `<w:outlineLvl w:val="0"/>`)+
						paragraphStyle("Heading2", "heading 2", `<w:outlineLvl w:val="1"/>`))
			},
			heading: "Market Overview",
		},
		{
			name: "docx localised style ids named in styles.xml", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, body("Vorwort")+styled("berschrift1", "Produktübersicht 2024"),
					paragraphStyle("berschrift1", "heading 1", ""))
			},
			heading: "Produktübersicht 2024",
		},
		{
			name: "docx localised Title id named in styles.xml", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, styled("Titre", "Offre Cloud")+body("Texte"), paragraphStyle("Titre", "Title", ""))
			},
			heading: "Offre Cloud",
		},
		{
			name: "docx unknown style id without a styles part", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, styled("Titre1", "Offre Cloud")+body("Texte"), "")
			},
		},
		{
			name: "docx custom style at outline level 1", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, styled("Normal", "Intro text")+styled("ChapterTitle", "Deployment Guide"),
					paragraphStyle("ChapterTitle", "Chapter Title", `<w:outlineLvl w:val="0"/>`)+
						paragraphStyle("Normal", "Normal", ""))
			},
			heading: "Deployment Guide",
		},
		{
			name: "docx paragraph at outline level 1 itself", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, `<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>Direct Heading</w:t></w:r></w:p>`, "")
			},
			heading: "Direct Heading",
		},
		{
			name: "docx empty Title, then a heading with a tab and a break", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, styled("Title")+styled("Heading1", "Q3</w:t><w:tab/><w:t>Pricing</w:t><w:br/><w:t>Guide"), "")
			},
			heading: "Q3 Pricing Guide",
		},
		{
			name: "docx character style is no paragraph style", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, `<w:p><w:r><w:rPr><w:rStyle w:val="Heading1"/></w:rPr><w:t>Looks big</w:t></w:r></w:p>`, "")
			},
		},
		{
			name: "docx title in a text box, not its anchor's text", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Objective</w:t></w:r>`+
					textBox(styled("Title", "Cover Title")+styled("", "Contact"), styled("Title", "Cover Title"))+`</w:p>`, "")
			},
			heading: "Cover Title",
		},
		{
			name: "docx anchor heading after a text box without one", file: "doc.docx", ct: typeDOCX,
			data: func(t *testing.T) []byte {
				return wordDoc(t, `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Objective</w:t></w:r>`+
					textBox(styled("", "Allison, Timothy"), styled("Title", "Only in the fallback"))+`</w:p>`, "")
			},
			heading: "Objective",
		},
		// HTML: the first <h1> with text.
		{
			name: "html first h1 with inline markup", file: "page.html", ct: "text/html; charset=utf-8",
			data: func(*testing.T) []byte {
				return []byte(`<html><head><title>Acme | Home</title></head><body><h2>Menu</h2>` +
					`<h1> Why <em>we</em>   win </h1><h1>Second</h1></body></html>`)
			},
			title: "Acme | Home", heading: "Why we win",
		},
		{
			name: "html h1 holding only a logo, h1 in svg", file: "page.html", ct: "text/html; charset=utf-8",
			data: func(*testing.T) []byte {
				return []byte(`<html><body><h1><img src="logo.png" alt="Acme"></h1><svg><h1>Drawn</h1></svg>` +
					`<script>document.write("<h1>Scripted</h1>")</script><h1>Partner Program</h1></body></html>`)
			},
			heading: "Partner Program",
		},
		{
			name: "html without h1", file: "page.html", ct: "text/html; charset=utf-8",
			data: func(*testing.T) []byte {
				return []byte(`<html><head><title>Notes</title></head><body><p>Just text.</p></body></html>`)
			},
			title: "Notes",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, tt.file, tt.data(t))
			res, err := (&Extractor{}).Extract(context.Background(), path, tt.ct)
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if res.Title != tt.title || res.Heading != tt.heading {
				t.Errorf("title %q, heading %q; want %q, %q", res.Title, res.Heading, tt.title, tt.heading)
			}
		})
	}
}

// TestExtractPDFHeading makes PDFs with lines of chosen sizes and places
// and checks which becomes the heading.
func TestExtractPDFHeading(t *testing.T) {
	x := pdfTools(t, Limits{})
	body := []pdfText{
		{size: 11, x: 72, y: 300, text: "Zero trust means every request is checked."},
		{size: 11, x: 72, y: 315, text: "Segmentation limits what one breach reaches."},
		{size: 11, x: 72, y: 330, text: "Continuous verification replaces the perimeter."},
	}
	page := func(lines ...pdfText) []pdfText { return append(lines, body...) }
	tests := []struct {
		name    string
		title   string
		pages   [][]pdfText
		heading string
	}{
		{"the large first line", "Microsoft Word - zt.docx",
			[][]pdfText{page(pdfText{size: 28, x: 72, y: 100, text: "Security Whitepaper 2024"})}, "Security Whitepaper 2024"},
		{"a title set on two lines", "",
			[][]pdfText{page(pdfText{size: 24, x: 72, y: 100, text: "Overview of the Technology"},
				pdfText{size: 24, x: 72, y: 128, text: "Acceptance Model"},
				pdfText{size: 12, x: 72, y: 170, text: "Mohammad Chuttur, Indiana University"})},
			"Overview of the Technology Acceptance Model"},
		{"the tallest of the top two thirds, not a smaller line above", "",
			[][]pdfText{page(pdfText{size: 14, x: 72, y: 60, text: "Working Papers on Information Systems"},
				pdfText{size: 26, x: 72, y: 150, text: "Zero Trust Architecture"})}, "Zero Trust Architecture"},
		{"the topmost of equal lines", "",
			[][]pdfText{page(pdfText{size: 20, x: 72, y: 100, text: "Northwind Case Study"},
				pdfText{size: 20, x: 72, y: 200, text: "Results in Numbers"})}, "Northwind Case Study"},
		{"a running header repeated on page two", "",
			[][]pdfText{
				page(pdfText{size: 22, x: 72, y: 40, text: "Acme Corporation"},
					pdfText{size: 18, x: 72, y: 150, text: "Partner Onboarding Guide"}),
				page(pdfText{size: 22, x: 72, y: 40, text: "Acme Corporation"}),
			}, "Partner Onboarding Guide"},
		{"a page number and a rotated margin stamp", "",
			[][]pdfText{page(pdfText{size: 40, x: 500, y: 80, text: "12"},
				pdfText{size: 24, x: 30, y: 700, text: "arXiv:2401.00001v1 [cs.CL] 1 Jan 2024", upwards: true},
				pdfText{size: 17, x: 72, y: 120, text: "Attention Is What You Pay"})}, "Attention Is What You Pay"},
		{"nothing stands out", "Zero Trust",
			[][]pdfText{page(pdfText{size: 11, x: 72, y: 100, text: "Zero trust, in short"})}, ""},
		{"large type only in the bottom third", "",
			[][]pdfText{page(pdfText{size: 30, x: 72, y: 700, text: "Call us today"})}, ""},
		{"a cover with one large line", "",
			[][]pdfText{{{size: 36, x: 72, y: 300, text: "Annual Report 2023"}}}, "Annual Report 2023"},
		{"Latin-1 text", "",
			[][]pdfText{page(pdfText{size: 24, x: 72, y: 100, text: "Présentation de l'offre"})}, "Présentation de l'offre"},
		{"an empty page", "", [][]pdfText{{}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, "doc.pdf", textPDF(tt.title, tt.pages...))
			res, err := x.Extract(context.Background(), path, "application/pdf")
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			if res.Heading != tt.heading || res.Title != tt.title {
				t.Errorf("title %q, heading %q; want %q, %q", res.Title, res.Heading, tt.title, tt.heading)
			}
		})
	}
}

// TestLargestLine chooses among placed lines, without poppler.
func TestLargestLine(t *testing.T) {
	line := func(block int, y0, h float64, text string) bboxLine {
		return bboxLine{block: block, x0: 72, y0: y0, x1: 72 + 8*float64(len(text)), y1: y0 + h, text: text}
	}
	body := []bboxLine{line(9, 400, 12, "Body text one"), line(9, 414, 12, "Body text two"), line(9, 428, 12, "Body three")}
	with := func(lines ...bboxLine) []bboxLine { return append(lines, body...) }
	tests := []struct {
		name  string
		pages []bboxPage
		want  string
	}{
		{"no pages", nil, ""},
		{"no height", []bboxPage{{lines: with(line(1, 100, 30, "Title"))}}, ""},
		{"the tallest", []bboxPage{{height: 792, lines: with(line(1, 100, 30, "Big Title"), line(2, 150, 18, "Subtitle"))}},
			"Big Title"},
		{"just above the usual size is not enough", []bboxPage{{height: 792, lines: with(line(1, 100, 13, "Slightly larger"))}},
			""},
		{"a fifth above the usual size is", []bboxPage{{height: 792, lines: with(line(1, 100, 14.5, "Section Name"))}},
			"Section Name"},
		{"three lines of a block at most", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "One"), line(1, 122, 20, "two"),
			line(1, 144, 20, "three"), line(1, 166, 20, "four"))}}, "One two three"},
		{"a word broken across lines", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "Accept-"), line(1, 122, 20, "ance Model"))}},
			"Acceptance Model"},
		{"a hyphen before a capital stays", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "Cross-"), line(1, 122, 20, "Selling"))}},
			"Cross-Selling"},
		{"another block is another heading", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "Title"), line(2, 122, 20, "Other"))}},
			"Title"},
		{"a line of another size ends it", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "Title"), line(1, 122, 14, "Author"))}},
			"Title"},
		{"a line far below ends it", []bboxPage{{height: 792, lines: with(line(1, 100, 20, "Title"), line(1, 160, 20, "Far"))}},
			"Title"},
		{"tiny type never", []bboxPage{{height: 792, lines: []bboxLine{line(1, 100, 5, "Tiny print"), line(2, 110, 4, "Tinier")}}},
			""},
		{"too tall to be a line", []bboxPage{{height: 792, lines: with(bboxLine{block: 1, x0: 0, y0: 10, x1: 600, y1: 300, text: "Huge"})}},
			""},
		{"taller than wide is turned", []bboxPage{{height: 792, lines: with(bboxLine{block: 1, x0: 20, y0: 100, x1: 40, y1: 180, text: "Stamp"})}},
			""},
		{"digits only", []bboxPage{{height: 792, lines: with(line(1, 100, 40, "2024"), line(2, 150, 20, "Real Title"))}},
			"Real Title"},
		{"Arabic in visual order", []bboxPage{{height: 792, lines: with(line(1, 100, 30, "ﺔﻴﺑﺮﻌﻟا طﻮﻄﳋا"))}}, ""},
		{"a running header", []bboxPage{
			{height: 792, lines: with(line(1, 30, 24, "Acme Corp"), line(2, 120, 18, "Pricing Guide"))},
			{height: 792, lines: with(line(1, 31, 24, "Acme Corp"))}}, "Pricing Guide"},
		{"the same words elsewhere on page two are no header", []bboxPage{
			{height: 792, lines: with(line(1, 100, 24, "Pricing Guide"))},
			{height: 792, lines: with(line(1, 30, 12, "Pricing Guide"))}}, "Pricing Guide"},
	}
	for _, tt := range tests {
		if got := largestLine(tt.pages); got != tt.want {
			t.Errorf("%s: largestLine = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestParseBBox reads pdftotext's XHTML, including entities, attributes
// that are no numbers, and output cut short.
func TestParseBBox(t *testing.T) {
	out := `<!DOCTYPE html><html xmlns="http://www.w3.org/1999/xhtml"><head><title>T &lt;x&gt;</title></head><body><doc>
<page width="612.000000" height="792.000000"><flow><block xMin="72" yMin="80" xMax="300" yMax="106">
<line xMin="72.000000" yMin="79.896000" xMax="394.140000" yMax="105.796000"><word xMin="72" yMin="80" xMax="90" yMax="106">R&amp;D</word>
<word xMin="92" yMin="80" xMax="190" yMax="106">Roadmap</word></line></block>
<block xMin="nan" yMin="1e999"><line xMin="nan" yMin="10" xMax="20" yMax="20"><word>odd</word></line></block></flow></page>
<page width="612" height="792"><flow><block><line xMin="1" yMin="2" xMax="3" yMax="4"><word>cut`
	pages := parseBBox([]byte(out))
	if len(pages) != 2 || pages[0].height != 792 || len(pages[0].lines) != 2 || len(pages[1].lines) != 0 {
		t.Fatalf("pages = %+v", pages)
	}
	l := pages[0].lines[0]
	if l.text != "R&D Roadmap" || l.block != 1 || l.y0 != 79.896 || l.y1 != 105.796 || l.x1 != 394.14 {
		t.Errorf("line = %+v", l)
	}
	if odd := pages[0].lines[1]; odd.text != "odd" || odd.block != 2 || odd.x0 != 0 || odd.y0 != 10 {
		t.Errorf("odd line = %+v", odd)
	}
}
