package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/internal/pdfgen"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/blob/blobtest"
)

// s3StoreBucket connects to endpoint with a fresh bucket.
func s3StoreBucket(t testing.TB, endpoint, access, secret string) (*blob.S3, string) {
	t.Helper()
	bucket := "api-" + uuid.NewString()[:8]
	s, err := blob.NewS3(context.Background(), blob.S3Config{Endpoint: endpoint, AccessKey: access, SecretKey: secret,
		Bucket: bucket})
	if err != nil {
		t.Fatal(err)
	}
	return s, bucket
}

// incompleteUploads counts the bucket's unfinished multipart uploads.
func incompleteUploads(t testing.TB, m *blobtest.MinIO, bucket string) int {
	t.Helper()
	client, err := minio.New(m.Endpoint(), &minio.Options{Creds: credentials.NewStaticV4(m.AccessKey(), m.SecretKey(), "")})
	must(t, err)
	n := 0
	for u := range client.ListIncompleteUploads(context.Background(), bucket, "", true) {
		must(t, u.Err)
		n++
	}
	return n
}

// sharedMinIO uses the MinIO that make test started, with a new bucket
// whose name it stores in *bucket.
func sharedMinIO(t *testing.T, bucket *string) envOption {
	endpoint := os.Getenv("TEST_S3_ENDPOINT")
	if endpoint == "" {
		t.Skip("TEST_S3_ENDPOINT not set: run `make test`, which starts MinIO")
	}
	return withBlobs(func(t testing.TB, _ string) (stagecraft.BlobStore, http.Handler) {
		s, b := s3StoreBucket(t, endpoint, os.Getenv("TEST_S3_ACCESS_KEY"), os.Getenv("TEST_S3_SECRET_KEY"))
		*bucket = b
		return s, nil
	})
}

func sharedObjectCount(t *testing.T, bucket string) int {
	return objectCount(t, os.Getenv("TEST_S3_ENDPOINT"), os.Getenv("TEST_S3_ACCESS_KEY"), os.Getenv("TEST_S3_SECRET_KEY"), bucket)
}

func TestS3UploadAndDownload(t *testing.T) {
	var bucket, smallBucket string
	e := newEnv(t, sharedMinIO(t, &bucket))
	pdf := pdfgen.Document{Title: "Deck", Pages: [][]string{{"s3"}}}.Bytes()
	a := e.createAsset(e.marketerTok, "deck.pdf", pdf, field("stages", "proposal"))
	dl := e.do("GET", "/api/v1/assets/"+a.ID+"/download", e.repTok, nil)
	_ = dl.Body.Close()
	if dl.StatusCode != http.StatusFound || !strings.Contains(dl.Header.Get("Location"), "X-Amz-Signature") {
		t.Fatalf("download: %d %s", dl.StatusCode, dl.Header.Get("Location"))
	}
	resp, err := http.Get(dl.Header.Get("Location"))
	must(t, err)
	got, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !bytes.Equal(got, pdf) || !strings.Contains(resp.Header.Get("Content-Disposition"), "deck.pdf") {
		t.Errorf("presigned GET: %d bytes, disposition %q", len(got), resp.Header.Get("Content-Disposition"))
	}
	// Too large on S3: nothing is kept either.
	if n := sharedObjectCount(t, bucket); n != 1 {
		t.Errorf("%d objects in the bucket, want 1", n)
	}
	small := newEnv(t, sharedMinIO(t, &smallBucket), withMaxUpload(1<<20))
	small.fail(small.upload("/api/v1/assets", small.marketerTok, file("big.bin", bytes.Repeat([]byte("y"), 2<<20))),
		http.StatusRequestEntityTooLarge, "too_large")
	small.assertNothingKept()
	if n := sharedObjectCount(t, smallBucket); n != 0 {
		t.Errorf("%d objects kept after a refused upload", n)
	}
}

// objectCount counts the objects in a bucket.
func objectCount(t testing.TB, endpoint, access, secret, bucket string) int {
	t.Helper()
	client, err := minio.New(endpoint, &minio.Options{Creds: credentials.NewStaticV4(access, secret, "")})
	must(t, err)
	n := 0
	for o := range client.ListObjects(context.Background(), bucket, minio.ListObjectsOptions{Recursive: true}) {
		must(t, o.Err)
		n++
	}
	return n
}

// TestMinIODown: with object storage unreachable, uploads answer 503 with
// Retry-After and leave no row; readiness reports storage down.
func TestMinIODown(t *testing.T) {
	m := blobtest.StartMinIO(t)
	var bucket string
	e := newEnv(t, withBlobs(func(t testing.TB, _ string) (stagecraft.BlobStore, http.Handler) {
		s, b := s3StoreBucket(t, m.Endpoint(), m.AccessKey(), m.SecretKey())
		bucket = b
		return s, nil
	}))
	a := e.createAsset(e.marketerTok, "before.txt", []byte("stored before the outage"))
	m.Kill()

	resp := e.upload("/api/v1/assets", e.marketerTok, field("title", "During"), file("during.txt", []byte("lost?")))
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	e.fail(resp, http.StatusServiceUnavailable, "unavailable")
	if assets, versions, _ := e.counts(); assets != 1 || versions != 1 {
		t.Errorf("rows after a failed upload: %d assets, %d versions; want only the first", assets, versions)
	}
	var h struct {
		Status string
		Checks map[string]string
	}
	e.json(e.do("GET", "/readyz", "", nil), http.StatusServiceUnavailable, &h)
	if !strings.HasPrefix(h.Checks["storage"], "down") || h.Checks["postgres"] != "ok" {
		t.Errorf("readyz = %+v", h)
	}
	// Metadata still reads while storage is down.
	e.json(e.do("GET", "/api/v1/assets/"+a.ID, e.repTok, nil), http.StatusOK, nil)

	m.Restart()
	e.json(e.do("GET", "/readyz", "", nil), http.StatusOK, nil)
	// The intent of the failed upload is left for the sweeper, which
	// removes it (and any object) once it is old enough.
	e.lib.Now = func() time.Time { return time.Now().Add(25 * time.Hour) } // past the orphan age
	if _, err := e.lib.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if _, _, intents := e.counts(); intents != 0 {
		t.Errorf("%d intents left after the sweep", intents)
	}
	if n := objectCount(t, m.Endpoint(), m.AccessKey(), m.SecretKey(), bucket); n != 1 {
		t.Errorf("%d objects, want only the one stored before the outage", n)
	}
	e.createAsset(e.marketerTok, "after.txt", []byte("stored after the outage"))
}

// slowReader yields n bytes in small chunks, pausing between them, so an
// upload is still streaming when the test kills the server.
type slowReader struct {
	n      int64
	chunk  int
	pause  time.Duration
	served atomic.Int64 // read by the test while the upload runs
}

func (r *slowReader) Read(p []byte) (int, error) {
	served := r.served.Load()
	if served >= r.n {
		return 0, io.EOF
	}
	time.Sleep(r.pause)
	n := min(int64(len(p)), int64(r.chunk), r.n-served)
	for i := range p[:n] {
		p[i] = 'z'
	}
	r.served.Add(n)
	return int(n), nil
}

// TestMinIOKilledMidUpload kills the object store while a large upload is
// streaming through the API: the client gets 503, no row is written, and
// after the store is back and the sweeper has run, no object or
// multipart upload is left.
func TestMinIOKilledMidUpload(t *testing.T) {
	m := blobtest.StartMinIO(t)
	var store *blob.S3
	var bucket string
	e := newEnv(t, withMaxUpload(200<<20), withBlobs(func(t testing.TB, _ string) (stagecraft.BlobStore, http.Handler) {
		store, bucket = s3StoreBucket(t, m.Endpoint(), m.AccessKey(), m.SecretKey())
		return store, nil
	}))
	body := &slowReader{n: 120 << 20, chunk: 256 << 10, pause: time.Millisecond}
	done := make(chan *http.Response)
	go func() {
		done <- e.upload("/api/v1/assets", e.marketerTok, part{name: "file", filename: "huge.bin", body: body})
	}()
	// Kill once a few parts have gone to the store.
	for body.served.Load() < 40<<20 {
		time.Sleep(10 * time.Millisecond)
	}
	m.Kill()
	var resp *http.Response
	select {
	case resp = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("upload did not fail after the store died")
	}
	e.fail(resp, http.StatusServiceUnavailable, "unavailable")
	if assets, versions, _ := e.counts(); assets+versions != 0 {
		t.Errorf("rows left: %d assets, %d versions", assets, versions)
	}
	m.Restart()
	e.lib.Now = func() time.Time { return time.Now().Add(25 * time.Hour) } // past the orphan age
	if _, err := e.lib.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	must(t, store.AbortFailedUploads(context.Background()))
	if _, _, intents := e.counts(); intents != 0 {
		t.Errorf("%d intents left", intents)
	}
	if n := objectCount(t, m.Endpoint(), m.AccessKey(), m.SecretKey(), bucket); n != 0 {
		t.Errorf("%d objects left", n)
	}
	if n := incompleteUploads(t, m, bucket); n != 0 {
		t.Errorf("%d incomplete multipart uploads left", n)
	}
}
