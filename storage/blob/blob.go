// Package blob stores asset files behind stagecraft.BlobStore: Local keeps
// them in a directory and serves signed links itself, S3 keeps them in an
// S3-compatible bucket (MinIO) through minio-go. Both validate keys, content
// types and link lifetimes the same way, so code that works against one
// works against the other; package blobtest holds the shared conformance
// suite.
package blob

import (
	"fmt"
	"io"
	"mime"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/stagecraft/stagecraft"
)

// MinTTL is the shortest lifetime of a signed URL.
const MinTTL = time.Second

// MaxTTL is the longest lifetime of a signed URL: the limit of S3 presigned
// URLs (SigV4). Local applies it too, so links behave alike on both stores.
const MaxTTL = 7 * 24 * time.Hour

// maxKeyLength is S3's limit, in bytes.
const maxKeyLength = 1024

// defaultContentType is stored when Put is given no content type.
const defaultContentType = "application/octet-stream"

// validateKey returns an EINVALID error unless key is a relative,
// slash-separated path whose segments are non-empty and do not start with
// a dot. Rejecting dot segments rules out "." and "..", and leaves dot
// names free for Local's sidecar and temporary files.
func validateKey(key string) error {
	bad := func(why string) error {
		return stagecraft.Errorf(stagecraft.EINVALID, "Invalid blob key %q: %s.", key, why)
	}
	switch {
	case key == "":
		return bad("empty")
	case len(key) > maxKeyLength:
		return bad("too long")
	case !utf8.ValidString(key):
		return bad("not UTF-8")
	case strings.HasPrefix(key, "/"):
		return bad("absolute path")
	case strings.Contains(key, `\`):
		return bad("backslash")
	case strings.IndexFunc(key, unicode.IsControl) >= 0:
		return bad("control character")
	}
	for _, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return bad("empty path segment")
		case strings.HasPrefix(seg, "."):
			return bad("path segment starts with a dot")
		}
	}
	return nil
}

// normalizeContentType returns ct in canonical form, the default type when
// ct is empty, or EINVALID when ct is not a media type. Parsing also rules
// out header injection: a media type cannot hold CR or LF.
func normalizeContentType(ct string) (string, error) {
	if ct == "" {
		return defaultContentType, nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return "", stagecraft.Errorf(stagecraft.EINVALID, "Invalid content type %q.", ct)
	}
	return mime.FormatMediaType(mt, params), nil
}

// checkTTL returns EINVALID unless MinTTL <= ttl <= MaxTTL.
func checkTTL(ttl time.Duration) error {
	if ttl < MinTTL || ttl > MaxTTL {
		return stagecraft.Errorf(stagecraft.EINVALID, "Link lifetime must be between %v and %v.", MinTTL, MaxTTL)
	}
	return nil
}

// downloadName returns the filename a signed link names: the given one, or
// the key's last segment when it is empty.
func downloadName(key, filename string) string {
	if filename == "" {
		return path.Base(key)
	}
	return filename
}

// contentDisposition returns an attachment header naming filename, with an
// ASCII fallback for old clients and the exact UTF-8 name in filename*
// (RFC 6266, RFC 8187). Users choose filenames, so both forms are built
// from a cleaned name: no control characters (header injection), no path
// separators, no quotes or backslashes inside the quoted string.
func contentDisposition(filename string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r), r == utf8.RuneError:
			return -1
		case r == '/' || r == '\\':
			return '_'
		}
		return r
	}, filename)
	name = strings.TrimSpace(name)
	if name == "" || name == "." || name == ".." {
		name = "download"
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, rfc8187Escape(name))
}

// rfc8187Escape percent-encodes s as an RFC 8187 value: everything but
// attr-char is encoded, byte by byte.
func rfc8187Escape(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// Errors of a body whose length differs from the size given to Put.
var (
	errShortBody = stagecraft.Errorf(stagecraft.EINVALID, "The file is shorter than its declared size.")
	errLongBody  = stagecraft.Errorf(stagecraft.EINVALID, "The file is longer than its declared size.")
)

// exactReader yields the n bytes of r and fails unless r has exactly n.
// The error comes before the last byte is delivered, so that no store
// commits a truncated object: minio-go, for one, stops reading at n bytes
// and would never notice the excess.
type exactReader struct {
	r    io.Reader
	left int64
}

func (e *exactReader) Read(p []byte) (int, error) {
	if e.left <= 0 {
		return 0, io.EOF // the excess check has already passed
	}
	if int64(len(p)) > e.left {
		p = p[:e.left]
	}
	n, err := e.r.Read(p)
	e.left -= int64(n)
	switch {
	case err != nil && err != io.EOF:
		return n, err
	case e.left > 0 && err == io.EOF:
		return n, errShortBody
	case e.left == 0 && err == nil:
		var one [1]byte
		if m, err := io.ReadFull(e.r, one[:]); m > 0 {
			return 0, errLongBody
		} else if err != io.EOF {
			return 0, err
		}
	}
	return n, nil
}
