package blob

import (
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key   string
		valid bool
	}{
		{"orgs/o1/assets/a1/v1", true},
		{"a", true},
		{"a/b c/Ünïcödé + (1).pdf", true},
		{"a/b..c", true}, // dots inside a name are fine
		{"", false},
		{"/a/b", false},
		{"a/../b", false},
		{"..", false},
		{"../a", false},
		{"a/..", false},
		{"a/./b", false},
		{"./a", false},
		{"a/.hidden", false}, // reserved for sidecars and temp files
		{"a//b", false},
		{"a/", false},
		{`a\b`, false},
		{`..\a`, false},
		{"a\x00b", false},
		{"a\nb", false},
		{"a/\xff", false},
		{strings.Repeat("a", 1025), false},
	}
	for _, tt := range tests {
		err := validateKey(tt.key)
		if tt.valid && err != nil {
			t.Errorf("validateKey(%q) = %v, want nil", tt.key, err)
		} else if !tt.valid && stagecraft.ErrorCode(err) != stagecraft.EINVALID {
			t.Errorf("validateKey(%q) = %v, want %s", tt.key, err, stagecraft.EINVALID)
		}
	}
}

func TestNormalizeContentType(t *testing.T) {
	tests := []struct {
		in, want string // want "" for EINVALID
	}{
		{"", "application/octet-stream"},
		{"application/pdf", "application/pdf"},
		{"Text/HTML; Charset=UTF-8", "text/html; charset=UTF-8"},
		{"text/plain\r\nX-Evil: 1", ""},
		{"not a type", ""},
		{"text/", ""},
	}
	for _, tt := range tests {
		got, err := normalizeContentType(tt.in)
		if tt.want == "" {
			if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
				t.Errorf("normalizeContentType(%q) = %q, %v; want %s", tt.in, got, err, stagecraft.EINVALID)
			}
		} else if got != tt.want || err != nil {
			t.Errorf("normalizeContentType(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "deck.pdf", `attachment; filename="deck.pdf"; filename*=UTF-8''deck.pdf`},
		{"spaces", "Q3 deck.pdf", `attachment; filename="Q3 deck.pdf"; filename*=UTF-8''Q3%20deck.pdf`},
		{"unicode", "Müller–Plan.pdf", `attachment; filename="M_ller_Plan.pdf"; filename*=UTF-8''M%C3%BCller%E2%80%93Plan.pdf`},
		{"quote and backslash", `a"b\c.pdf`, `attachment; filename="a_b_c.pdf"; filename*=UTF-8''a%22b_c.pdf`},
		{"header injection", "a\r\nSet-Cookie: x=1", `attachment; filename="aSet-Cookie: x=1"; filename*=UTF-8''aSet-Cookie%3A%20x%3D1`},
		{"path", "../../etc/passwd", `attachment; filename=".._.._etc_passwd"; filename*=UTF-8''.._.._etc_passwd`},
		{"percent", "100%.txt", `attachment; filename="100_.txt"; filename*=UTF-8''100%25.txt`},
		{"empty", "", `attachment; filename="download"; filename*=UTF-8''download`},
		{"only controls", "\r\n\t", `attachment; filename="download"; filename*=UTF-8''download`},
		{"dot dot", "..", `attachment; filename="download"; filename*=UTF-8''download`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := contentDisposition(tt.in); got != tt.want {
				t.Errorf("contentDisposition(%q)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckTTL(t *testing.T) {
	for ttl, ok := range map[time.Duration]bool{
		0: false, -time.Second: false, time.Millisecond: false,
		time.Second: true, time.Hour: true, MaxTTL: true, MaxTTL + time.Second: false,
	} {
		if err := checkTTL(ttl); (err == nil) != ok {
			t.Errorf("checkTTL(%v) = %v, want ok=%v", ttl, err, ok)
		}
	}
}
