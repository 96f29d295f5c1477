package indexer

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/stagecraft/stagecraft"
)

// downloadTo copies a blob to a new file in dir and returns its path. A
// read that breaks off is the store's (or the network's) doing, so it is
// EUNAVAILABLE, to be retried.
func downloadTo(ctx context.Context, blobs stagecraft.BlobStore, key, dir string) (string, error) {
	rc, _, err := blobs.Open(ctx, key)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", key, err)
	}
	defer func() { _ = rc.Close() }() // read to the end or failed: Close adds nothing
	path := filepath.Join(dir, "original")
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600) //nolint:gosec // G304: our own directory
	if err != nil {
		return "", fmt.Errorf("temp file: %w", err)
	}
	if _, err := io.Copy(f, rc); err != nil {
		_ = f.Close() // the copy's error is the one to report
		return "", stagecraft.Unavailable("object storage", fmt.Errorf("download %s: %w", key, err))
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("temp file: %w", err)
	}
	return path, nil
}

// putFile stores the file at path under key.
func putFile(ctx context.Context, blobs stagecraft.BlobStore, key, path, contentType string) error {
	f, err := os.Open(path) //nolint:gosec // G304: our own temporary file
	if err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	defer func() { _ = f.Close() }() // read-only
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	if _, err := blobs.Put(ctx, key, f, st.Size(), contentType); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

func putBytes(ctx context.Context, blobs stagecraft.BlobStore, key string, b []byte, contentType string) error {
	if _, err := blobs.Put(ctx, key, bytes.NewReader(b), int64(len(b)), contentType); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}
