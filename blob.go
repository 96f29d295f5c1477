package stagecraft

import (
	"context"
	"io"
	"time"
)

// BlobInfo describes a stored object.
type BlobInfo struct {
	Key         string
	Size        int64
	ContentType string
	ModTime     time.Time
}

// BlobStore keeps asset files. Keys are slash-separated paths made by the
// application (never by users), for example "orgs/<org>/assets/<asset>/<version>".
//
// Implementations return *Error values: ENOTFOUND for a missing key and
// EUNAVAILABLE (with the cause wrapped) when the backing store cannot be
// reached, so that callers can answer 404 or 503 without knowing the backend.
type BlobStore interface {
	// Put streams r to key. size is the exact length, or -1 when unknown.
	// It returns the number of bytes stored. If r returns an error, or ctx
	// is cancelled, Put returns that error (wrapped) and nothing is left
	// under key: an object is visible only once it is complete.
	Put(ctx context.Context, key string, r io.Reader, size int64, contentType string) (int64, error)

	// Open returns a reader of the object at key. The caller closes it.
	Open(ctx context.Context, key string) (io.ReadCloser, BlobInfo, error)

	// Stat returns the object's info, or ENOTFOUND.
	Stat(ctx context.Context, key string) (BlobInfo, error)

	// Delete removes key. Deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error

	// SignedURL returns a URL from which anyone holding it can GET the
	// object until ttl has passed. The response carries the given content
	// type and a Content-Disposition naming filename.
	SignedURL(ctx context.Context, key string, ttl time.Duration, filename, contentType string) (string, error)

	// Ping checks that the store answers.
	Ping(ctx context.Context) error
}
