package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTextBuf(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"spaces collapse, tabs win", "a   b \t c", "a b\tc"},
		{"lines are trimmed", "  a  \n  b  ", "a\nb"},
		{"at most one blank line", "a\n\n\n\n\nb", "a\n\nb"},
		{"CRLF and CR", "a\r\nb\rc\r\n\r\nd", "a\nb\nc\n\nd"},
		{"page breaks swallow newlines", "a\n\n\f\n\nb\f\fc\f\n", "a\fb\f\fc"},
		{"leading page break stays", "\f\nb", "\fb"},
		{"leading newlines go", "\n\n a", "a"},
		{"NUL dropped, controls break words", "a\x00b\x02c\x1bd", "ab c d"},
		{"invalid UTF-8", "ok\xff\xfe!", "ok\uFFFD\uFFFD!"},
		{"BOM dropped", "\uFEFFhello", "hello"},
		{"ligatures spelled out", "\uFB01rst \uFB02ow", "first flow"},
		{"unicode spaces", "a\u00a0\u2003b\u2028c", "a b\nc"},
		{"only whitespace", " \n\t\f ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTextBuf(1 << 20)
			tb.WriteString(tt.in)
			if got := tb.String(); got != tt.want {
				t.Errorf("WriteString(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// Byte by byte, as from a pipe, runes split across writes.
			tb = newTextBuf(1 << 20)
			for i := range len(tt.in) {
				tb.Write([]byte{tt.in[i]})
			}
			if got := tb.String(); got != tt.want {
				t.Errorf("Write bytes of %q = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTextBufSplitRunes(t *testing.T) {
	tb := newTextBuf(1 << 20)
	tb.Write([]byte("caf\xc3"))
	tb.Write([]byte("\xa9 \xe6\x9d"))
	tb.Write([]byte("\xb1\xe4\xba\xac \xf0\x9f"))
	if got, want := tb.String(), "café 東京 \uFFFD\uFFFD"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestTextBufLimit(t *testing.T) {
	for limit := range 12 {
		tb := newTextBuf(limit)
		tb.WriteString("añb東c")
		tb.WriteString(strings.Repeat("x", 10))
		got := tb.String()
		if len(got) > limit || !utf8.ValidString(got) || !tb.truncated || !tb.Full() {
			t.Errorf("limit %d: %q (truncated %v)", limit, got, tb.truncated)
		}
	}
	tb := newTextBuf(100)
	tb.WriteString(strings.Repeat(" ", 2000) + "x")
	if tb.String() != "x" || tb.truncated {
		t.Errorf("whitespace counted against MaxText: %q", tb.String())
	}
	// Endless whitespace must still end.
	tb = newTextBuf(10)
	for range 1000 {
		tb.Write([]byte(strings.Repeat(" ", 10<<10)))
		if tb.Full() {
			break
		}
	}
	if !tb.Full() || !tb.truncated {
		t.Error("a whitespace flood never filled the buffer")
	}
}

func TestCleanTitle(t *testing.T) {
	if got := cleanTitle("  Q3\r\n\tPricing\x00 \xff "); got != "Q3 Pricing" {
		t.Errorf("got %q", got)
	}
	if got := cleanTitle(strings.Repeat("é", 400)); len(got) > maxTitle || !utf8.ValidString(got) {
		t.Errorf("long title: %d bytes", len(got))
	}
}

// FuzzTextBuf checks the invariants of normalised text for any input,
// written whole and in pieces.
func FuzzTextBuf(f *testing.F) {
	f.Add("a  b\r\n\n\n\fc\x00\xff", 7)
	f.Add("é東\U0001F600 \t\t x", 5)
	f.Fuzz(func(t *testing.T, in string, limit int) {
		limit = limit%64 + 64
		whole := newTextBuf(limit)
		whole.WriteString(in)
		pieces := newTextBuf(limit)
		for i := 0; i < len(in); i += 3 {
			pieces.Write([]byte(in[i:min(i+3, len(in))]))
		}
		got := whole.String()
		checkText(t, got)
		if len(got) > limit {
			t.Fatalf("%d bytes kept, limit %d", len(got), limit)
		}
		if p := pieces.String(); p != got {
			t.Fatalf("pieces %q != whole %q", p, got)
		}
	})
}
