package outbound

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestForbidden(t *testing.T) {
	cases := []struct {
		ip        string
		forbidden bool
	}{
		{"127.0.0.1", true},
		{"127.8.9.10", true},
		{"::1", true},
		{"10.1.2.3", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"192.168.1.1", true},
		{"169.254.169.254", true}, // cloud metadata
		{"fe80::1", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"0.0.0.0", true},
		{"::", true},
		{"224.0.0.1", true},
		{"ff02::1", true},
		{"100.64.0.1", true},
		{"198.18.0.1", true},
		{"255.255.255.255", true},
		{"::ffff:127.0.0.1", true}, // IPv4-mapped loopback
		{"::ffff:10.0.0.1", true},
		{"64:ff9b::a00:1", true}, // NAT64 of 10.0.0.1
		{"8.8.8.8", false},
		{"172.32.0.1", false},
		{"93.184.216.34", false},
		{"2606:4700::1111", false},
		{"::ffff:8.8.8.8", false},
	}
	for _, c := range cases {
		t.Run(c.ip, func(t *testing.T) {
			if got := Forbidden(netip.MustParseAddr(c.ip)); got != c.forbidden {
				t.Errorf("Forbidden(%s) = %v, want %v", c.ip, got, c.forbidden)
			}
		})
	}
}

func TestParseURL(t *testing.T) {
	strict, open := &Guard{}, &Guard{AllowPrivate: true}
	cases := []struct {
		url          string
		strict, open bool // allowed by each guard
	}{
		{"https://hooks.slack.com/services/T0/B0/x", true, true},
		{"http://example.com:8080/hook", true, true},
		{"http://127.0.0.1:9000/hook", false, true},
		{"http://[::1]/hook", false, true},
		{"http://10.0.0.5/hook", false, true},
		{"http://169.254.169.254/latest/meta-data", false, true},
		{"http://0.0.0.0/", false, true},
		{"ftp://example.com/file", false, false},
		{"file:///etc/passwd", false, false},
		{"gopher://example.com", false, false},
		{"javascript:alert(1)", false, false},
		{"/relative/path", false, false},
		{"https://", false, false},
		{"https://user:pass@example.com/", false, false},
		{"http://exa mple.com/", false, false},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			_, err := strict.ParseURL(c.url)
			if (err == nil) != c.strict {
				t.Errorf("strict: err = %v, want allowed=%v", err, c.strict)
			}
			if err != nil && !errors.Is(err, ErrForbidden) {
				t.Errorf("strict: error %v is not ErrForbidden", err)
			}
			if _, err := open.ParseURL(c.url); (err == nil) != c.open {
				t.Errorf("allow-private: err = %v, want allowed=%v", err, c.open)
			}
		})
	}
}

func TestCheckURLResolvesNames(t *testing.T) {
	g := &Guard{}
	err := g.CheckURL(context.Background(), "http://localhost:1234/hook")
	if !errors.Is(err, ErrForbidden) || !strings.Contains(err.Error(), "localhost") {
		t.Errorf("localhost: %v", err)
	}
	if err := g.CheckURL(context.Background(), "http://no-such-host.invalid/hook"); !errors.Is(err, ErrForbidden) {
		t.Errorf("unresolvable host: %v", err)
	}
	if err := (&Guard{AllowPrivate: true}).CheckURL(context.Background(), "http://localhost:1234/hook"); err != nil {
		t.Errorf("allow-private localhost: %v", err)
	}
}

// The client refuses loopback at connect time, after DNS, whatever the
// URL looked like; and a redirect to a forbidden address.
func TestClientRefusesAtConnect(t *testing.T) {
	called := false
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	c := (&Guard{}).Client(2 * time.Second)
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/"} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, u, nil)
		resp, err := c.Do(req)
		if err == nil {
			_ = resp.Body.Close()
			t.Fatalf("%s: request went through", u)
		}
		if !errors.Is(err, ErrForbidden) {
			t.Errorf("%s: %v is not ErrForbidden", u, err)
		}
	}
	if called {
		t.Error("the loopback server was reached")
	}

	// Allowed private, the same request goes through; a redirect to a
	// non-http scheme is refused.
	redir := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	}))
	defer redir.Close()
	open := (&Guard{AllowPrivate: true}).Client(2 * time.Second)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	resp, err := open.Do(req)
	if err != nil {
		t.Fatalf("allow-private: %v", err)
	}
	_ = resp.Body.Close()
	req, _ = http.NewRequestWithContext(context.Background(), http.MethodGet, redir.URL, nil)
	if resp, err := open.Do(req); err == nil {
		_ = resp.Body.Close()
		t.Error("redirect to file:// followed")
	}
}

func TestClientTimesOut(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := (&Guard{AllowPrivate: true}).Client(200 * time.Millisecond)
	start := time.Now()
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL, nil)
	resp, err := c.Do(req)
	if err == nil {
		_ = resp.Body.Close()
		t.Fatal("no timeout")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("gave up after %v", d)
	}
}
