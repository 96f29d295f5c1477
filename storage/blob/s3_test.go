package blob

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/storage/blob/blobtest"
)

// s3Config returns the shared test server's settings, or skips the test.
func s3Config(t *testing.T) S3Config {
	t.Helper()
	cfg := S3Config{
		Endpoint:  os.Getenv("TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("TEST_S3_SECRET_KEY"),
	}
	if cfg.Endpoint == "" || cfg.AccessKey == "" || cfg.SecretKey == "" {
		t.Skip("TEST_S3_ENDPOINT not set: run via `make test`, which starts MinIO")
	}
	return cfg
}

// newTestS3 returns a store over a fresh bucket, removed with its contents
// when the test ends.
func newTestS3(t *testing.T, cfg S3Config) *S3 {
	t.Helper()
	cfg.Bucket = "stagecraft-test-" + randomHex(t, 6)
	s, err := NewS3(context.Background(), cfg)
	if err != nil {
		t.Fatalf("NewS3: %v", err)
	}
	t.Cleanup(func() {
		err := s.client.RemoveBucketWithOptions(context.Background(), cfg.Bucket, minio.RemoveBucketOptions{ForceDelete: true})
		if err != nil {
			t.Errorf("remove bucket %s: %v", cfg.Bucket, err)
		}
	})
	return s
}

func TestS3(t *testing.T) {
	cfg := s3Config(t)
	blobtest.Run(t, func(t *testing.T) stagecraft.BlobStore { return newTestS3(t, cfg) })
}

// TestS3FailedPutLeavesNoUpload checks what the suite cannot see: a failed
// multipart Put leaves no incomplete upload holding its parts.
func TestS3FailedPutLeavesNoUpload(t *testing.T) {
	s := newTestS3(t, s3Config(t))
	const key = "orgs/o1/assets/broken"
	boom := errors.New("boom")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sources := map[string]struct {
		ctx context.Context
		r   io.Reader
	}{
		"failing reader": {context.Background(), io.MultiReader(blobtest.RandomReader(1, 17<<20), errReader{boom})},
		"cancelled":      {ctx, io.MultiReader(blobtest.RandomReader(1, 17<<20), cancelOnRead(cancel))},
	}
	for name, src := range sources {
		if _, err := s.Put(src.ctx, key, src.r, -1, ""); err == nil {
			t.Fatalf("%s: Put succeeded", name)
		}
		if n := len(listUploads(t, s, key)); n != 0 {
			t.Errorf("%s: %d incomplete uploads left", name, n)
		}
		if len(s.failed) != 0 {
			t.Errorf("%s: cleanup still pending for %v", name, s.failed)
		}
	}
}

// TestS3NewS3Race creates one bucket from several stores at once: losing
// the race to create it is not an error.
func TestS3NewS3Race(t *testing.T) {
	cfg := s3Config(t)
	cfg.Bucket = "stagecraft-test-" + randomHex(t, 6)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { _, errs[i] = NewS3(context.Background(), cfg) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("NewS3 #%d: %v", i, err)
		}
	}
	s, err := newS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.client.RemoveBucket(context.Background(), cfg.Bucket); err != nil {
		t.Errorf("remove bucket: %v", err)
	}
}

// TestS3Unavailable points a store at a closed port: every call that needs
// the server fails fast with EUNAVAILABLE, so the API can answer 503.
func TestS3Unavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := S3Config{Endpoint: l.Addr().String(), AccessKey: "user", SecretKey: "password", Bucket: "dead"}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := newS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ops := map[string]func() error{
		"NewS3": func() error { _, err := NewS3(ctx, cfg); return err },
		"Put":   func() error { _, err := s.Put(ctx, "k", strings.NewReader("data"), 4, ""); return err },
		"Put unknown size": func() error {
			_, err := s.Put(ctx, "k", strings.NewReader("data"), -1, "")
			return err
		},
		"Stat":   func() error { _, err := s.Stat(ctx, "k"); return err },
		"Open":   func() error { _, _, err := s.Open(ctx, "k"); return err },
		"Delete": func() error { return s.Delete(ctx, "k") },
		"Ping":   func() error { return s.Ping(ctx) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := op()
			if code := stagecraft.ErrorCode(err); code != stagecraft.EUNAVAILABLE {
				t.Errorf("error %v (code %q), want %s", err, code, stagecraft.EUNAVAILABLE)
			}
			// A few quick retries are fine; minutes of backoff are not.
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
	// Presigning is local computation and works without the server.
	if _, err := s.SignedURL(ctx, "k", time.Minute, "f.txt", "text/plain"); err != nil {
		t.Errorf("SignedURL: %v", err)
	}
}

// TestS3ServerKilledMidUpload kills MinIO during a streaming Put. Put must
// fail promptly with EUNAVAILABLE. The abort that minio-go sends fails too
// (the server is gone), so the upload survives the restart; the store must
// remove it after its next successful Put.
func TestS3ServerKilledMidUpload(t *testing.T) {
	m := blobtest.StartMinIO(t)
	s := newTestS3(t, S3Config{Endpoint: m.Endpoint(), AccessKey: m.AccessKey(), SecretKey: m.SecretKey()})
	const key = "orgs/o1/assets/big/v1"

	// 256 MiB at most, but the kill comes once 24 MiB have been read: the
	// first 8 MiB parts are stored or in flight and more are being filled.
	src := &slowReader{r: blobtest.RandomReader(3, 256<<20), mark: 24 << 20, reached: make(chan struct{})}
	errc := make(chan error, 1)
	go func() {
		_, err := s.Put(context.Background(), key, src, -1, "video/mp4")
		errc <- err
	}()
	select {
	case <-src.reached:
	case err := <-errc:
		t.Fatalf("Put ended before the kill: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("upload made no progress")
	}
	m.Kill()
	killed := time.Now()
	select {
	case err := <-errc:
		if code := stagecraft.ErrorCode(err); code != stagecraft.EUNAVAILABLE {
			t.Fatalf("Put = %v (code %q), want %s", err, code, stagecraft.EUNAVAILABLE)
		}
		d := time.Since(killed)
		t.Logf("Put failed %v after the kill: %v", d.Round(time.Millisecond), err)
		if d > 15*time.Second {
			t.Errorf("Put took %v after the kill", d)
		}
	case <-time.After(time.Minute):
		t.Fatal("Put still running a minute after the kill")
	}
	if _, ok := s.failed[key]; !ok {
		t.Fatal("the failed upload is not remembered for cleanup")
	}

	m.Restart()
	if _, err := s.Stat(context.Background(), key); stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		t.Fatalf("Stat after restart = %v, want %s", err, stagecraft.ENOTFOUND)
	}
	// What is guaranteed at this point: the object does not exist. The
	// upload's stored part does, since nothing could abort it.
	if n := len(listUploads(t, s, key)); n == 0 {
		t.Fatal("no incomplete upload after restart; the test no longer exercises the cleanup")
	}
	if _, err := s.Put(context.Background(), "orgs/o1/assets/small", strings.NewReader("x"), 1, ""); err != nil {
		t.Fatalf("Put after restart: %v", err)
	}
	if n := len(listUploads(t, s, key)); n != 0 {
		t.Errorf("%d incomplete uploads left after cleanup", n)
	}
	if len(s.failed) != 0 {
		t.Errorf("cleanup still pending for %v", s.failed)
	}
}

// listUploads returns the incomplete multipart uploads of key.
func listUploads(t *testing.T, s *S3, key string) []minio.ObjectMultipartInfo {
	t.Helper()
	res, err := minio.Core{Client: s.client}.ListMultipartUploads(context.Background(), s.bucket, key, "", "", "", 1000)
	if err != nil {
		t.Fatalf("list uploads of %s: %v", key, err)
	}
	return res.Uploads
}

// slowReader paces reads like a client upload over a modest link and
// closes reached once mark bytes have been read.
type slowReader struct {
	r       io.Reader
	n, mark int64
	reached chan struct{}
}

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(2 * time.Millisecond)
	n, err := s.r.Read(p[:min(len(p), 256<<10)])
	if s.n < s.mark && s.n+int64(n) >= s.mark {
		close(s.reached)
	}
	s.n += int64(n)
	return n, err
}

// cancelOnRead returns a reader that calls cancel on its first read and
// then yields more data, so the store must notice the cancellation itself.
func cancelOnRead(cancel context.CancelFunc) io.Reader {
	return readerFunc(func(p []byte) (int, error) {
		cancel()
		return len(p), nil
	})
}

type readerFunc func([]byte) (int, error)

func (f readerFunc) Read(p []byte) (int, error) { return f(p) }

func randomHex(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}
