package blob

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft"
)

// signPurpose separates these signatures from any other HMAC made with the
// same secret, and versions the signed format.
const signPurpose = "stagecraft blob url v1"

// SignedURL returns baseURL/blobs/<key>?exp=&fn=&ct=&sig=, where sig is an
// HMAC-SHA256 over the key, expiry, filename and content type. An empty
// contentType serves the stored one. The object need not exist yet.
func (l *Local) SignedURL(_ context.Context, key string, ttl time.Duration, filename, contentType string) (string, error) {
	if err := validateKey(key); err != nil {
		return "", err
	}
	if err := checkTTL(ttl); err != nil {
		return "", err
	}
	ct := ""
	if contentType != "" {
		var err error
		if ct, err = normalizeContentType(contentType); err != nil {
			return "", err
		}
	}
	fn := downloadName(key, filename)
	// Round up so the link lives at least ttl.
	exp := strconv.FormatInt(l.Now().Add(ttl+time.Second-1).Unix(), 10)
	q := url.Values{"exp": {exp}, "fn": {fn}, "ct": {ct}, "sig": {hex.EncodeToString(l.mac(key, exp, fn, ct))}}
	return l.baseURL + "/blobs/" + escapeKey(key) + "?" + q.Encode(), nil
}

// Verify checks the signed query q of a link to key at time now. It
// returns EFORBIDDEN when the signature is missing or does not match (any
// part of the link was altered, or it was signed with another secret) and
// EGONE when the link has expired. Expiry is checked only once the
// signature holds, so a forged link never learns more than "forbidden".
func (l *Local) Verify(key string, q url.Values, now time.Time) error {
	forbidden := stagecraft.Errorf(stagecraft.EFORBIDDEN, "Invalid link signature.")
	for _, name := range []string{"exp", "fn", "ct", "sig"} {
		// Duplicates could make a reader of the query see other values
		// than the ones we checked.
		if len(q[name]) > 1 {
			return forbidden
		}
	}
	sig, err := hex.DecodeString(q.Get("sig"))
	if err != nil || len(sig) != sha256.Size {
		return forbidden
	}
	exp := q.Get("exp")
	if !hmac.Equal(sig, l.mac(key, exp, q.Get("fn"), q.Get("ct"))) {
		return forbidden
	}
	e, err := strconv.ParseInt(exp, 10, 64)
	if err != nil {
		return forbidden
	}
	if !now.Before(time.Unix(e, 0)) {
		return stagecraft.Errorf(stagecraft.EGONE, "This link has expired.")
	}
	return nil
}

// mac signs the fields, each prefixed with its length so that no two
// different field lists encode to the same message.
func (l *Local) mac(fields ...string) []byte {
	h := hmac.New(sha256.New, l.secret)
	h.Write([]byte(signPurpose))
	for _, f := range fields {
		h.Write(fmt.Appendf(nil, "\n%d:%s", len(f), f))
	}
	return h.Sum(nil)
}

// Handler serves GET and HEAD /blobs/<key> for links made by SignedURL.
// Mount it at "/blobs/" without stripping the prefix. Ranges and
// conditional requests are handled by http.ServeContent.
func (l *Local) Handler() http.Handler {
	return http.HandlerFunc(l.handleBlobGet)
}

// handleBlobGet handles GET /blobs/<key>?exp=&fn=&ct=&sig=.
func (l *Local) handleBlobGet(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "Method not allowed.")
		return
	}
	key, ok := strings.CutPrefix(r.URL.Path, "/blobs/")
	if !ok || validateKey(key) != nil {
		writeError(w, http.StatusNotFound, stagecraft.ENOTFOUND, "Not found.")
		return
	}
	q := r.URL.Query()
	now := l.Now()
	if err := l.Verify(key, q, now); err != nil {
		status, code := http.StatusForbidden, stagecraft.EFORBIDDEN
		if stagecraft.ErrorCode(err) == stagecraft.EGONE {
			status, code = http.StatusGone, stagecraft.EGONE
		}
		writeError(w, status, code, stagecraft.ErrorMessage(err))
		return
	}
	f, info, err := l.open(r.Context(), key)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		writeError(w, http.StatusNotFound, stagecraft.ENOTFOUND, "Not found.")
		return
	} else if err != nil {
		l.logger().Error("serve blob", slog.String("key", key), slog.Any("error", err))
		writeError(w, http.StatusInternalServerError, stagecraft.EINTERNAL, "Internal error.")
		return
	}
	defer func() { _ = f.Close() }() // read-only: a close error loses nothing

	ct := q.Get("ct")
	if ct == "" {
		ct = info.ContentType
	}
	exp, _ := strconv.ParseInt(q.Get("exp"), 10, 64) // Verify parsed it
	h := w.Header()
	h.Set("Content-Type", ct) // set, so ServeContent does not sniff
	h.Set("Content-Disposition", contentDisposition(q.Get("fn")))
	h.Set("X-Content-Type-Options", "nosniff")
	// Caches may keep the response only while the link is valid.
	h.Set("Cache-Control", fmt.Sprintf("private, max-age=%d", int64(time.Unix(exp, 0).Sub(now)/time.Second)))
	http.ServeContent(w, r, "", info.ModTime, f)
}

func (l *Local) logger() *slog.Logger {
	if l.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l.Logger
}

// escapeKey escapes each segment of a valid key for use in a URL path.
func escapeKey(key string) string {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// writeError writes the API's JSON error shape, so that clients handle a
// refused download link like any other error.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": code, "message": message}})
}
