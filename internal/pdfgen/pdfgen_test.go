package pdfgen

import (
	"bytes"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestTextWidth(t *testing.T) {
	tests := []struct {
		name string
		font Font
		size float64
		s    string
		want float64
	}{
		// H 722, e 556, l 222, l 222, o 556 in Adobe's Helvetica AFM.
		{"regular", Helvetica, 10, "Hello", 22.78},
		// H 722, e 556, l 278, l 278, o 611 in Helvetica-Bold.
		{"bold", HelveticaBold, 10, "Hello", 24.45},
		{"oblique shares regular widths", HelveticaOblique, 10, "Hello", 22.78},
		// € 556, em dash 1000, bullet 350: WinAnsi's 0x80 block.
		{"WinAnsi punctuation", Helvetica, 1, "€—•", 1.906},
		{"missing glyph is a question mark", Helvetica, 1, "→", 0.556},
		{"empty", Helvetica, 12, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TextWidth(tt.font, tt.size, tt.s); math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("TextWidth = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestWrap(t *testing.T) {
	const long = "Every byte a customer sends is encrypted in transit and at rest, with keys unique to the customer."
	tests := []struct {
		name  string
		s     string
		width float64
		want  []string
	}{
		{"fits", "Short line", 200, []string{"Short line"}},
		{"breaks at spaces", "alpha beta gamma", 60, []string{"alpha beta", "gamma"}},
		{"newline always breaks", "one\ntwo", 500, []string{"one", "two"}},
		{"long word keeps its own line", "a Supercalifragilistic b", 40, []string{"a", "Supercalifragilistic", "b"}},
		{"empty", "", 100, []string{""}},
		{"prose", long, 200, nil}, // checked below for width and words
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(Helvetica, 10, tt.width, tt.s)
			if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Fatalf("Wrap = %q, want %q", got, tt.want)
			}
			if strings.Join(strings.Fields(strings.Join(got, " ")), " ") != strings.Join(strings.Fields(tt.s), " ") {
				t.Errorf("Wrap lost or changed words: %q", got)
			}
			for _, l := range got {
				if w := TextWidth(Helvetica, 10, l); w > tt.width && strings.Contains(l, " ") {
					t.Errorf("line %q is %v wide, over %v", l, w, tt.width)
				}
			}
		})
	}
}

func TestHex(t *testing.T) {
	tests := []struct {
		in   string
		want Color
	}{
		{"#0B1F44", Color{0x0B, 0x1F, 0x44}},
		{"2f6fed", Color{0x2F, 0x6F, 0xED}},
		{"#FFF", Color{}},
		{"navy", Color{}},
	}
	for _, tt := range tests {
		if got := Hex(tt.in); got != tt.want {
			t.Errorf("Hex(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"(a) \\ b", `\(a\) \\ b`},
		{"Café", `Caf\351`},
		{"€ — • “x”", `\200 \227 \225 \223x\224`},
		{"tab\there", "tab here"},
		{"日本", "??"},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for in, want := range map[string]string{
		"Plain (title)": `(Plain \(title\))`,
		"Acme — Q3":     "<FEFF" + "0041" + "0063" + "006D" + "0065" + "0020" + "2014" + "0020" + "0051" + "0033" + ">",
		"Café":          "<FEFF" + "0043" + "0061" + "0066" + "00E9" + ">",
	} {
		if got := infoString(in); got != want {
			t.Errorf("infoString(%q) = %q, want %q", in, got, want)
		}
	}
}

// designed draws a two-page document with every kind of mark.
func designed() *Doc {
	d := &Doc{Title: "Security and Compliance — Whitepaper", Author: "Acme Marketing", Subject: "Test"}
	p := d.AddPage()
	p.Rect(0, 0, 612, 300, Hex("#0B1F44"))
	p.Text(54, 150, Style{Font: HelveticaBold, Size: 32, Color: Hex("#FFFFFF")}, "Security at Acme")
	p.RoundRect(54, 340, 200, 60, 8, Hex("#2F6FED"))
	p.Circle(400, 370, 30, Hex("#14B8A6"))
	p = d.AddPage()
	p.Text(54, 80, Style{Font: HelveticaBold, Size: 22, Color: Hex("#0B1F44")}, "Data protection")
	p.Line(54, 90, 558, 90, 1, Hex("#D1D5DB"))
	p.StrokeRect(54, 100, 504, 40, 0.5, Hex("#D1D5DB"))
	p.Paragraph(54, 150, 300, Style{Size: 10.5, Color: Hex("#374151")},
		"Encryption at rest (AES-256) and in transit (TLS 1.3); single sign-on with SAML and OIDC.")
	p.Text(558, 760, Style{Size: 8, Align: Right}, "Page 2 of 2")
	p.Text(306, 760, Style{Size: 8, Align: Center}, "Confidential")
	return d
}

// TestXref checks that every cross-reference entry points at its object,
// as a reader that trusts the table would find it.
func TestXref(t *testing.T) {
	tests := []struct {
		name string
		pdf  []byte
	}{
		{"document", Document{Title: "Q3", Pages: [][]string{{"a"}, {"b (c)"}}}.Bytes()},
		{"designed", designed().Bytes()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := regexp.MustCompile(`(?s)startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(tt.pdf)
			if m == nil {
				t.Fatal("no startxref at the end")
			}
			at, _ := strconv.Atoi(string(m[1]))
			table := tt.pdf[at:]
			if !bytes.HasPrefix(table, []byte("xref\n0 ")) {
				t.Fatalf("startxref %d does not point at the xref table", at)
			}
			entries := regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(table, -1)
			if len(entries) == 0 {
				t.Fatal("no objects in the xref table")
			}
			for i, e := range entries {
				off, _ := strconv.Atoi(string(e[1]))
				if want := strconv.Itoa(i+1) + " 0 obj\n"; !bytes.HasPrefix(tt.pdf[off:], []byte(want)) {
					t.Errorf("object %d: offset %d holds %q", i+1, off, tt.pdf[off:min(len(tt.pdf), off+12)])
				}
			}
		})
	}
}

// TestPoppler reads the documents back with poppler, as the indexer does.
func TestPoppler(t *testing.T) {
	for _, tool := range []string{"pdfinfo", "pdftotext"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (poppler-utils)", tool)
		}
	}
	tests := []struct {
		name      string
		pdf       []byte
		pages     int
		title     string
		wantTexts []string
	}{
		{"document", Document{Title: "Q3 Pricing Guide", Pages: [][]string{{"Pricing overview"}, {"Café au lait"}}}.Bytes(),
			2, "Q3 Pricing Guide", []string{"Pricing overview", "Café au lait"}},
		{"designed", designed().Bytes(), 2, "Security and Compliance — Whitepaper",
			[]string{"Security at Acme", "Data protection", "Encryption at rest (AES-256)", "Page 2 of 2", "Confidential"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "doc.pdf")
			if err := os.WriteFile(path, tt.pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			info, err := exec.Command("pdfinfo", path).CombinedOutput()
			if err != nil {
				t.Fatalf("pdfinfo: %v: %s", err, info)
			}
			if !regexp.MustCompile(`(?m)^Pages:\s+` + strconv.Itoa(tt.pages) + `$`).Match(info) {
				t.Errorf("pdfinfo: want %d pages:\n%s", tt.pages, info)
			}
			if !regexp.MustCompile(`(?m)^Title:\s+` + regexp.QuoteMeta(tt.title) + `$`).Match(info) {
				t.Errorf("pdfinfo: want title %q:\n%s", tt.title, info)
			}
			text, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").CombinedOutput()
			if err != nil {
				t.Fatalf("pdftotext: %v: %s", err, text)
			}
			flat := strings.Join(strings.Fields(string(text)), " ")
			for _, w := range tt.wantTexts {
				if !strings.Contains(flat, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}
