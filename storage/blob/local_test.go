package blob

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/blob/blobtest"
)

var testSecret = []byte("0123456789abcdef0123456789abcdef")

// t0 is the fixed time of tests that inject a clock.
var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// newTestLocal returns a Local in a temporary directory whose Handler is
// served at its base URL.
func newTestLocal(t *testing.T) *Local {
	t.Helper()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	l, err := NewLocal(t.TempDir(), srv.URL, testSecret)
	if err != nil {
		t.Fatalf("NewLocal: %v", err)
	}
	mux.Handle("/blobs/", l.Handler())
	return l
}

func TestLocal(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) stagecraft.BlobStore { return newTestLocal(t) })
}

func TestNewLocal(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, base string
		secret     []byte
	}{
		{"short secret", "http://x", []byte("short")},
		{"relative base URL", "/files", testSecret},
		{"base URL without host", "http://", testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewLocal(dir, tt.base, tt.secret); err == nil {
				t.Fatal("NewLocal succeeded, want an error")
			}
		})
	}
}

// TestLocalFailedPutLeavesNoFiles checks what the suite cannot see: no
// temporary or sidecar file survives a failed Put.
func TestLocalFailedPutLeavesNoFiles(t *testing.T) {
	l := newTestLocal(t)
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	puts := map[string]func() error{
		"failing reader": func() error {
			_, err := l.Put(context.Background(), "a/b", io.MultiReader(strings.NewReader("part"), errReader{boom}), -1, "")
			return err
		},
		"cancelled": func() error {
			_, err := l.Put(ctx, "a/c", strings.NewReader("data"), 4, "")
			return err
		},
		"short body": func() error {
			_, err := l.Put(context.Background(), "a/d", strings.NewReader("data"), 5, "")
			return err
		},
		"long body": func() error {
			_, err := l.Put(context.Background(), "a/e", strings.NewReader("data"), 3, "")
			return err
		},
	}
	for name, put := range puts {
		if err := put(); err == nil {
			t.Errorf("%s: Put succeeded", name)
		}
	}
	err := filepath.WalkDir(l.dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("left behind: %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLocalKeyClash(t *testing.T) {
	l := newTestLocal(t)
	ctx := context.Background()
	put := func(key string) error {
		_, err := l.Put(ctx, key, strings.NewReader("x"), 1, "")
		return err
	}
	for _, k := range []string{"a", "x/y"} {
		if err := put(k); err != nil {
			t.Fatalf("Put(%q): %v", k, err)
		}
	}
	for _, k := range []string{"a/b", "x"} {
		if err := put(k); stagecraft.ErrorCode(err) != stagecraft.ECONFLICT {
			t.Errorf("Put(%q) = %v, want %s", k, err, stagecraft.ECONFLICT)
		}
	}
	if err := l.Delete(ctx, "x"); err != nil {
		t.Errorf("Delete of a prefix: %v", err)
	}
	if _, err := l.Stat(ctx, "x/y"); err != nil {
		t.Errorf("Delete of a prefix removed its child: %v", err)
	}
}

func TestLocalVerify(t *testing.T) {
	l := newTestLocal(t)
	l.Now = func() time.Time { return t0 }
	const key = "orgs/o1/assets/a1/v1"
	q := signedQuery(t, l, key, "deck.pdf", "application/pdf")
	exp := time.Unix(t0.Add(time.Hour).Unix(), 0)

	other, err := NewLocal(t.TempDir(), "http://other", []byte("another secret, 32 bytes or more"))
	if err != nil {
		t.Fatal(err)
	}
	other.Now = l.Now
	otherQ := signedQuery(t, other, key, "deck.pdf", "application/pdf")

	tests := []struct {
		name string
		key  string
		edit func(q url.Values) // applied to a copy of q
		q    url.Values         // used instead of q when set
		now  time.Time
		want string // error code; "" for success
	}{
		{name: "valid", now: t0},
		{name: "valid until the last second", now: exp.Add(-time.Nanosecond)},
		{name: "expired at exp", now: exp, want: stagecraft.EGONE},
		{name: "expired long ago", now: exp.Add(24 * time.Hour), want: stagecraft.EGONE},
		{name: "tampered key", key: "orgs/o1/assets/a1/v2", now: t0, want: stagecraft.EFORBIDDEN},
		{name: "tampered key prefix", key: "orgs/o2/assets/a1/v1", now: t0, want: stagecraft.EFORBIDDEN},
		{name: "tampered exp", edit: func(q url.Values) { q.Set("exp", q.Get("exp")+"0") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "tampered exp, also expired", edit: func(q url.Values) { q.Set("exp", "1") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "tampered fn", edit: func(q url.Values) { q.Set("fn", "deck.exe") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "tampered ct", edit: func(q url.Values) { q.Set("ct", "text/html") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "removed ct", edit: func(q url.Values) { q.Del("ct") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "duplicate fn", edit: func(q url.Values) { q.Add("fn", "deck.exe") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "wrong secret", q: otherQ, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "missing sig", edit: func(q url.Values) { q.Del("sig") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "empty sig", edit: func(q url.Values) { q.Set("sig", "") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "non-hex sig", edit: func(q url.Values) { q.Set("sig", strings.Repeat("zz", 32)) }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "truncated sig", edit: func(q url.Values) { q.Set("sig", q.Get("sig")[:62]) }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "flipped sig bit", edit: func(q url.Values) { q.Set("sig", flipHex(q.Get("sig"))) }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "missing exp", edit: func(q url.Values) { q.Del("exp") }, now: t0, want: stagecraft.EFORBIDDEN},
		{name: "empty query", q: url.Values{}, now: t0, want: stagecraft.EFORBIDDEN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := key
			if tt.key != "" {
				k = tt.key
			}
			qq := tt.q
			if qq == nil {
				qq = cloneValues(q)
				if tt.edit != nil {
					tt.edit(qq)
				}
			}
			err := l.Verify(k, qq, tt.now)
			if got := stagecraft.ErrorCode(err); got != tt.want {
				t.Fatalf("Verify = %v (code %q), want code %q", err, got, tt.want)
			}
		})
	}
}

func TestLocalHandler(t *testing.T) {
	l := newTestLocal(t)
	now := t0
	l.Now = func() time.Time { return now }
	ctx := context.Background()
	const key = "orgs/o1/assets/a1/v1"
	if _, err := l.Put(ctx, key, strings.NewReader("<html>deck</html>"), -1, "text/html"); err != nil {
		t.Fatal(err)
	}
	evil := "evil\r\nSet-Cookie: a=b\".pdf"
	link, err := l.SignedURL(ctx, key, time.Hour, evil, "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	missing, err := l.SignedURL(ctx, "orgs/o1/assets/none", time.Hour, "x", "")
	if err != nil {
		t.Fatal(err)
	}
	serve := func(method, target string, h http.Header) *httptest.ResponseRecorder {
		r := httptest.NewRequest(method, target, nil)
		for k, v := range h {
			r.Header[k] = v
		}
		w := httptest.NewRecorder()
		l.Handler().ServeHTTP(w, r)
		return w
	}

	w := serve(http.MethodGet, link, nil)
	wantHeaders := map[string]string{
		"Content-Type":           "application/pdf",
		"Content-Disposition":    `attachment; filename="evilSet-Cookie: a=b_.pdf"; filename*=UTF-8''evilSet-Cookie%3A%20a%3Db%22.pdf`,
		"X-Content-Type-Options": "nosniff",
		"Cache-Control":          "private, max-age=3600",
		"Accept-Ranges":          "bytes",
		"Set-Cookie":             "",
	}
	if w.Code != http.StatusOK || w.Body.String() != "<html>deck</html>" {
		t.Fatalf("GET: %d %q", w.Code, w.Body)
	}
	for k, v := range wantHeaders {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}

	now = t0.Add(30 * time.Minute)
	if got := serve(http.MethodHead, link, nil); got.Code != http.StatusOK || got.Body.Len() != 0 ||
		got.Header().Get("Cache-Control") != "private, max-age=1800" || got.Header().Get("Content-Length") != "17" {
		t.Errorf("HEAD: %d, body %d bytes, headers %v", got.Code, got.Body.Len(), got.Header())
	}
	if got := serve(http.MethodGet, link, http.Header{"Range": {"bytes=6-9"}}); got.Code != http.StatusPartialContent || got.Body.String() != "deck" {
		t.Errorf("Range: %d %q", got.Code, got.Body)
	}

	tampered := strings.Replace(link, "fn=", "fn=x", 1)
	statusTests := []struct {
		name, method, target string
		now                  time.Time
		want                 int
	}{
		{"bad signature", http.MethodGet, tampered, t0, http.StatusForbidden},
		{"no signature", http.MethodGet, "/blobs/" + key, t0, http.StatusForbidden},
		{"expired", http.MethodGet, link, t0.Add(time.Hour), http.StatusGone},
		{"missing object", http.MethodGet, missing, t0, http.StatusNotFound},
		{"invalid key", http.MethodGet, "/blobs/.meta", t0, http.StatusNotFound},
		{"outside /blobs/", http.MethodGet, "/other/" + key, t0, http.StatusNotFound},
		{"POST", http.MethodPost, link, t0, http.StatusMethodNotAllowed},
	}
	for _, tt := range statusTests {
		t.Run(tt.name, func(t *testing.T) {
			now = tt.now
			w := serve(tt.method, tt.target, nil)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d", w.Code, tt.want)
			}
			if ct := w.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") ||
				!strings.Contains(w.Body.String(), `"error":{"code":`) {
				t.Errorf("error %q (%s), want the JSON error shape", w.Body, ct)
			}
			if strings.Contains(w.Body.String(), "deck") {
				t.Errorf("error body leaks the object: %q", w.Body)
			}
		})
	}
}

// signedQuery returns the query of a link made by l.
func signedQuery(t *testing.T, l *Local, key, fn, ct string) url.Values {
	t.Helper()
	link, err := l.SignedURL(context.Background(), key, time.Hour, fn, ct)
	if err != nil {
		t.Fatalf("SignedURL: %v", err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("parse %q: %v", link, err)
	}
	if want := "/blobs/" + key; u.Path != want {
		t.Fatalf("link path %q, want %q", u.Path, want)
	}
	return u.Query()
}

func cloneValues(q url.Values) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}

// flipHex changes the first hex digit of s.
func flipHex(s string) string {
	b := []byte(s)
	if b[0] == '0' {
		b[0] = '1'
	} else {
		b[0] = '0'
	}
	return string(b)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }
