package blobtest

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/stagecraft/stagecraft"
)

func mustPut(t *testing.T, s stagecraft.BlobStore, key string, data []byte, ct string) {
	t.Helper()
	if _, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)), ct); err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
}

func mustStat(t *testing.T, s stagecraft.BlobStore, key string) stagecraft.BlobInfo {
	t.Helper()
	info, err := s.Stat(context.Background(), key)
	if err != nil {
		t.Fatalf("Stat(%q): %v", key, err)
	}
	return info
}

func mustRead(t *testing.T, s stagecraft.BlobStore, key string) []byte {
	t.Helper()
	rc, _, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q): %v", key, err)
	}
	defer mustClose(t, key, rc)
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b
}

// mustClose closes what a store or server returned: closing a reader is
// part of the contract, and must not fail.
func mustClose(t *testing.T, what string, c io.Closer) {
	t.Helper()
	if err := c.Close(); err != nil {
		t.Errorf("close %s: %v", what, err)
	}
}

// wantNotFound checks that Stat and Open both report ENOTFOUND for key.
func wantNotFound(t *testing.T, s stagecraft.BlobStore, key string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Stat(ctx, key); stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		t.Errorf("Stat(%q) = %v, want %s", key, err, stagecraft.ENOTFOUND)
	}
	rc, _, err := s.Open(ctx, key)
	if stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		t.Errorf("Open(%q) = %v, want %s", key, err, stagecraft.ENOTFOUND)
	}
	if rc != nil {
		mustClose(t, key, rc)
	}
}

func checkInfo(t *testing.T, op string, got stagecraft.BlobInfo, key string, size int64, ct string) {
	t.Helper()
	if got.Key != key || got.Size != size || got.ContentType != ct {
		t.Errorf("%s: info {%q %d %q}, want {%q %d %q}", op, got.Key, got.Size, got.ContentType, key, size, ct)
	}
}

type response struct {
	*http.Response
	body []byte
}

// get fetches u with a plain client, as a browser following the link would.
func get(t *testing.T, u string, h http.Header) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer mustClose(t, "GET "+u+" body", resp.Body)
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", u, err)
	}
	return response{resp, body}
}

// onlyReader hides every method but Read, so that stores take their
// streaming path instead of seeking or using ReadAt.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// errReader fails every read with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// cancelReader cancels a context on its first read, then reads from r.
type cancelReader struct {
	cancel context.CancelFunc
	r      io.Reader
}

func (c *cancelReader) Read(p []byte) (int, error) {
	c.cancel()
	return c.r.Read(p)
}
