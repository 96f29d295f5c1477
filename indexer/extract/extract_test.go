package extract

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// part is one member of a zip built by a test.
type part struct{ name, body string }

// writeFile writes data to name in a fresh temporary directory.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// must stops the test on an error while building its input: a file that
// did not come out as intended would prove nothing.
func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// mustWrite writes p to w, stopping the test on an error.
func mustWrite(t testing.TB, w io.Writer, p []byte) {
	t.Helper()
	_, err := w.Write(p)
	must(t, err)
}

// zipBytes returns a zip archive of parts, in order.
func zipBytes(t testing.TB, parts ...part) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	for _, p := range parts {
		f, err := w.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	xmlHead   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	relsNS    = `http://schemas.openxmlformats.org/package/2006/relationships`
	relType   = `http://schemas.openxmlformats.org/officeDocument/2006/relationships/`
	wordNS    = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"`
	drawingNS = `xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"`
	sheetNS   = `xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
)

// rels returns a .rels part; each rel is "Id Type Target".
func rels(name string, rs ...string) part {
	var b strings.Builder
	b.WriteString(xmlHead + `<Relationships xmlns="` + relsNS + `">`)
	for _, r := range rs {
		f := strings.Fields(r)
		typ := f[1]
		if !strings.Contains(typ, "/") {
			typ = relType + typ
		}
		b.WriteString(`<Relationship Id="` + f[0] + `" Type="` + typ + `" Target="` + f[2] + `"/>`)
	}
	b.WriteString(`</Relationships>`)
	return part{name, b.String()}
}

// core returns docProps/core.xml with a title.
func core(title string) part {
	return part{"docProps/core.xml", xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` +
		title + `</dc:title><dc:creator>Marketing</dc:creator></cp:coreProperties>`}
}

// contentTypes returns a [Content_Types].xml naming the main part.
func contentTypes(main, typ string) part {
	return part{"[Content_Types].xml", xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/` + main + `" ContentType="` + typ + `"/></Types>`}
}

// docx returns the parts of a Word document with body XML (the content of
// w:body) and an optional header.
func docx(title, body, header string) []part {
	parts := []part{
		contentTypes("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
		rels("_rels/.rels", "rId1 officeDocument word/document.xml",
			"rId2 http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties docProps/core.xml"),
		core(title),
		{"word/document.xml", xmlHead + `<w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`},
	}
	if header != "" {
		// Two sections share one header text: it must appear once.
		parts = append(parts,
			rels("word/_rels/document.xml.rels", "rId7 header header1.xml", "rId8 header header2.xml", "rId9 footer footer1.xml"),
			part{"word/header1.xml", `<w:hdr ` + wordNS + `><w:p><w:r><w:t>` + header + `</w:t></w:r></w:p></w:hdr>`},
			part{"word/header2.xml", `<w:hdr ` + wordNS + `><w:p><w:r><w:t>` + header + `</w:t></w:r></w:p></w:hdr>`},
			part{"word/footer1.xml", `<w:ftr ` + wordNS + `><w:p><w:r><w:t>Page footer</w:t></w:r></w:p></w:ftr>`})
	}
	return parts
}

// para returns a w:p with one run per text.
func para(texts ...string) string {
	var b strings.Builder
	b.WriteString(`<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>`)
	for _, t := range texts {
		b.WriteString(`<w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">` + t + `</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

// slide is a PPTX slide for pptx: its paragraphs and speaker notes.
type slide struct {
	file  string // ppt/slides/<file>
	paras []string
	notes string
	// tree, when set, is the slide's whole shape tree, written as it is
	// instead of paras and a slide number.
	tree string
}

// shape returns a p:sp with one paragraph per text.
func shape(texts ...string) string {
	var b strings.Builder
	b.WriteString(`<p:sp><p:nvSpPr><p:cNvPr id="2" name="Title 1"/><p:cNvSpPr/><p:nvPr/></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/>`)
	for _, t := range texts {
		b.WriteString(`<a:p><a:r><a:rPr lang="en-US"/><a:t>` + t + `</a:t></a:r></a:p>`)
	}
	b.WriteString(`</p:txBody></p:sp>`)
	return b.String()
}

// pptx returns the parts of a presentation whose slides appear in the
// order given (not necessarily the order of their file names).
func pptx(title string, slides ...slide) []part {
	parts := []part{
		contentTypes("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
		rels("_rels/.rels", "rId1 officeDocument ppt/presentation.xml",
			"rId2 http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties docProps/core.xml"),
		core(title),
	}
	var ids strings.Builder
	var presRels []string
	for i, s := range slides {
		id := "rId" + string(rune('a'+i))
		ids.WriteString(`<p:sldId id="` + string(rune('0'+i)) + `56" r:id="` + id + `"/>`)
		presRels = append(presRels, id+" slide slides/"+s.file)
		tree := s.tree
		if tree == "" {
			tree = shape(s.paras...) +
				`<p:sp><p:txBody><a:p><a:fld id="{1}" type="slidenum"><a:t>` + string(rune('1'+i)) + `</a:t></a:fld></a:p></p:txBody></p:sp>`
		}
		parts = append(parts, part{"ppt/slides/" + s.file,
			xmlHead + `<p:sld ` + drawingNS + `><p:cSld><p:spTree>` + tree + `</p:spTree></p:cSld></p:sld>`})
		slideRels := []string{"rId1 slideLayout ../slideLayouts/slideLayout1.xml"}
		if s.notes != "" {
			notes := "notesSlide" + strings.TrimPrefix(s.file, "slide")
			slideRels = append(slideRels, "rId2 notesSlide ../notesSlides/"+notes)
			parts = append(parts, part{"ppt/notesSlides/" + notes,
				xmlHead + `<p:notes ` + drawingNS + `><p:cSld><p:spTree>` + shape(s.notes) + `</p:spTree></p:cSld></p:notes>`})
		}
		parts = append(parts, rels("ppt/slides/_rels/"+s.file+".rels", slideRels...))
	}
	parts = append(parts,
		rels("ppt/_rels/presentation.xml.rels", presRels...),
		part{"ppt/presentation.xml", xmlHead + `<p:presentation ` + drawingNS + `><p:sldIdLst>` + ids.String() + `</p:sldIdLst></p:presentation>`})
	return parts
}

// xlsx returns the parts of a workbook with two sheets.
func xlsx(title string) []part {
	return []part{
		contentTypes("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
		rels("_rels/.rels", "rId1 officeDocument xl/workbook.xml",
			"rId2 http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties docProps/core.xml"),
		core(title),
		rels("xl/_rels/workbook.xml.rels", "rId1 worksheet worksheets/sheet1.xml", "rId2 worksheet worksheets/sheet2.xml",
			"rId3 sharedStrings sharedStrings.xml"),
		{"xl/workbook.xml", xmlHead + `<workbook ` + sheetNS + `><sheets><sheet name="Prices" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets></workbook>`},
		{"xl/sharedStrings.xml", xmlHead + `<sst ` + sheetNS + ` count="4" uniqueCount="4"><si><t>Region</t></si><si><t>Price</t></si>` +
			`<si><r><t>EM</t></r><r><rPr><b/></rPr><t>EA</t></r></si><si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si></sst>`},
		{"xl/worksheets/sheet1.xml", xmlHead + `<worksheet ` + sheetNS + `><sheetData>` +
			`<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>` +
			`<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>100.5</v></c><c r="C2" t="b"><v>1</v></c></row>` +
			`<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><f>B2*2</f><v>201</v></c><c r="C3" t="e"><v>#DIV/0!</v></c><c r="D3" t="s"><v>99</v></c></row>` +
			`</sheetData></worksheet>`},
		{"xl/worksheets/sheet2.xml", xmlHead + `<worksheet ` + sheetNS + `><sheetData>` +
			`<row r="1"><c r="A1" t="inlineStr"><is><t>Valid until March</t></is></c></row></sheetData></worksheet>`},
	}
}

// writeZerosMember adds a member of n zero bytes (n a multiple of 1 MiB)
// to w, streaming: it deflates 1 MiB twice and repeats the second block,
// which only refers back to zeros, so even 300 MiB takes milliseconds
// and no memory.
func writeZerosMember(t testing.TB, w *zip.Writer, name string, n int64) {
	t.Helper()
	const chunk = 1 << 20
	var buf bytes.Buffer
	fw, err := flate.NewWriter(&buf, flate.BestSpeed)
	must(t, err)
	zero := make([]byte, chunk)
	mustWrite(t, fw, zero)
	must(t, fw.Flush())
	first := bytes.Clone(buf.Bytes())
	buf.Reset()
	mustWrite(t, fw, zero)
	must(t, fw.Flush())
	next := bytes.Clone(buf.Bytes())
	buf.Reset()
	must(t, fw.Close())
	last := buf.Bytes()

	crc := uint32(0)
	for range n / chunk {
		crc = crc32.Update(crc, crc32.IEEETable, zero)
	}
	compressed := int64(len(first)) + (n/chunk-1)*int64(len(next)) + int64(len(last))
	mw, err := w.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(compressed), UncompressedSize64: uint64(n)})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, mw, first)
	for range n/chunk - 1 {
		mustWrite(t, mw, next)
	}
	mustWrite(t, mw, last)
}

// zerosZip writes a docx-named zip whose document.xml is n zero bytes.
func zerosZip(t testing.TB, n int64) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "bomb.docx")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := zip.NewWriter(f)
	writeZerosMember(t, w, "word/document.xml", n)
	must(t, w.Close())
	must(t, f.Close())
	return path
}

// TestZerosMember checks the bomb builder itself: the member must really
// unpack to n zeros, or the bomb tests prove nothing.
func TestZerosMember(t *testing.T) {
	const n = 4 << 20
	zr, err := zip.OpenReader(zerosZip(t, n))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { must(t, zr.Close()) }()
	rc, err := zr.File[0].Open()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.Copy(io.Discard, rc) // archive/zip checks size and CRC
	if err != nil || got != n {
		t.Fatalf("unpacked %d bytes, err %v; want %d", got, err, n)
	}
}

// lyingZip returns a docx whose document.xml claims 1 KiB but unpacks to
// several MiB.
func lyingZip(t testing.TB) []byte {
	t.Helper()
	body := xmlHead + `<w:document ` + wordNS + `><w:body><w:p><w:r><w:t>` +
		strings.Repeat("lies ", 2<<20) + `</w:t></w:r></w:p></w:body></w:document>`
	var comp bytes.Buffer
	fw, err := flate.NewWriter(&comp, flate.BestSpeed)
	must(t, err)
	mustWrite(t, fw, []byte(body))
	must(t, fw.Close())
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	mw, err := w.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
		CRC32: crc32.ChecksumIEEE([]byte(body)), CompressedSize64: uint64(comp.Len()), UncompressedSize64: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	mustWrite(t, mw, comp.Bytes())
	must(t, w.Close())
	return buf.Bytes()
}

// Content types as library.Detect reports them.
const (
	ctDOCX = typeDOCX
	ctPPTX = typePPTX
	ctXLSX = typeXLSX
)

func TestExtract(t *testing.T) {
	validDOCX := zipBytes(t, docx("Pricing 2025", para("Intro"), "")...)
	tests := []struct {
		name   string
		file   func(t *testing.T) string
		ct     string
		limits Limits
		want   *Result // compared field by field when set
		kind   Kind    // expected error kind, "" for success
		check  func(t *testing.T, res *Result, err error)
	}{
		{
			name: "docx paragraphs, table, tabs, breaks, headers",
			file: func(t *testing.T) string {
				body := para("Quarterly ", "pricing") +
					`<w:p><w:r><w:t>Region</w:t><w:tab/><w:t>EMEA</w:t><w:br/><w:t>second line</w:t></w:r></w:p>` +
					`<w:tbl><w:tblPr><w:tblW w:w="0"/></w:tblPr>` +
					`<w:tr><w:tc><w:tcPr/>` + para("Plan") + `</w:tc><w:tc>` + para("Price") + `</w:tc></w:tr>` +
					`<w:tr><w:tc>` + para("Pro") + para("annual") + `</w:tc><w:tc>` + para("1,200") + `</w:tc></w:tr></w:tbl>` +
					`<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:t>Box text</w:t></mc:Choice>` +
					`<mc:Fallback><w:t>Box text</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
					`<w:p><w:del><w:r><w:delText>deleted</w:delText></w:r></w:del><w:r><w:instrText>PAGE</w:instrText><w:t>Done</w:t></w:r></w:p>`
				return writeFile(t, "pricing.docx", zipBytes(t, docx("  Pricing\n 2025 ", body, "Acme Confidential")...))
			},
			ct: ctDOCX,
			want: &Result{Title: "Pricing 2025", Language: "simple",
				Text: "Quarterly pricing\nRegion\tEMEA\nsecond line\nPlan\tPrice\nPro annual\t1,200\nBox text\nDone\n\nAcme Confidential\n\nPage footer"},
		},
		{
			name: "pptx slides in presentation order with notes",
			file: func(t *testing.T) string {
				return writeFile(t, "deck.pptx", zipBytes(t, pptx("Launch deck",
					slide{file: "slide2.xml", paras: []string{"Why Stagecraft", "One place for every deck"}, notes: "Mention the pilot customers"},
					slide{file: "slide1.xml", paras: []string{"Pricing"}},
					slide{file: "slide3.xml", paras: []string{"Next steps"}, notes: "Ask for the order"},
				)...))
			},
			ct: ctPPTX,
			want: &Result{Title: "Launch deck", Pages: 3, Language: "english",
				Text: "Why Stagecraft\nOne place for every deck\n\nMention the pilot customers\fPricing\fNext steps\n\nAsk for the order"},
		},
		{
			name: "pptx slide missing from the archive is skipped",
			file: func(t *testing.T) string {
				parts := pptx("Gaps", slide{file: "slide1.xml", paras: []string{"Kept"}}, slide{file: "slide2.xml", paras: []string{"Gone"}})
				return writeFile(t, "gaps.pptx", zipBytes(t, without(parts, "ppt/slides/slide2.xml")...))
			},
			ct:   ctPPTX,
			want: &Result{Title: "Gaps", Pages: 1, Text: "Kept", Language: "simple"},
		},
		{
			name: "pptx with a damaged slide keeps the others",
			file: func(t *testing.T) string {
				parts := pptx("", slide{file: "slide1.xml", paras: []string{"Fine"}}, slide{file: "slide2.xml", paras: []string{"Bad"}})
				for i := range parts {
					if parts[i].name == "ppt/slides/slide2.xml" {
						parts[i].body = parts[i].body[:len(parts[i].body)/2]
					}
				}
				return writeFile(t, "damaged.pptx", zipBytes(t, parts...))
			},
			ct:   ctPPTX,
			want: &Result{Pages: 2, Text: "Fine", Language: "simple"},
		},
		{
			name: "pptx without presentation.xml falls back to numeric slide order",
			file: func(t *testing.T) string {
				parts := pptx("", slide{file: "slide10.xml", paras: []string{"Ten"}}, slide{file: "slide2.xml", paras: []string{"Two"}})
				return writeFile(t, "norder.pptx", zipBytes(t, without(parts, "ppt/presentation.xml")...))
			},
			ct:   ctPPTX,
			want: &Result{Pages: 2, Text: "Two\fTen", Language: "simple"},
		},
		{
			name: "pptx MaxPages",
			file: func(t *testing.T) string {
				return writeFile(t, "long.pptx", zipBytes(t, pptx("", slide{file: "slide1.xml", paras: []string{"One"}},
					slide{file: "slide2.xml", paras: []string{"Two"}}, slide{file: "slide3.xml", paras: []string{"Three"}})...))
			},
			ct:     ctPPTX,
			limits: Limits{MaxPages: 2},
			want:   &Result{Pages: 3, Text: "One\fTwo", Language: "simple", Truncated: true},
		},
		{
			name: "xlsx shared, rich, inline strings, numbers, booleans",
			file: func(t *testing.T) string { return writeFile(t, "prices.xlsx", zipBytes(t, xlsx("Price list")...)) },
			ct:   ctXLSX,
			want: &Result{Title: "Price list", Language: "simple",
				Text: "Prices\nRegion\tPrice\nEMEA\t100.5\tTRUE\n東京\t201\n\nNotes\nValid until March"},
		},
		{
			name: "zip bomb: 300 MiB of zeros",
			file: func(t *testing.T) string { return zerosZip(t, 300<<20) },
			ct:   ctDOCX,
			kind: KindTooLarge,
		},
		{
			name: "pptx with a 300 MiB video is not a bomb: media are never read",
			file: func(t *testing.T) string {
				path := filepath.Join(t.TempDir(), "video.pptx")
				f, err := os.Create(path)
				if err != nil {
					t.Fatal(err)
				}
				w := zip.NewWriter(f)
				for _, p := range pptx("Demo", slide{file: "slide1.xml", paras: []string{"Watch the demo"}}) {
					pw, err := w.Create(p.name)
					must(t, err)
					mustWrite(t, pw, []byte(p.body))
				}
				writeZerosMember(t, w, "ppt/media/media1.mp4", 300<<20)
				must(t, w.Close())
				must(t, f.Close())
				return path
			},
			ct:   ctPPTX,
			want: &Result{Title: "Demo", Pages: 1, Text: "Watch the demo", Language: "simple"},
		},
		{
			name: "zip bomb under the size cap but at an absurd ratio",
			file: func(t *testing.T) string { return zerosZip(t, 20<<20) },
			ct:   ctDOCX,
			kind: KindTooLarge,
		},
		{
			name:   "archive over MaxDecompressed",
			file:   func(t *testing.T) string { return writeFile(t, "big.docx", validDOCX) },
			ct:     ctDOCX,
			limits: Limits{MaxDecompressed: 100},
			kind:   KindTooLarge,
		},
		{
			name: "member header lies about its size",
			file: func(t *testing.T) string { return writeFile(t, "liar.docx", lyingZip(t)) },
			ct:   ctDOCX,
			check: func(t *testing.T, _ *Result, err error) {
				// archive/zip stops at the declared size (broken); the
				// budget would stop it at MaxDecompressed (too large).
				if k := kindOf(err); k != KindBroken && k != KindTooLarge {
					t.Fatalf("kind %q (%v), want broken or too_large", k, err)
				}
			},
		},
		{
			name: "OLE2 container named docx is an encrypted document",
			file: func(t *testing.T) string {
				return writeFile(t, "secret.docx", append(bytes.Clone(oleMagic), make([]byte, 1024)...))
			},
			ct:   ctDOCX,
			kind: KindEncrypted,
			check: func(t *testing.T, _ *Result, err error) {
				if msg := messageOf(err); !strings.Contains(msg, "password-protected") {
					t.Errorf("message %q", msg)
				}
			},
		},
		{
			name: "truncated zip",
			file: func(t *testing.T) string { return writeFile(t, "cut.docx", validDOCX[:len(validDOCX)/2]) },
			ct:   ctDOCX,
			kind: KindBroken,
		},
		{
			name: "not a zip",
			file: func(t *testing.T) string { return writeFile(t, "text.pptx", []byte("just some text")) },
			ct:   ctPPTX,
			kind: KindBroken,
		},
		{
			name: "malformed document.xml",
			file: func(t *testing.T) string {
				parts := docx("", para("ok"), "")
				parts[3].body = strings.Replace(parts[3].body, "</w:body>", "</w:bod>", 1)
				return writeFile(t, "bad.docx", zipBytes(t, parts...))
			},
			ct:   ctDOCX,
			kind: KindBroken,
		},
		{
			name: "html body without script and style",
			file: func(t *testing.T) string {
				return writeFile(t, "page.html", []byte(`<!doctype html><html><head><title> Battle card:
 Acme &amp; Co </title><style>body{color:red}</style><script>var x = "<p>no</p>";</script></head>
<body><h1>Why we win</h1><p>Faster   onboarding,
 lower <b>cost</b>.</p><ul><li>One</li><li>Two</li></ul><noscript>Enable JS</noscript>
<table><tr><td>Plan</td><td>Price</td></tr><tr><td>Pro</td><td>99</td></tr></table>
<svg><title>icon</title><text>chart</text></svg><pre>a  b
c</pre><script>alert(1)</script>Done&nbsp;now</body></html>`))
			},
			ct: "text/html; charset=utf-8",
			want: &Result{Title: "Battle card: Acme & Co", Heading: "Why we win", Language: "simple",
				Text: "Why we win\nFaster onboarding, lower cost.\nOne\nTwo\nPlan\tPrice\nPro\t99\na b\nc\nDone now"},
		},
		{
			name: "html in windows-1252 by meta tag",
			file: func(t *testing.T) string {
				return writeFile(t, "old.html", []byte("<html><head><meta charset=\"windows-1252\"><title>Caf\xe9</title></head><body><p>\x93Quoted\x94 na\xefve</p></body></html>"))
			},
			ct:   "text/html; charset=utf-8",
			want: &Result{Title: "Café", Text: "“Quoted” naïve", Language: "simple"},
		},
		{
			name: "text with invalid UTF-8, NULs, CRLF and blank lines",
			file: func(t *testing.T) string {
				return writeFile(t, "notes.txt", []byte("caf\xe9 ok\x00\x00 done\r\n\r\n\r\n\r\nnext\tline   end  \x1b[0m\n"))
			},
			ct:   "text/plain; charset=utf-8",
			want: &Result{Text: "caf\uFFFD ok done\n\nnext\tline end [0m", Language: "simple"},
		},
		{
			name: "text in UTF-16LE",
			file: func(t *testing.T) string {
				return writeFile(t, "utf16.txt", []byte("\xff\xfeH\x00i\x00 \x00\xe9\x00"))
			},
			ct:   "text/plain; charset=utf-16le",
			want: &Result{Text: "Hi é", Language: "simple"},
		},
		{
			name: "markdown stays as is",
			file: func(t *testing.T) string {
				return writeFile(t, "README.md", []byte("# Pitch\n\n- **fast**\n- [link](http://x)\n"))
			},
			ct:   "text/markdown; charset=utf-8",
			want: &Result{Text: "# Pitch\n\n- **fast**\n- [link](http://x)", Language: "simple"},
		},
		{
			name: "csv",
			file: func(t *testing.T) string { return writeFile(t, "a.csv", []byte("region,price\nEMEA,100\n")) },
			ct:   "text/csv; charset=utf-8",
			want: &Result{Text: "region,price\nEMEA,100", Language: "simple"},
		},
		{
			name: "empty text is not an error",
			file: func(t *testing.T) string { return writeFile(t, "empty.txt", nil) },
			ct:   "text/plain; charset=utf-8",
			want: &Result{Language: "simple"},
		},
		{
			name:   "text over MaxText is cut at a rune boundary",
			file:   func(t *testing.T) string { return writeFile(t, "long.txt", []byte(strings.Repeat("é", 800))) },
			ct:     "text/plain; charset=utf-8",
			limits: Limits{MaxText: 1001},
			want:   &Result{Text: strings.Repeat("é", 500), Language: "simple", Truncated: true},
		},
		{
			name: "docx over MaxText",
			file: func(t *testing.T) string {
				return writeFile(t, "long.docx", zipBytes(t, docx("", para(strings.Repeat("ü", 5000)), "")...))
			},
			ct:     ctDOCX,
			limits: Limits{MaxText: 2047},
			want:   &Result{Text: strings.Repeat("ü", 1023), Language: "simple", Truncated: true},
		},
		{
			name: "images are unsupported",
			file: func(t *testing.T) string { return writeFile(t, "logo.png", []byte("\x89PNG\r\n\x1a\n")) },
			ct:   "image/png",
			kind: KindUnsupported,
			check: func(t *testing.T, _ *Result, err error) {
				if msg := messageOf(err); msg != "Text extraction is not supported for images." {
					t.Errorf("message %q", msg)
				}
			},
		},
		{
			name: "legacy Word is unsupported",
			file: func(t *testing.T) string { return writeFile(t, "old.doc", oleMagic) },
			ct:   "application/msword",
			kind: KindUnsupported,
			check: func(t *testing.T, _ *Result, err error) {
				if msg := messageOf(err); !strings.Contains(msg, ".docx") {
					t.Errorf("message %q", msg)
				}
			},
		},
		{
			name: "zip archives are unsupported",
			file: func(t *testing.T) string { return writeFile(t, "a.zip", validDOCX) },
			ct:   "application/zip",
			kind: KindUnsupported,
		},
		{
			name:   "document timeout in process",
			file:   func(t *testing.T) string { return writeFile(t, "slow.txt", []byte("text")) },
			ct:     "text/plain",
			limits: Limits{Timeout: time.Nanosecond},
			kind:   KindTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.file(t)
			x := &Extractor{Limits: tt.limits}
			start := time.Now()
			res, err := x.Extract(context.Background(), path, tt.ct)
			if took := time.Since(start); took > 10*time.Second {
				t.Errorf("took %s", took)
			}
			if err != nil {
				t.Logf("err: %v", err)
			}
			if tt.check != nil {
				tt.check(t, res, err)
			}
			if tt.kind != "" || tt.want == nil {
				if tt.kind != "" && kindOf(err) != tt.kind {
					t.Fatalf("err = %v, want kind %q", err, tt.kind)
				}
				if err != nil && messageOf(err) == "" {
					t.Errorf("error without a message: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Extract: %v", err)
			}
			checkText(t, res.Text)
			if *res != *tt.want {
				t.Errorf("got  %#v\nwant %#v", *res, *tt.want)
			}
		})
	}
}

// TestExtractCancelled checks that the caller's cancellation is not blamed
// on the document.
func TestExtractCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := writeFile(t, "a.txt", []byte("text"))
	_, err := (&Extractor{}).Extract(ctx, path, "text/plain")
	var xe *Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &xe) {
		t.Fatalf("err = %v, want context.Canceled that is no *Error", err)
	}
}

// TestSafely checks that a panic in an in-process parser becomes KindBroken.
func TestSafely(t *testing.T) {
	_, err := safely(func() (*Result, error) {
		panic("a parser bug")
	})
	if kindOf(err) != KindBroken || !strings.Contains(err.Error(), "panic") {
		t.Fatalf("err = %v", err)
	}
}

// without returns parts without the one named name.
func without(parts []part, name string) []part {
	var out []part
	for _, p := range parts {
		if p.name != name {
			out = append(out, p)
		}
	}
	return out
}

// kindOf returns the Kind of err's *Error, or "".
func kindOf(err error) Kind {
	var xe *Error
	if errors.As(err, &xe) {
		return xe.Kind
	}
	return ""
}

// messageOf returns the Message of err's *Error, or "".
func messageOf(err error) string {
	var xe *Error
	if errors.As(err, &xe) {
		return xe.Message
	}
	return ""
}

// checkText asserts the invariants of every extracted text.
func checkText(t testing.TB, text string) {
	t.Helper()
	if !utf8.ValidString(text) {
		t.Errorf("text is not valid UTF-8")
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\f' {
			t.Errorf("text contains control character %U", r)
			break
		}
	}
	if strings.Contains(text, "\n\n\n") {
		t.Errorf("text contains three newlines in a row")
	}
	if strings.TrimRight(text, " \t\n\f") != text {
		t.Errorf("text ends in whitespace")
	}
}

// TestBudget checks the read-side limit that backs the header check: once
// the package's budget is spent, reads fail with errBudget (KindTooLarge)
// however small the headers said the members were.
func TestBudget(t *testing.T) {
	path := writeFile(t, "a.docx", zipBytes(t, docx("", para(strings.Repeat("x", 5000)), "")...))
	p, err := openPackage(context.Background(), DefaultLimits(), path, "document")
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	p.left = 1000 // as if earlier members had used up the rest
	rc, err := p.open("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = rc.Close() }() // the read failed on purpose; Close adds nothing
	n, err := io.Copy(io.Discard, rc)
	if !errors.Is(err, errBudget) || n != 1000 {
		t.Fatalf("read %d bytes, err %v; want 1000 and errBudget", n, err)
	}
	if kindOf(p.fail(err)) != KindTooLarge {
		t.Fatalf("fail(%v) is not KindTooLarge", err)
	}
}

// FuzzExtractOOXML feeds mutated Office files to Extract: whatever the
// bytes, it must return a Result with clean text or an *Error.
func FuzzExtractOOXML(f *testing.F) {
	f.Add(zipBytes(f, docx("Title", para("Hello ", "world")+`<w:tbl><w:tr><w:tc>`+para("a")+`</w:tc></w:tr></w:tbl>`, "Header")...))
	f.Add(zipBytes(f, pptx("Deck", slide{file: "slide1.xml", paras: []string{"One"}, notes: "Notes"})...))
	f.Add(zipBytes(f, xlsx("Book")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := writeFile(t, "fuzz", data)
		x := &Extractor{Limits: Limits{Timeout: 5 * time.Second, MaxDecompressed: 16 << 20}}
		for _, ct := range []string{ctDOCX, ctPPTX, ctXLSX} {
			res, err := x.Extract(context.Background(), path, ct)
			if err != nil {
				if kindOf(err) == "" || messageOf(err) == "" {
					t.Fatalf("%s: %v is not an *Error with a message", ct, err)
				}
				continue
			}
			checkText(t, res.Text)
		}
	})
}
