package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// codes maps error codes to HTTP statuses. It is the only place where the
// domain's errors meet HTTP.
var codes = map[string]int{
	stagecraft.EINVALID:       http.StatusBadRequest,
	stagecraft.EUNAUTHORIZED:  http.StatusUnauthorized,
	stagecraft.EFORBIDDEN:     http.StatusForbidden,
	stagecraft.ENOTFOUND:      http.StatusNotFound,
	stagecraft.ECONFLICT:      http.StatusConflict,
	stagecraft.EGONE:          http.StatusGone,
	stagecraft.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	stagecraft.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	stagecraft.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	stagecraft.ERATELIMITED:   http.StatusTooManyRequests,
	stagecraft.EUNAVAILABLE:   http.StatusServiceUnavailable,
	stagecraft.EINTERNAL:      http.StatusInternalServerError,
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// Error answers a request with err and logs it, for every surface: one
// status table, one Retry-After rule, one log level rule (5xx at Error
// with the cause, 4xx at Debug). API routes and beacons get the JSON
// error body; the public pages (routes marked htmlErrors) an HTML page.
// Internal errors show a generic message only.
func Error(c *gin.Context, err error) {
	code := stagecraft.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := errorBody{Error: errorDetail{Code: code, Message: stagecraft.ErrorMessage(err)}}
	if e, ok := stagecraft.AsError(err); ok {
		body.Error.Details = e.Details
		if e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(int((e.RetryAfter+time.Second-1)/time.Second)))
		}
	}
	if status == http.StatusServiceUnavailable && c.Writer.Header().Get("Retry-After") == "" {
		c.Header("Retry-After", "5")
	}
	log := loggerFrom(c)
	if status >= 500 {
		log.ErrorContext(c.Request.Context(), "request failed", slog.Int("status", status), slog.Any("error", err))
	} else {
		log.DebugContext(c.Request.Context(), "request rejected", slog.Int("status", status), slog.Any("error", err))
	}
	if c.GetBool(string(htmlErrorsKey)) && c.Request.Method != http.MethodPost {
		errorPage(c, status, err)
		c.Abort()
		return
	}
	c.AbortWithStatusJSON(status, body)
}

// htmlErrorsKey marks a request whose errors are pages for people, not
// JSON for programs (see htmlErrors).
const htmlErrorsKey ctxKey = "stagecraft.html_errors"

// htmlErrors makes Error answer the routes of a group with an HTML page
// (beacons, which are POSTs from the page's script, still get JSON).
func htmlErrors(c *gin.Context) {
	c.Set(string(htmlErrorsKey), true)
	c.Next()
}

// errorf is shorthand for writing a new *stagecraft.Error.
func errorf(c *gin.Context, code, format string, args ...any) {
	Error(c, stagecraft.Errorf(code, format, args...))
}

// isMaxBytes reports whether err comes from a body over its size cap.
func isMaxBytes(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}
