package api_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestViewerFileSandboxed: the file a link shows inline may run nothing
// when opened on its own, and only the viewer page may frame it; the
// page still embeds it.
func TestViewerFileSandboxed(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name, filename string
		body           []byte
		embed          string // how the page shows the file
	}{
		{"pdf", "pricing.pdf", tinyPDF("Pricing"), `<object id="doc" class="doc" data="%s/file" type="application/pdf"`},
		{"image", "logo.png", tinyPNG, `<img id="doc" src="%s/file"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			a := e.createAsset(e.marketerTok, tt.filename, tt.body)
			l := e.share(e.repTok, map[string]any{"asset_id": a.ID})

			resp := e.visit("GET", "/l/"+l.Token+"/file", nil)
			if got := e.page(resp, http.StatusOK); got != string(tt.body) {
				t.Errorf("file = %d bytes, want %d", len(got), len(tt.body))
			}
			csp := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "style-src 'unsafe-inline'", "sandbox", "frame-ancestors 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("file Content-Security-Policy %q lacks %q", csp, want)
				}
			}
			if xfo := resp.Header.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
				t.Errorf("X-Frame-Options = %q", xfo)
			}

			resp = e.visit("GET", "/l/"+l.Token, nil)
			body := e.page(resp, http.StatusOK)
			if want := strings.Replace(tt.embed, "%s", l.Token, 1); !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
			page := resp.Header.Get("Content-Security-Policy")
			for _, want := range []string{"object-src 'self'", "frame-src 'self'", "img-src 'self'"} {
				if !strings.Contains(page, want) {
					t.Errorf("page Content-Security-Policy %q lacks %q", page, want)
				}
			}
		})
	}
}
