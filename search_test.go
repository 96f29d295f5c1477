package stagecraft_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

func TestTruncateText(t *testing.T) {
	tests := []struct {
		name string
		in   string
		n    int
		want string
		cut  bool
	}{
		{"short", "forecast", 8, "forecast", false},
		{"at a space", "quarterly forecast", 12, "quarterly", true},
		{"inside a rune", "ééé", 3, "é", true},
		{"one long word", strings.Repeat("a", 100), 70, strings.Repeat("a", 70), true},
		{"nothing", "abc", 0, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := stagecraft.TruncateText(tt.in, tt.n)
			if got != tt.want || cut != tt.cut || !utf8.ValidString(got) {
				t.Errorf("TruncateText(%q, %d) = %q, %v; want %q, %v", tt.in, tt.n, got, cut, tt.want, tt.cut)
			}
		})
	}
}
