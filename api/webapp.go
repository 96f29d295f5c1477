package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// appCSP is the Content-Security-Policy of the web app's pages and files.
// pdf.js needs 'wasm-unsafe-eval' for its WebAssembly decoders and blob:
// for its worker; documents fetched with the bearer token are shown from
// blob: URLs, in frames or images. React sets inline styles.
const appCSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' blob: data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; " +
	"frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// staticDir holds the build's content-hashed files: a name there never
// changes meaning, so they may be cached for good. The build names it
// static/ rather than Vite's assets/ so that it cannot shadow the app's
// own /assets/:id pages.
const staticDir = "static/"

// notBuiltPage is served in place of the app when the binary was built
// without it.
const notBuiltPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stagecraft: web app not built</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem">
<h1>The web app was not built</h1>
<p>This server was compiled without the web app. Run <code>make build</code>, which builds the app
and embeds it in the binary, then start the server again.</p>
<p>The API is available under <code>/api/v1/</code>.</p>
</body></html>
`

// webApp serves the single-page app from its build.
type webApp struct {
	fsys fs.FS
	// index is index.html, read once: it is served for every page of the
	// app. nil when the build has none (the app was not built).
	index     []byte
	indexETag string
}

func newWebApp(fsys fs.FS, log *slog.Logger) *webApp {
	a := &webApp{fsys: fsys}
	b, err := fs.ReadFile(fsys, "index.html")
	if err != nil {
		if log != nil {
			log.Warn("the web app is not built: its pages answer 503; run make build", slog.Any("error", err))
		}
		return a
	}
	sum := sha256.Sum256(b)
	a.index, a.indexETag = b, `"`+hex.EncodeToString(sum[:16])+`"`
	return a
}

// reservedPath reports whether p belongs to the server rather than the
// app: the API, share links, blobs and probes keep their own answers to
// unknown paths (JSON errors, the viewer's pages), never the app.
func reservedPath(p string) bool {
	first, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	switch first {
	case "api", "l", "blobs", "healthz", "readyz":
		return true
	}
	return false
}

// handleWebApp handles GET and HEAD of every path that no route matches,
// outside the reserved ones: a file of the build when the path names one,
// else index.html, so that the app's deep links (/assets/:id, /search)
// load the app, whose router takes over. Anything else gets noRoute's
// JSON 404.
func (a *webApp) handleWebApp(c *gin.Context) {
	m := c.Request.Method
	if (m != http.MethodGet && m != http.MethodHead) || reservedPath(c.Request.URL.Path) {
		noRoute(c)
		return
	}
	if a.index == nil {
		c.Header("Cache-Control", "no-store")
		c.Header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		c.Data(http.StatusServiceUnavailable, "text/html; charset=utf-8", []byte(notBuiltPage))
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Request.URL.Path), "/")
	if name != "" && name != "index.html" {
		served, err := a.serveFile(c, name)
		if err != nil {
			Error(c, err)
			return
		}
		if served {
			return
		}
		// A missing file of the build (a page of the previous release
		// asking for its chunks) must fail plainly, not load as HTML.
		if name+"/" == staticDir || strings.HasPrefix(name, staticDir) {
			noRoute(c)
			return
		}
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", appCSP)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.indexETag)
	http.ServeContent(c.Writer, c.Request, "index.html", time.Time{}, bytes.NewReader(a.index))
}

// serveFile serves the regular file name of the build and reports whether
// there was one. Hidden files (.gitkeep) are not part of the app.
func (a *webApp) serveFile(c *gin.Context, name string) (bool, error) {
	if !fs.ValidPath(name) || strings.HasPrefix(name, ".") || strings.Contains(name, "/.") {
		return false, nil
	}
	f, err := a.fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	} else if err != nil {
		return false, err
	}
	defer func() { _ = f.Close() }() // read-only: a close error loses nothing
	st, err := f.Stat()
	if err != nil {
		return false, err
	}
	if !st.Mode().IsRegular() {
		return false, nil
	}
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		b, err := io.ReadAll(f)
		if err != nil {
			return false, err
		}
		rs = bytes.NewReader(b)
	}
	cache := "no-cache"
	if strings.HasPrefix(name, staticDir) {
		cache = "public, max-age=31536000, immutable"
	}
	ct := mime.TypeByExtension(path.Ext(name))
	if ct == "" {
		ct = "application/octet-stream"
	}
	// Set here so that ServeContent does not sniff the type from the
	// bytes: the build's own extensions are the truth.
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", appCSP)
	h.Set("Content-Type", ct)
	h.Set("Cache-Control", cache)
	http.ServeContent(c.Writer, c.Request, name, st.ModTime(), rs)
	return true, nil
}
