package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"sync"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/stagecraft/stagecraft"
)

const (
	// streamPartSize is the part size of uploads of unknown size. minio-go
	// sizes parts so that its 5 TiB maximum object fits in 10,000 parts,
	// which for an unknown size means allocating a 528 MiB buffer per
	// upload, even for a 1 KiB file. 8 MiB parts, two in flight
	// (streamThreads), cap memory at 16 MiB per upload and objects at 78 GiB,
	// far above any sales deck or video; two in flight keep the network busy
	// while the next part fills (see docs/benchmarks.md). Known sizes need
	// nothing: minio-go then picks its own parts.
	streamPartSize = 8 << 20
	streamThreads  = 2

	// maxRetries bounds minio-go's retries of a failed request (its
	// default is 10, about 5 s of backoff per request). A dead server then
	// fails a request in about a second, and a Put, which also tries to
	// abort its upload, in a few.
	maxRetries = 3

	pingTimeout    = 5 * time.Second
	cleanupTimeout = 10 * time.Second
)

// S3Config locates a bucket on an S3-compatible server.
type S3Config struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	UseSSL    bool
	Region    string // defaults to us-east-1
}

// S3 is a BlobStore over one bucket of an S3-compatible server (MinIO in
// development and self-hosting). Signed URLs are S3 presigned URLs, so
// downloads go straight to the server.
type S3 struct {
	client *minio.Client
	bucket string

	// failed remembers uploads that may have been left incomplete on the
	// server; see s3_cleanup.go.
	mu     sync.Mutex
	failed map[string]time.Time
}

var _ stagecraft.BlobStore = (*S3)(nil)

// NewS3 connects to the server and creates the bucket if it does not exist.
// It returns EUNAVAILABLE when the server cannot be reached.
func NewS3(ctx context.Context, cfg S3Config) (*S3, error) {
	s, err := newS3(cfg)
	if err != nil {
		return nil, err
	}
	if err := s.ensureBucket(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// newS3 builds the client without contacting the server.
func newS3(cfg S3Config) (*S3, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("new S3 blob store: endpoint and bucket are required")
	}
	if cfg.Region == "" {
		// With a region set, minio-go never asks the server for the
		// bucket's location, so presigning needs no network.
		cfg.Region = "us-east-1"
	}
	tr, err := minio.DefaultTransport(cfg.UseSSL)
	if err != nil {
		return nil, fmt.Errorf("new S3 blob store: %w", err)
	}
	// Fail fast when the server is down or hung. These limits bound
	// connecting and the wait for response headers after the body has been
	// sent; nothing bounds the body itself, so large uploads and downloads
	// take as long as they need (the caller's ctx still applies).
	tr.DialContext = (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	tr.TLSHandshakeTimeout = 5 * time.Second
	tr.ResponseHeaderTimeout = 30 * time.Second
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Transport:  tr,
		Region:     cfg.Region,
		MaxRetries: maxRetries,
	})
	if err != nil {
		return nil, fmt.Errorf("new S3 blob store: %w", err)
	}
	return &S3{client: client, bucket: cfg.Bucket, failed: map[string]time.Time{}}, nil
}

// ensureBucket creates the bucket unless it exists. Another process may
// create it between the check and MakeBucket; that counts as success.
func (s *S3) ensureBucket(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return mapErr(ctx, "check bucket", s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{})
	if code := minio.ToErrorResponse(err).Code; err == nil || code == minio.BucketAlreadyOwnedByYou {
		return nil
	} else if code == minio.BucketAlreadyExists {
		// Some servers answer a concurrent create this way; on AWS it means
		// another account has the name. Usable only if we can reach it.
		if ok, _ := s.client.BucketExists(ctx, s.bucket); ok {
			return nil
		}
	}
	return mapErr(ctx, "create bucket", s.bucket, err)
}

// Put streams r to the bucket. Small known sizes go in one PUT; larger or
// unknown sizes go as a multipart upload of 8 MiB parts, which minio-go
// aborts when a part fails. If the server is unreachable at that moment the
// abort fails too; Put then remembers the key and aborts the leftover
// upload once a later Put succeeds (or AbortFailedUploads is called).
func (s *S3) Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error) {
	if err := validateKey(key); err != nil {
		return 0, err
	}
	ct, err := normalizeContentType(contentType)
	if err != nil {
		return 0, err
	}
	opts := minio.PutObjectOptions{ContentType: ct}
	if size < 0 {
		opts.PartSize = streamPartSize
		opts.ConcurrentStreamParts, opts.NumThreads = true, streamThreads
	}
	var src io.Reader = &ctxReader{ctx: ctx, r: r}
	if size >= 0 {
		src = &exactReader{r: src, left: size}
	}
	body := &bodyReader{r: src}
	info, err := s.client.PutObject(ctx, s.bucket, key, body, size, opts)
	if err != nil {
		// minio-go sends known sizes up to its 16 MiB minimum part size in
		// one PUT, which leaves nothing behind when it fails.
		if size < 0 || size > streamPartSize {
			s.cleanupFailedPut(ctx, key, time.Now())
		}
		// The caller's own failure (reader error, cancellation) is not the
		// server's: report it as is, not as an outage.
		if berr := body.Err(); berr != nil {
			return 0, fmt.Errorf("put %s: %w", key, berr)
		}
		return 0, mapErr(ctx, "put", key, err)
	}
	s.retryFailedCleanups(ctx)
	return info.Size, nil
}

// Open returns a reader of the object. The GET is sent (and its status
// checked) before Open returns, so a missing key is reported here.
func (s *S3) Open(ctx context.Context, key string) (io.ReadCloser, stagecraft.BlobInfo, error) {
	if err := validateKey(key); err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, stagecraft.BlobInfo{}, mapErr(ctx, "open", key, err)
	}
	oi, err := obj.Stat()
	if err != nil {
		_ = obj.Close() // unread: only frees the request, the Stat error is the one to report
		return nil, stagecraft.BlobInfo{}, mapErr(ctx, "open", key, err)
	}
	return obj, blobInfo(oi), nil
}

// Stat returns the object's info, or ENOTFOUND.
func (s *S3) Stat(ctx context.Context, key string) (stagecraft.BlobInfo, error) {
	if err := validateKey(key); err != nil {
		return stagecraft.BlobInfo{}, err
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return stagecraft.BlobInfo{}, mapErr(ctx, "stat", key, err)
	}
	return blobInfo(oi), nil
}

// Delete removes the object; S3 reports success for a missing key.
func (s *S3) Delete(ctx context.Context, key string) error {
	if err := validateKey(key); err != nil {
		return err
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return mapErr(ctx, "delete", key, err)
	}
	return nil
}

// SignedURL returns a presigned GET URL whose response carries contentType
// (the stored type when empty) and an attachment disposition naming
// filename. Presigning is local computation; the object need not exist.
func (s *S3) SignedURL(ctx context.Context, key string, ttl time.Duration, filename, contentType string) (string, error) {
	if err := validateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	params := url.Values{"response-content-disposition": {contentDisposition(downloadName(key, filename))}}
	if contentType != "" {
		ct, err := normalizeContentType(contentType)
		if err != nil {
			return "", err
		}
		params.Set("response-content-type", ct)
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttl, params)
	if err != nil {
		return "", mapErr(ctx, "sign", key, err)
	}
	return u.String(), nil
}

// Ping checks within a few seconds that the server answers and the bucket
// exists.
func (s *S3) Ping(ctx context.Context) error {
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	ok, err := s.client.BucketExists(pctx, s.bucket)
	if err != nil {
		return mapErr(ctx, "ping bucket", s.bucket, err)
	}
	if !ok {
		return fmt.Errorf("ping bucket %s: bucket does not exist", s.bucket)
	}
	return nil
}

func blobInfo(oi minio.ObjectInfo) stagecraft.BlobInfo {
	return stagecraft.BlobInfo{Key: oi.Key, Size: oi.Size, ContentType: oi.ContentType, ModTime: oi.LastModified}
}

// bodyReader remembers the first error of the caller's reader, so that Put
// can return it: net/http reports a failed body as a network error of its
// own, which would read as an outage. It also wraps the error because
// minio-go compares with io.ErrUnexpectedEOF (what net/http returns when a
// client hangs up mid-upload) and takes it for the end of the stream: an
// upload of unknown size would be completed, truncated. The transport may
// still read after PutObject returns, hence the lock.
type bodyReader struct {
	r   io.Reader
	mu  sync.Mutex
	err error
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	b.mu.Lock()
	if b.err == nil {
		b.err = err
	}
	b.mu.Unlock()
	return n, fmt.Errorf("read upload body: %w", err)
}

// Err returns the first error other than io.EOF.
func (b *bodyReader) Err() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.err
}
