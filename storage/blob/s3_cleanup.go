package blob

import (
	"context"
	"errors"
	"time"

	"github.com/minio/minio-go/v7"
)

// A failed multipart upload keeps its parts on the server until it is
// aborted. minio-go aborts on any error (even after cancellation), but the
// abort itself fails when the server is unreachable, which is exactly when
// uploads tend to fail. So after a failed multipart Put, S3 checks that no
// upload is left for the key, and if it cannot check, remembers the key
// (in memory) and tries again after the next successful Put.
//
// If the process exits first, MinIO's own janitor removes uploads older
// than MINIO_API_STALE_UPLOADS_EXPIRY (24 h by default); on AWS, configure
// an AbortIncompleteMultipartUpload lifecycle rule.
//
// Only uploads initiated before the failure are aborted, so a later Put to
// the same key is safe. A concurrent Put to the same key may lose its
// upload; keys name versions, so the application never does that.

// cleanupFailedPut aborts what a Put to key that failed at failedAt left
// behind, or remembers key for later. It ignores the caller's cancellation:
// a cancelled upload must be cleaned up all the same.
func (s *S3) cleanupFailedPut(ctx context.Context, key string, failedAt time.Time) {
	s.mu.Lock()
	if failedAt.After(s.failed[key]) {
		s.failed[key] = failedAt
	}
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	if s.abortUploads(ctx, key, failedAt) == nil {
		s.forgetFailed(key, failedAt)
	}
}

// retryFailedCleanups retries remembered cleanups. Put calls it after a
// success, when the server is known to answer; usually nothing is pending.
func (s *S3) retryFailedCleanups(ctx context.Context) {
	s.mu.Lock()
	n := len(s.failed)
	s.mu.Unlock()
	if n == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	// What fails stays remembered for the next try, and Put has already
	// succeeded: its caller has no use for this error.
	_ = s.AbortFailedUploads(ctx)
}

// AbortFailedUploads aborts the incomplete multipart uploads left by Puts
// that failed while the server was unreachable. Put calls it by itself
// after its next success; a worker may also call it periodically. Keys
// whose cleanup fails again stay remembered, and the errors are returned.
func (s *S3) AbortFailedUploads(ctx context.Context) error {
	s.mu.Lock()
	pending := make(map[string]time.Time, len(s.failed))
	for k, t := range s.failed {
		pending[k] = t
	}
	s.mu.Unlock()

	var errs []error
	for key, failedAt := range pending {
		if err := s.abortUploads(ctx, key, failedAt); err != nil {
			errs = append(errs, err)
			continue
		}
		s.forgetFailed(key, failedAt)
	}
	return errors.Join(errs...)
}

// abortUploads aborts the uploads to key initiated up to failedAt.
func (s *S3) abortUploads(ctx context.Context, key string, failedAt time.Time) error {
	core := minio.Core{Client: s.client}
	// MinIO lists the uploads of exactly one object; 1,000 is S3's page
	// size and far more than one key can have.
	res, err := core.ListMultipartUploads(ctx, s.bucket, key, "", "", "", 1000)
	if err != nil {
		return mapErr(ctx, "list uploads of", key, err)
	}
	for _, u := range res.Uploads {
		if u.Key != key || u.Initiated.After(failedAt) {
			continue
		}
		err := core.AbortMultipartUpload(ctx, s.bucket, key, u.UploadID)
		if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchUpload {
			return mapErr(ctx, "abort upload of", key, err)
		}
	}
	return nil
}

// forgetFailed drops key unless a later failure has been recorded since.
func (s *S3) forgetFailed(key string, failedAt time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.failed[key].After(failedAt) {
		delete(s.failed, key)
	}
}
