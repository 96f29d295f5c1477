package api_test

import (
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stagecraft/stagecraft/api"
)

const (
	testIndex  = `<!doctype html><html><body><div id="root"></div><script type="module" src="/static/app-123.js"></script></body></html>`
	testScript = `console.log("app")`
	appCSP     = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' blob: data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
		"frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

// webAppHandler is the router with a web app and no other dependency;
// only routes that need none may be requested through it.
func webAppHandler(t *testing.T, app fs.FS) http.Handler {
	t.Helper()
	s := &api.Server{WebApp: app, BlobHandler: http.NotFoundHandler(), Log: slog.New(slog.DiscardHandler)}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func testWebApp() fstest.MapFS {
	return fstest.MapFS{
		"index.html":         {Data: []byte(testIndex)},
		"favicon.svg":        {Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		"static/app-123.js":  {Data: []byte(testScript)},
		"static/app-123.css": {Data: []byte(`body{margin:0}`)},
		".gitkeep":           {Data: nil},
	}
}

func TestWebApp(t *testing.T) {
	h := webAppHandler(t, testWebApp())
	const (
		immutable = "public, max-age=31536000, immutable"
		noCache   = "no-cache"
		jsonType  = "application/json; charset=utf-8"
		htmlType  = "text/html; charset=utf-8"
	)
	tests := []struct {
		name, method, path string
		status             int
		contentType, cache string
		body               string // the whole body, or for JSON a substring
		csp                bool
	}{
		{"root", "GET", "/", http.StatusOK, htmlType, noCache, testIndex, true},
		{"index by name", "GET", "/index.html", http.StatusOK, htmlType, noCache, testIndex, true},
		{"search page", "GET", "/search?q=pricing", http.StatusOK, htmlType, noCache, testIndex, true},
		{"library", "GET", "/library", http.StatusOK, htmlType, noCache, testIndex, true},
		{"analytics", "GET", "/analytics", http.StatusOK, htmlType, noCache, testIndex, true},
		{"asset page", "GET", "/assets/6f1c2b9e-8a51-4d3e-9c57-0b1f7c1a2d3e", http.StatusOK, htmlType, noCache, testIndex, true},
		{"admin", "GET", "/admin", http.StatusOK, htmlType, noCache, testIndex, true},
		{"settings", "GET", "/settings", http.StatusOK, htmlType, noCache, testIndex, true},
		{"login", "GET", "/login", http.StatusOK, htmlType, noCache, testIndex, true},
		{"deal page", "GET", "/deals/42", http.StatusOK, htmlType, noCache, testIndex, true},
		{"page like a prefix", "GET", "/library/links", http.StatusOK, htmlType, noCache, testIndex, true},
		{"hashed script", "GET", "/static/app-123.js", http.StatusOK, "text/javascript; charset=utf-8", immutable, testScript, true},
		{"hashed stylesheet", "GET", "/static/app-123.css", http.StatusOK, "text/css; charset=utf-8", immutable, `body{margin:0}`, true},
		{"root file", "GET", "/favicon.svg", http.StatusOK, "image/svg+xml", noCache, `<svg xmlns="http://www.w3.org/2000/svg"/>`, true},
		{"dot segments stay inside", "GET", "/deals/../static/app-123.js", http.StatusOK, "text/javascript; charset=utf-8", immutable, testScript, true},
		{"hidden file is not served", "GET", "/.gitkeep", http.StatusOK, htmlType, noCache, testIndex, true},
		{"missing hashed file", "GET", "/static/app-999.js", http.StatusNotFound, jsonType, "", `"not_found"`, false},
		{"static folder", "GET", "/static/", http.StatusNotFound, jsonType, "", `"not_found"`, false},
		{"unknown API path", "GET", "/api/v1/nope", http.StatusNotFound, jsonType, "no-store", "No such endpoint: GET /api/v1/nope.", false},
		{"API root", "GET", "/api", http.StatusNotFound, jsonType, "", `"not_found"`, false},
		{"health", "GET", "/healthz", http.StatusOK, jsonType, "", `"ok"`, false},
		{"unknown share-link path", "GET", "/l/abc/nope", http.StatusNotFound, jsonType, "", `"not_found"`, false},
		{"blob", "GET", "/blobs/x", http.StatusNotFound, "text/plain; charset=utf-8", "", "404 page not found", false},
		{"POST to a page", "POST", "/library", http.StatusNotFound, jsonType, "", "No such endpoint: POST /library.", false},
		{"DELETE the root", "DELETE", "/", http.StatusNotFound, jsonType, "", `"not_found"`, false},
		{"wrong method of an API route", "PUT", "/api/v1/me", http.StatusMethodNotAllowed, jsonType, "no-store", `"method_not_allowed"`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(tt.method, tt.path, nil))
			body := w.Body.String()
			if w.Code != tt.status {
				t.Fatalf("status = %d, want %d: %.200s", w.Code, tt.status, body)
			}
			if ct := w.Header().Get("Content-Type"); ct != tt.contentType {
				t.Errorf("Content-Type = %q, want %q", ct, tt.contentType)
			}
			if cc := w.Header().Get("Cache-Control"); cc != tt.cache {
				t.Errorf("Cache-Control = %q, want %q", cc, tt.cache)
			}
			if tt.contentType == jsonType || strings.HasPrefix(tt.contentType, "text/plain") {
				if !strings.Contains(body, tt.body) {
					t.Errorf("body = %.200s, want it to contain %q", body, tt.body)
				}
			} else if body != tt.body {
				t.Errorf("body = %.200q, want %.200q", body, tt.body)
			}
			if csp := w.Header().Get("Content-Security-Policy"); tt.csp && csp != appCSP {
				t.Errorf("Content-Security-Policy = %q, want the app's", csp)
			} else if !tt.csp && csp == appCSP {
				t.Error("the app's Content-Security-Policy on a response that is not the app's")
			}
			for k, v := range map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer"} {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestWebAppHEAD(t *testing.T) {
	h := webAppHandler(t, testWebApp())
	for _, tt := range []struct {
		path        string
		contentType string
		length      int
	}{
		{"/library", "text/html; charset=utf-8", len(testIndex)},
		{"/static/app-123.js", "text/javascript; charset=utf-8", len(testScript)},
	} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodHead, tt.path, nil))
		if w.Code != http.StatusOK || w.Body.Len() != 0 {
			t.Errorf("HEAD %s: status %d with %d body bytes, want 200 and none", tt.path, w.Code, w.Body.Len())
		}
		if ct, cl := w.Header().Get("Content-Type"), w.Header().Get("Content-Length"); ct != tt.contentType || cl != itoa(tt.length) {
			t.Errorf("HEAD %s: Content-Type %q, Content-Length %q; want %q, %d", tt.path, ct, cl, tt.contentType, tt.length)
		}
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodHead, "/static/gone.js", nil))
	if w.Code != http.StatusNotFound {
		t.Errorf("HEAD of a missing hashed file: status %d, want 404", w.Code)
	}
}

// TestWebAppRevalidates checks that the no-cache index.html can be
// revalidated, so reloads cost a 304 rather than the page.
func TestWebAppRevalidates(t *testing.T) {
	h := webAppHandler(t, testWebApp())
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/", nil))
	etag := w.Header().Get("ETag")
	if etag == "" {
		t.Fatal("index.html without an ETag")
	}
	req := httptest.NewRequest(http.MethodGet, "/search", nil)
	req.Header.Set("If-None-Match", etag)
	w = httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != http.StatusNotModified || w.Body.Len() != 0 {
		t.Errorf("revalidation: status %d with %d body bytes, want 304", w.Code, w.Body.Len())
	}
}

func TestWebAppNotBuilt(t *testing.T) {
	// A fresh clone's build folder holds .gitkeep and nothing else.
	h := webAppHandler(t, fstest.MapFS{".gitkeep": {Data: nil}})
	for _, p := range []string{"/", "/library", "/static/app-123.js", "/.gitkeep"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, p, nil))
		body, _ := io.ReadAll(w.Body)
		if w.Code != http.StatusServiceUnavailable || !strings.Contains(string(body), "make build") ||
			w.Header().Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("GET %s: status %d, Content-Type %q, body %.200s; want 503 saying to run make build",
				p, w.Code, w.Header().Get("Content-Type"), body)
		}
	}
	// The API is unaffected.
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	if w.Code != http.StatusOK {
		t.Errorf("GET /healthz: status %d", w.Code)
	}
}

// TestNoWebApp checks that a server without an app keeps answering
// unknown paths with the JSON 404.
func TestNoWebApp(t *testing.T) {
	h := webAppHandler(t, nil)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/library", nil))
	if w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), `"not_found"`) {
		t.Errorf("GET /library without an app: status %d: %s", w.Code, w.Body)
	}
}
