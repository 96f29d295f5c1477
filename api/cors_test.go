package api_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stagecraft/stagecraft/api"
)

func TestOriginPolicy(t *testing.T) {
	p, err := api.NewOriginPolicy([]string{"chrome-extension://*", " https://crm.example.com ", "moz-extension://*"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		origin string
		want   bool
	}{
		{"chrome-extension://abcdefghijklmnopabcdefghijklmnop", true},
		{"moz-extension://6f1c2b7e-1111-4a4a-9c9c-0123456789ab", true},
		{"https://crm.example.com", true},
		{"HTTPS://CRM.EXAMPLE.COM", true},
		{"https://crm.example.com:8443", false},
		{"https://evil.example", false},
		{"http://crm.example.com", false},
		{"safari-web-extension://abc", false},
		{"chrome-extension://", false},
		{"chrome-extension://abc/path", false},
		{"chrome-extension://user@abc", false},
		{"null", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := p.Allows(tt.origin); got != tt.want {
			t.Errorf("Allows(%q) = %v, want %v", tt.origin, got, tt.want)
		}
	}
	var none *api.OriginPolicy
	if none.Allows("chrome-extension://abc") {
		t.Error("a nil policy allows an origin")
	}
}

func TestOriginPolicyRefusesWildWebOrigins(t *testing.T) {
	for _, bad := range [][]string{{"https://*"}, {"*"}, {"https://crm.example.com/app"}, {"crm.example.com"}, {"https://x.example?q=1"}} {
		if _, err := api.NewOriginPolicy(bad); err == nil {
			t.Errorf("NewOriginPolicy(%q) accepted", bad)
		}
	}
}

// TestCORS runs requests through the real router: preflights and answers
// to an extension carry the CORS headers, other origins get none, and
// credentials are never allowed.
func TestCORS(t *testing.T) {
	policy, err := api.NewOriginPolicy(api.DefaultCORSOrigins)
	if err != nil {
		t.Fatal(err)
	}
	h, err := (&api.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), CORS: policy}).Handler()
	if err != nil {
		t.Fatal(err)
	}
	const ext = "chrome-extension://abcdefghijklmnopabcdefghijklmnop"
	tests := []struct {
		name, method, path, origin string
		preflight                  bool
		wantStatus                 int
		wantAllow                  string
	}{
		{"preflight from the extension", http.MethodOptions, "/api/v1/search", ext, true, http.StatusNoContent, ext},
		{"preflight of a route with an id", http.MethodOptions, "/api/v1/assets/123", ext, true, http.StatusNoContent, ext},
		{"answer to the extension", http.MethodGet, "/api/v1/me", ext, false, http.StatusUnauthorized, ext},
		{"preflight from a web page", http.MethodOptions, "/api/v1/search", "https://evil.example", true, http.StatusMethodNotAllowed, ""},
		{"answer to a web page", http.MethodGet, "/api/v1/me", "https://evil.example", false, http.StatusUnauthorized, ""},
		{"no origin", http.MethodGet, "/api/v1/me", "", false, http.StatusUnauthorized, ""},
		{"outside the API", http.MethodGet, "/healthz", ext, false, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := httptest.NewRequest(tt.method, tt.path, nil)
			if tt.origin != "" {
				req.Header.Set("Origin", tt.origin)
			}
			if tt.preflight {
				req.Header.Set("Access-Control-Request-Method", "GET")
				req.Header.Set("Access-Control-Request-Headers", "authorization")
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", w.Code, tt.wantStatus)
			}
			if got := w.Header().Get("Access-Control-Allow-Origin"); got != tt.wantAllow {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tt.wantAllow)
			}
			if w.Header().Get("Access-Control-Allow-Credentials") != "" {
				t.Error("credentials allowed")
			}
			if tt.preflight && tt.wantAllow != "" {
				if got := w.Header().Get("Access-Control-Allow-Headers"); got != "Authorization, Content-Type, X-Request-ID" {
					t.Errorf("Access-Control-Allow-Headers = %q", got)
				}
			}
			if tt.wantAllow != "" && tt.method == http.MethodGet && w.Header().Get("Access-Control-Expose-Headers") == "" {
				t.Error("Retry-After is not exposed to the extension")
			}
		})
	}
}
