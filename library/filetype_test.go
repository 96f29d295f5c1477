package library

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

func TestDetect(t *testing.T) {
	pdf := pdfgen.Document{Title: "x", Pages: [][]string{{"hi"}}}.Bytes()
	zip := []byte("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00")
	ole := []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	tests := []struct {
		name, filename string
		head           []byte
		want           string
		wantType       stagecraft.AssetType
	}{
		{"pdf", "a.pdf", pdf, "application/pdf", stagecraft.TypePDF},
		{"pdf named txt", "a.txt", pdf, "application/pdf", stagecraft.TypePDF},
		{"pptx", "deck.PPTX", zip, zipTypes[".pptx"], stagecraft.TypeDeck},
		{"docx", "doc.docx", zip, zipTypes[".docx"], stagecraft.TypeDocument},
		{"xlsx", "s.xlsx", zip, zipTypes[".xlsx"], stagecraft.TypeSpreadsheet},
		{"zip named pdf", "evil.pdf", zip, "application/zip", stagecraft.TypeOther},
		{"plain zip", "a.zip", zip, "application/zip", stagecraft.TypeOther},
		{"legacy ppt", "old.ppt", ole, "application/vnd.ms-powerpoint", stagecraft.TypeDeck},
		{"ole unknown", "x.bin", ole, "application/x-ole-storage", stagecraft.TypeOther},
		{"encrypted docx", "locked.docx", ole, zipTypes[".docx"], stagecraft.TypeDocument},
		{"png", "p.png", png, "image/png", stagecraft.TypeImage},
		{"png named pdf", "p.pdf", png, "image/png", stagecraft.TypeImage},
		{"markdown", "readme.md", []byte("# Title\n\nBody"), "text/markdown; charset=utf-8", stagecraft.TypeText},
		{"csv", "p.csv", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8", stagecraft.TypeSpreadsheet},
		{"text", "notes", []byte("hello"), "text/plain; charset=utf-8", stagecraft.TypeText},
		{"rtf", "letter.rtf", []byte(`{\rtf1\ansi Hello}`), "application/rtf", stagecraft.TypeDocument},
		{"rtf named txt", "letter.txt", []byte(`{\rtf1\ansi Hello}`), "application/rtf", stagecraft.TypeDocument},
		{"html", "page.html", []byte("<!DOCTYPE html><html><body>x"), "text/html; charset=utf-8", stagecraft.TypeText},
		{"html named md", "x.md", []byte("<html><script>alert(1)</script>"), "text/html; charset=utf-8", stagecraft.TypeText},
		{"binary", "x.csv", []byte{0, 1, 2, 3, 0xff}, "application/octet-stream", stagecraft.TypeOther},
		{"utf8 cut at end", "x.txt", []byte("caf\xc3"), "text/plain; charset=utf-8", stagecraft.TypeText},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Detect(tt.head, tt.filename)
			if got != tt.want {
				t.Errorf("Detect = %q, want %q", got, tt.want)
			}
			if ty := TypeOf(got); ty != tt.wantType {
				t.Errorf("TypeOf(%q) = %q, want %q", got, ty, tt.wantType)
			}
		})
	}
}

func TestSanitizeFilename(t *testing.T) {
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\me\deck.pptx`, "deck.pptx"},
		{"a\"b;c.pdf", "a_b_c.pdf"},
		{"evil\r\nSet-Cookie: x.pdf", "evilSet-Cookie_ x.pdf"},
		{"\u202eexe.pdf", "exe.pdf"},
		{"..hidden", "hidden"},
		{"", "file"},
		{"/", "file"},
		{"...", "file"},
		{"Präsentation Q3.pptx", "Präsentation Q3.pptx"},
		{"bad\xffutf8.txt", "badutf8.txt"},
		{strings.Repeat("a", 300) + ".pdf", strings.Repeat("a", 196) + ".pdf"},
	}
	for _, tt := range tests {
		if got := SanitizeFilename(tt.in); got != tt.want {
			t.Errorf("SanitizeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLimitedReader(t *testing.T) {
	tests := []struct {
		size, max int64
		tooLarge  bool
	}{
		{10, 10, false},
		{11, 10, true},
		{0, 10, false},
		{1 << 20, 1 << 20, false},
		{1<<20 + 1, 1 << 20, true},
	}
	for _, tt := range tests {
		l := &limitedReader{r: bytes.NewReader(make([]byte, tt.size)), max: tt.max}
		n, err := io.Copy(io.Discard, l)
		if tt.tooLarge {
			if stagecraft.ErrorCode(err) != stagecraft.ETOOLARGE || !l.exceeded {
				t.Errorf("size %d max %d: err = %v, exceeded %v", tt.size, tt.max, err, l.exceeded)
			}
			if n > tt.max+1 {
				t.Errorf("size %d max %d: read %d bytes; must stop just past the limit", tt.size, tt.max, n)
			}
		} else if err != nil || n != tt.size {
			t.Errorf("size %d max %d: n = %d, err = %v", tt.size, tt.max, n, err)
		}
	}
	var e *stagecraft.Error
	_, err := io.Copy(io.Discard, &limitedReader{r: strings.NewReader("abc"), max: 1})
	if !errors.As(err, &e) || e.Details["max_bytes"] != int64(1) {
		t.Errorf("error details = %v", err)
	}
}
