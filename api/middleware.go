package api

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

type ctxKey string

const (
	loggerKey ctxKey = "stagecraft.logger"
	userKey   ctxKey = "stagecraft.user"
)

var requestIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestContext gives each request an id (the client's X-Request-ID when
// it is well formed) and a logger carrying it, logs the request when it
// ends, and turns panics into a 500 that names the request id.
func (s *Server) requestContext(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-ID")
	if !requestIDPattern.MatchString(id) {
		b := make([]byte, 8)
		_, _ = rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Header("X-Request-ID", id)
	// Log the route pattern, not the raw path: share-link tokens and
	// signed blob URLs carry secrets in their paths and queries.
	route := c.FullPath()
	if route == "" {
		route = "unmatched"
	}
	log := s.Log.With(slog.String("request_id", id))
	c.Set(string(loggerKey), log)
	// The audit log records the client's address with every change.
	c.Request = c.Request.WithContext(stagecraft.NewContextWithClientIP(c.Request.Context(), c.ClientIP()))

	defer func() {
		p := recover()
		// http.ErrAbortHandler is a handler cutting its response short on
		// purpose (a stream that failed after its status was sent): it is
		// logged with the request and passed on, so net/http drops the
		// connection and the client sees the response fail.
		aborted := p == http.ErrAbortHandler //nolint:errorlint // a sentinel panic value, compared as net/http does
		if p != nil && !aborted {
			log.ErrorContext(c.Request.Context(), "panic", slog.Any("panic", p), slog.String("stack", string(debug.Stack())))
			if !c.Writer.Written() {
				Error(c, stagecraft.Errorf(stagecraft.EINTERNAL, "Internal error (request %s).", id))
			}
		}
		if aborted {
			defer panic(p)
		}
		status := c.Writer.Status()
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		attrs := []any{
			slog.Group("request", slog.String("method", c.Request.Method), slog.String("route", route)),
			slog.Group("response", slog.Int("status", status), slog.Int("bytes", c.Writer.Size())),
			slog.Duration("duration", time.Since(start)),
		}
		if u := currentUser(c); u != nil {
			attrs = append(attrs, slog.String("user_id", u.ID), slog.String("org_id", u.OrgID))
		}
		if aborted {
			level = slog.LevelError
			attrs = append(attrs, slog.Bool("aborted", true))
		}
		log.Log(c.Request.Context(), level, "request", attrs...)
	}()
	c.Next()
}

func loggerFrom(c *gin.Context) *slog.Logger {
	if v, ok := c.Get(string(loggerKey)); ok {
		if l, ok := v.(*slog.Logger); ok {
			return l
		}
	}
	return slog.Default()
}

// bearerToken returns the request's bearer credential, or "".
func bearerToken(c *gin.Context) string {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// noStore keeps API answers out of every cache: they are one user's
// data, and tokens and download URLs among them. Handlers that serve
// something cacheable (thumbnails) set their own Cache-Control; the web
// app's files and the public viewer have their own rules.
func noStore(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/api/") {
		c.Header("Cache-Control", "no-store")
	}
	c.Next()
}

// authenticate requires a bearer credential and stores its user.
func (s *Server) authenticate(c *gin.Context) {
	token := bearerToken(c)
	if token == "" {
		c.Header("WWW-Authenticate", `Bearer realm="stagecraft"`)
		errorf(c, stagecraft.EUNAUTHORIZED, "Authorization: Bearer <token> is required.")
		return
	}
	user, err := s.Auth.Authenticate(c.Request.Context(), token)
	if err != nil {
		if stagecraft.ErrorCode(err) == stagecraft.EUNAUTHORIZED {
			c.Header("WWW-Authenticate", `Bearer realm="stagecraft", error="invalid_token"`)
		}
		Error(c, err)
		return
	}
	c.Set(string(userKey), user)
	c.Request = c.Request.WithContext(stagecraft.NewContextWithUser(c.Request.Context(), user))
	c.Next()
}

// requireRole lets only the given roles through.
func requireRole(roles ...stagecraft.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		u := currentUser(c)
		for _, r := range roles {
			if u != nil && u.Role == r {
				c.Next()
				return
			}
		}
		errorf(c, stagecraft.EFORBIDDEN, "Your role may not do this.")
	}
}

func currentUser(c *gin.Context) *stagecraft.User {
	if v, ok := c.Get(string(userKey)); ok {
		u, _ := v.(*stagecraft.User)
		return u
	}
	return nil
}

// securityHeaders sets headers that cost nothing and close common holes.
func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	c.Next()
}

// noRoute answers unknown paths with the JSON error shape.
func noRoute(c *gin.Context) {
	errorf(c, stagecraft.ENOTFOUND, "No such endpoint: %s %s.", c.Request.Method, c.Request.URL.Path)
}

func noMethod(c *gin.Context) {
	c.Status(http.StatusMethodNotAllowed)
	c.AbortWithStatusJSON(http.StatusMethodNotAllowed, errorBody{Error: errorDetail{
		Code: "method_not_allowed", Message: "Method " + c.Request.Method + " is not allowed here."}})
}
