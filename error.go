package stagecraft

import (
	"errors"
	"fmt"
	"time"
)

// Error codes. They are part of the public contract: clients match on them,
// so they never change meaning. The HTTP layer maps each to a status.
const (
	EINVALID       = "invalid_input"          // the request names a bad field or value
	EUNAUTHORIZED  = "unauthorized"           // no or invalid credentials
	EFORBIDDEN     = "forbidden"              // authenticated but not allowed
	ENOTFOUND      = "not_found"              // unknown, or another organisation's
	ECONFLICT      = "conflict"               // duplicate or in use
	EGONE          = "gone"                   // expired or revoked
	ETOOLARGE      = "too_large"              // over a size limit
	EUNSUPPORTED   = "unsupported_media_type" // content type not accepted
	EUNPROCESSABLE = "unprocessable"          // well formed, but cannot be processed
	ERATELIMITED   = "rate_limited"           // slow down; see RetryAfter
	EUNAVAILABLE   = "unavailable"            // a dependency is down; see RetryAfter
	EINTERNAL      = "internal"               // a bug or an unexpected failure
)

// Error is an error whose code and message are safe to show to users.
// Any error that is not (and does not wrap) an *Error is internal.
type Error struct {
	Code    string
	Message string
	// Details carries machine-readable context, such as the valid keys of a
	// taxonomy or the field at fault.
	Details map[string]any
	// RetryAfter, when set, tells the client how long to wait before trying
	// again (rate limits, unavailable dependencies).
	RetryAfter time.Duration
	// Err is the underlying cause, kept for logs and errors.Is; never shown.
	Err error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// WithDetails returns a copy of e carrying details.
func (e *Error) WithDetails(d map[string]any) *Error {
	c := *e
	c.Details = d
	return &c
}

// Unavailable returns an EUNAVAILABLE error for the named dependency,
// wrapping its cause and advising a retry.
func Unavailable(dependency string, cause error) *Error {
	return &Error{
		Code:       EUNAVAILABLE,
		Message:    fmt.Sprintf("The %s service is unavailable; please try again shortly.", dependency),
		RetryAfter: 5 * time.Second,
		Err:        cause,
	}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// EINTERNAL when there is none. A nil error has no code.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-safe message of err, or a generic one for
// internal errors so that no internals leak.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// AsError returns the first *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}
