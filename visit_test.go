package stagecraft_test

import (
	"testing"

	"github.com/stagecraft/stagecraft"
)

func TestDeviceClass(t *testing.T) {
	tests := []struct{ ua, want string }{
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "desktop"},
		{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15", "desktop"},
		{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1", "mobile"},
		{"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "mobile"},
		{"Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1", "tablet"},
		{"Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36", "tablet"},
		{"Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/98.5 like Chrome/98.0 Safari/537.36", "tablet"},
		{"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "desktop"},
		{"Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54", "mobile"},
		{"", "desktop"},
	}
	for _, tt := range tests {
		if got := stagecraft.DeviceClass(tt.ua); got != tt.want {
			t.Errorf("DeviceClass(%.60q) = %s, want %s", tt.ua, got, tt.want)
		}
	}
}

func TestVisitCompletion(t *testing.T) {
	tests := []struct {
		pages, count int
		want         float64
	}{
		{0, 10, 0}, {4, 10, 0.4}, {10, 10, 1}, {12, 10, 1}, {1, 0, 0},
	}
	for _, tt := range tests {
		v := &stagecraft.Visit{PageCount: tt.count, Pages: make([]stagecraft.PageTime, tt.pages)}
		if got := v.Completion(); got != tt.want {
			t.Errorf("%d of %d pages: completion %v, want %v", tt.pages, tt.count, got, tt.want)
		}
	}
}

func TestValidatePasscode(t *testing.T) {
	for p, ok := range map[string]bool{"abcd": true, "abc": false, "pässwört": true, "a\x00bcd": false,
		string(make([]byte, 129)): false, "\xff\xfe\xfd\xfc": false} {
		if err := stagecraft.ValidatePasscode(p); (err == nil) != ok {
			t.Errorf("ValidatePasscode(%q) = %v, want ok=%v", p, err, ok)
		}
	}
}
