package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"

	"github.com/minio/minio-go/v7"

	"github.com/stagecraft/stagecraft"
)

// dependency names the object store in EUNAVAILABLE messages.
const dependency = "object storage"

// mapErr translates a minio-go error from operation op on name into a
// stagecraft error: NoSuchKey is ENOTFOUND, an unreachable or overloaded
// server is EUNAVAILABLE, anything else is wrapped with op and name. When
// the caller's ctx is done the error is the caller's doing and is only
// wrapped, so that a cancelled request does not read as an outage.
func mapErr(ctx context.Context, op, name string, err error) error {
	wrapped := fmt.Errorf("%s %s: %w", op, name, err)
	if ctx.Err() != nil {
		return wrapped
	}
	var resp minio.ErrorResponse
	if errors.As(err, &resp) {
		switch {
		case resp.Code == minio.NoSuchKey:
			return &stagecraft.Error{Code: stagecraft.ENOTFOUND, Message: "File not found.", Err: wrapped}
		case resp.StatusCode == http.StatusServiceUnavailable,
			resp.StatusCode == http.StatusBadGateway,
			resp.StatusCode == http.StatusGatewayTimeout,
			resp.Code == "XMinioServerNotInitialized":
			return stagecraft.Unavailable(dependency, wrapped)
		}
		return wrapped
	}
	if isNetworkError(err) {
		return stagecraft.Unavailable(dependency, wrapped)
	}
	return wrapped
}

// isNetworkError reports whether err means the server could not be reached
// or dropped the connection: refused, reset, DNS failure, timeout, or EOF.
// It matches types and errnos, not messages.
func isNetworkError(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &opErr), errors.As(err, &dnsErr):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.Is(err, context.DeadlineExceeded): // our own timeouts; the caller's were ruled out
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return true
	}
	return false
}
