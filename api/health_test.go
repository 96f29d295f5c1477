package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/blob"
)

// downStore is a blob store whose health check fails with err.
type downStore struct {
	stagecraft.BlobStore
	err error
}

func (d downStore) Ping(context.Context) error { return d.err }

// TestReadyzHidesErrors: /readyz names the dependency that is down, but
// not what went wrong with it: addresses, bucket names and driver errors
// are for the logs.
func TestReadyzHidesErrors(t *testing.T) {
	const secret = "dial tcp 10.20.30.40:9000: connect: connection refused (bucket stagecraft-prod-7f3a)"
	tests := []struct {
		name   string
		ping   error
		status int
		want   []string
	}{
		{"up", nil, http.StatusOK, []string{`"storage":"ok"`, `"postgres":"ok"`}},
		{"down", errors.New(secret), http.StatusServiceUnavailable, []string{`"storage":"down"`, `"postgres":"ok"`, `"status":"degraded"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, withBlobs(func(t testing.TB, baseURL string) (stagecraft.BlobStore, http.Handler) {
				local, err := blob.NewLocal(t.TempDir(), baseURL, []byte("blob-url-secret-of-at-least-32-bytes"))
				must(t, err)
				return downStore{local, tt.ping}, local.Handler()
			}))
			resp := e.do("GET", "/readyz", "", nil)
			defer func() { _ = resp.Body.Close() }()
			b, err := io.ReadAll(resp.Body)
			must(t, err)
			body := string(b)
			if resp.StatusCode != tt.status {
				t.Errorf("status = %d, want %d: %s", resp.StatusCode, tt.status, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("body %s lacks %s", body, w)
				}
			}
			for _, leak := range []string{"10.20.30.40", "bucket", "refused", "dial"} {
				if strings.Contains(body, leak) {
					t.Errorf("body %s tells %q", body, leak)
				}
			}
		})
	}
}
