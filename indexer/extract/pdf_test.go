package extract

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rc4"
	"encoding/binary"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"
)

// pdfTools returns an Extractor with the poppler tools, or skips.
func pdfTools(t *testing.T, l Limits) *Extractor {
	t.Helper()
	x := New(l)
	if !x.HasPDFTools() {
		t.Skip("pdftotext not installed: apt-get install poppler-utils")
	}
	return x
}

func pdfFile(t *testing.T, d pdfgen.Document) string {
	t.Helper()
	return writeFile(t, "doc.pdf", d.Bytes())
}

var threePages = pdfgen.Document{
	Title: "Q3 Pricing Guide",
	Pages: [][]string{
		{"Pricing overview for the third quarter", "All prices are in euros and exclude tax"},
		{"Enterprise plan: contact sales"},
		{"Café au lait is on the house"},
	},
}

func TestExtractPDF(t *testing.T) {
	tests := []struct {
		name   string
		file   func(t *testing.T) string
		x      func(t *testing.T) *Extractor
		limits Limits
		want   *Result
		kind   Kind
		check  func(t *testing.T, res *Result)
	}{
		{
			name: "three pages",
			file: func(t *testing.T) string { return pdfFile(t, threePages) },
			want: &Result{Title: "Q3 Pricing Guide", Pages: 3, Language: "english",
				Text: "Pricing overview for the third quarter\nAll prices are in euros and exclude tax\fEnterprise plan: contact sales\fCafé au lait is on the house"},
		},
		{
			name:   "MaxPages",
			file:   func(t *testing.T) string { return pdfFile(t, threePages) },
			limits: Limits{MaxPages: 2},
			want: &Result{Title: "Q3 Pricing Guide", Pages: 3, Language: "english", Truncated: true,
				Text: "Pricing overview for the third quarter\nAll prices are in euros and exclude tax\fEnterprise plan: contact sales"},
		},
		{
			name: "MaxText kills pdftotext and cuts at a rune boundary",
			file: func(t *testing.T) string {
				var pages [][]string
				for range 200 {
					pages = append(pages, []string{strings.Repeat("é", 60), strings.Repeat("ü", 60)})
				}
				return pdfFile(t, pdfgen.Document{Pages: pages})
			},
			limits: Limits{MaxText: 1001},
			check: func(t *testing.T, res *Result) {
				if !res.Truncated || len(res.Text) > 1001 || res.Pages != 200 {
					t.Errorf("Truncated %v, len %d, pages %d", res.Truncated, len(res.Text), res.Pages)
				}
			},
		},
		{
			name: "pages without text",
			file: func(t *testing.T) string { return pdfFile(t, pdfgen.Document{Pages: [][]string{{}, {}}}) },
			want: &Result{Pages: 2, Language: "simple"},
		},
		{
			name: "empty first page keeps the page break",
			file: func(t *testing.T) string {
				return pdfFile(t, pdfgen.Document{Pages: [][]string{{}, {"Second page"}}})
			},
			want: &Result{Pages: 2, Text: "\fSecond page", Language: "simple"},
		},
		{
			name: "user password",
			file: func(t *testing.T) string {
				return writeFile(t, "locked.pdf", encryptedPDF("secret", "owner", "Hidden text"))
			},
			kind: KindEncrypted,
		},
		{
			name: "owner password only is readable",
			file: func(t *testing.T) string { return writeFile(t, "owned.pdf", encryptedPDF("", "owner", "Open text")) },
			want: &Result{Pages: 1, Text: "Open text", Language: "simple"},
		},
		{
			name: "not a PDF",
			file: func(t *testing.T) string { return writeFile(t, "junk.pdf", []byte("%PDF-1.4\nnothing here")) },
			kind: KindBroken,
		},
		{
			name: "truncated PDF",
			file: func(t *testing.T) string {
				b := threePages.Bytes()
				return writeFile(t, "cut.pdf", b[:len(b)/3])
			},
			check: func(*testing.T, *Result) {}, // poppler may recover some text; it must not fail hard
		},
		{
			name: "missing tools",
			file: func(t *testing.T) string { return pdfFile(t, threePages) },
			x: func(*testing.T) *Extractor {
				return &Extractor{PDFToText: "/nonexistent/pdftotext", PDFInfo: "/nonexistent/pdfinfo"}
			},
			kind: KindUnavailable,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := pdfTools(t, tt.limits)
			if tt.x != nil {
				x = tt.x(t)
			}
			res, err := x.Extract(context.Background(), tt.file(t), "application/pdf")
			if err != nil {
				t.Logf("err: %v", err)
			}
			if tt.kind != "" {
				if kindOf(err) != tt.kind || messageOf(err) == "" {
					t.Fatalf("err = %v, want kind %q", err, tt.kind)
				}
				return
			}
			if tt.check != nil {
				if err != nil && kindOf(err) != KindBroken {
					t.Fatalf("err = %v", err)
				}
				if err == nil {
					checkText(t, res.Text)
					tt.check(t, res)
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

// TestExtractPDFUnavailableMessage checks the advice given without poppler.
func TestExtractPDFUnavailableMessage(t *testing.T) {
	x := &Extractor{PDFToText: "/nonexistent/pdftotext", PDFInfo: "/nonexistent/pdfinfo"}
	_, err := x.Extract(context.Background(), writeFile(t, "a.pdf", threePages.Bytes()), "application/pdf")
	if msg := messageOf(err); !strings.Contains(msg, "poppler-utils") {
		t.Fatalf("message %q", msg)
	}
	if x.HasPDFTools() {
		t.Error("HasPDFTools with missing tools")
	}
}

// TestExtractPDFHungTool points pdftotext at a script that never ends (and
// forks a child that holds its stdout): Extract must kill both at the
// timeout and report KindTimeout.
func TestExtractPDFHungTool(t *testing.T) {
	x := pdfTools(t, Limits{Timeout: time.Second})
	script := filepath.Join(t.TempDir(), "pdftotext")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsleep 300 &\nexec sleep 300\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	x.PDFToText = script
	start := time.Now()
	_, err := x.Extract(context.Background(), pdfFile(t, threePages), "application/pdf")
	took := time.Since(start)
	t.Logf("err after %s: %v", took, err)
	if kindOf(err) != KindTimeout || messageOf(err) == "" {
		t.Fatalf("err = %v, want KindTimeout", err)
	}
	if took > x.Limits.Timeout+3*time.Second {
		t.Fatalf("took %s, want about %s", took, x.Limits.Timeout)
	}
}

func TestThumbnail(t *testing.T) {
	x := pdfTools(t, Limits{})
	if _, err := lookTool(x.PDFToPPM, "pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed: apt-get install poppler-utils")
	}
	ctx := context.Background()

	t.Run("PDF", func(t *testing.T) {
		b, err := x.Thumbnail(ctx, pdfFile(t, threePages), "application/pdf")
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
			t.Fatalf("not a PNG: % x", b[:min(8, len(b))])
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		size := img.Bounds().Size()
		t.Logf("thumbnail %dx%d, %d bytes", size.X, size.Y, len(b))
		if size.X > 400 || size.X < 100 || size.Y < size.X {
			t.Errorf("size %v, want a portrait page at most 400 wide", size)
		}
	})
	t.Run("text is unsupported", func(t *testing.T) {
		_, err := x.Thumbnail(ctx, writeFile(t, "a.txt", []byte("hi")), "text/plain; charset=utf-8")
		if kindOf(err) != KindUnsupported {
			t.Fatalf("err = %v, want KindUnsupported", err)
		}
	})
	t.Run("encrypted", func(t *testing.T) {
		_, err := x.Thumbnail(ctx, writeFile(t, "locked.pdf", encryptedPDF("secret", "owner", "x")), "application/pdf")
		if kindOf(err) != KindEncrypted {
			t.Fatalf("err = %v, want KindEncrypted", err)
		}
	})
	t.Run("no pdftoppm", func(t *testing.T) {
		y := *x
		y.PDFToPPM = "/nonexistent/pdftoppm"
		_, err := y.Thumbnail(ctx, pdfFile(t, threePages), "application/pdf")
		if kindOf(err) != KindUnavailable {
			t.Fatalf("err = %v, want KindUnavailable", err)
		}
	})
}

func TestParsePDFInfo(t *testing.T) {
	// A title may hold a newline and something that looks like a field.
	out := "Title:           Deck\nPages: 9999\nAuthor:          me\nPages:           12\nEncrypted:       no\n"
	if got := parsePDFInfo([]byte(out)); got != (pdfInfo{title: "Deck", pages: 12}) {
		t.Fatalf("got %+v", got)
	}
}

// encryptedPDF returns a one-page PDF encrypted by the standard security
// handler (revision 2: RC4, 40-bit key) with the given passwords, showing
// text. pdfgen cannot encrypt, and poppler's behaviour with a user
// password is what matters here.
func encryptedPDF(user, owner, text string) []byte {
	pad := []byte("\x28\xBF\x4E\x5E\x4E\x75\x8A\x41\x64\x00\x4E\x56\xFF\xFA\x01\x08" +
		"\x2E\x2E\x00\xB6\xD0\x68\x3E\x80\x2F\x0C\xA9\xFE\x64\x53\x69\x7A")
	padded := func(pw string) []byte { return append([]byte(pw), pad...)[:32] }
	crypt := func(key, data []byte) []byte {
		c, _ := rc4.NewCipher(key)
		out := make([]byte, len(data))
		c.XORKeyStream(out, data)
		return out
	}
	ownerKey := md5.Sum(padded(owner))
	o := crypt(ownerKey[:5], padded(user))
	id := []byte("stagecraft-test!")
	perms := int32(-44)
	h := md5.New()
	h.Write(padded(user))
	h.Write(o)
	_ = binary.Write(h, binary.LittleEndian, perms) // a fixed-size value into a hash: cannot fail
	h.Write(id)
	key := h.Sum(nil)[:5]
	u := crypt(key, pad)
	objectKey := func(num int) []byte {
		k := md5.Sum(append(bytes.Clone(key), byte(num), byte(num>>8), byte(num>>16), 0, 0))
		return k[:10]
	}

	content := crypt(objectKey(4), []byte("BT /F1 12 Tf 72 720 Td ("+text+") Tj ET"))
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(content), content),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Filter /Standard /V 1 /R 2 /O <%x> /U <%x> /P %d >>", o, u, perms),
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
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n",
		len(objs)+1, id, id, xref)
	return b.Bytes()
}
