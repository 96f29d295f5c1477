package api

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

//go:embed viewer/*.html
var viewerFS embed.FS

var viewerTemplates = template.Must(template.New("viewer").Funcs(template.FuncMap{"lower": strings.ToLower}).
	ParseFS(viewerFS, "viewer/*.html"))

// errorPage writes the public pages' error: a small HTML page saying
// what the visitor can do. Error calls it on routes marked htmlErrors,
// after setting the status's headers and logging.
func errorPage(c *gin.Context, status int, err error) {
	d := &viewerData{Status: status}
	switch status {
	case http.StatusNotFound:
		d.Heading = "Link not found"
		d.Text = "Check that you copied the whole address, or ask the person who shared it with you for a new link."
	case http.StatusGone:
		d.Heading = strings.TrimSuffix(stagecraft.ErrorMessage(err), ".")
		d.Text = "Ask the person who shared it with you for a new link."
	case http.StatusTooManyRequests:
		d.Heading = "Too many requests"
		d.Text = "Please wait a minute, then try again."
	case http.StatusServiceUnavailable:
		d.Heading = "Temporarily unavailable"
		d.Text = "Please try again in a moment."
	default:
		d.Heading = "Something went wrong"
		d.Text = "Please try again later."
	}
	renderPage(c, status, "error.html", d)
}

// viewerData feeds the page and error templates.
type viewerData struct {
	Nonce string

	// Error pages.
	Status        int
	Heading, Text string

	// The document page. Kind is "pages", "pending", "pdf", "image",
	// "video" or "download"; see viewKind.
	Title, OrgName, OrgInitial, SharerName, Kind string
	// ViewURL shows the file inline; DownloadURL is "" when downloads
	// are off.
	ViewURL, DownloadURL, BeaconURL string
	Filename, Size, TypeLabel       string
	// WaitURL reloads the page while its pages are prepared, without
	// counting another open.
	WaitURL string
	// SessionID names this page load in its beacons.
	SessionID string
	Pages     []viewerPage
	PageCount int
	// Preview is the version's preview status, PreviewError its reason.
	Preview, PreviewError string

	// The gate of a protected link.
	AccessURL               string
	NeedEmail, NeedPasscode bool
	Email, Message          string
}

// viewerPage is one page image of the document.
type viewerPage struct {
	N             int
	URL           string
	Width, Height int
}

// render writes an HTML template with a fresh nonce, which the page's one
// style and one script element carry: the policy allows nothing else, and
// no request leaves this origin.
func renderPage(c *gin.Context, status int, name string, d *viewerData) {
	d.Nonce = newNonce()
	var buf bytes.Buffer
	if err := viewerTemplates.ExecuteTemplate(&buf, name, d); err != nil {
		loggerFrom(c).ErrorContext(c.Request.Context(), "render viewer", slog.String("template", name), slog.Any("error", err))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Internal error.\n"))
		return
	}
	c.Header("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src 'nonce-%[1]s'; style-src 'nonce-%[1]s'; "+
		"img-src 'self'; media-src 'self'; object-src 'self'; frame-src 'self'; connect-src 'self'; "+
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'", d.Nonce))
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	// URL-safe and unpadded: CSP accepts "-" and "_" in a nonce, and
	// html/template writes them as they are, where it would escape the
	// "+" of standard base64 in the attribute.
	return base64.RawURLEncoding.EncodeToString(b)
}

// viewKind says how the page shows a version: "pages" (one image per
// page, from its preview), "pending" (pages being prepared), "pdf" (the
// PDF itself, framed, while its page images are not there), "image",
// "video" (inline), or "download" (a card to download it).
func viewKind(v *stagecraft.AssetVersion) string {
	ct := mediaType(v.ContentType)
	switch p := v.Preview; {
	case p.Status == stagecraft.PreviewReady && p.Pages > 0:
		return "pages"
	case ct == "application/pdf":
		return "pdf"
	case p.Status == stagecraft.PreviewPending:
		return "pending"
	case inlineImages[ct]:
		return "image"
	case inlineVideos[ct]:
		return "video"
	}
	return "download"
}

// inlineVideos are the video types current browsers play.
var inlineVideos = map[string]bool{"video/mp4": true, "video/webm": true, "video/ogg": true, "video/quicktime": true}

// mediaType is a content type without its parameters, lower-cased.
func mediaType(contentType string) string {
	ct, _, _ := strings.Cut(contentType, ";")
	return strings.ToLower(strings.TrimSpace(ct))
}

// uaFamily is the coarse client family kept with an open: the bot family
// for a recognised bot, else the browser's.
func uaFamily(ua string) string {
	if bot, family := botUserAgent(ua); bot {
		return family
	}
	return browserFamily(ua)
}

// networkHash returns a short keyed hash of the client's network (/24 for
// IPv4, /48 for IPv6), keyed by the link's token: it tells repeat visits
// from one network apart from new ones on the same link, but cannot be
// joined across links, and the address itself is never stored.
func networkHash(token, ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return ""
	}
	a = a.Unmap()
	bits := 48
	if a.Is4() {
		bits = 24
	}
	p, _ := a.Prefix(bits)
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("stagecraft viewer network\n" + p.String()))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

// initial is the first letter of name, upper-cased, for the page's badge.
func initial(name string) string {
	for _, r := range strings.TrimSpace(name) {
		return strings.ToUpper(string(r))
	}
	return ""
}

func humanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d bytes", n)
	}
	f, units := float64(n)/unit, []string{"KB", "MB", "GB", "TB"}
	i := 0
	for f >= unit && i < len(units)-1 {
		f /= unit
		i++
	}
	return fmt.Sprintf("%.1f %s", f, units[i])
}

func typeLabel(t stagecraft.AssetType) string {
	switch t {
	case stagecraft.TypePDF:
		return "PDF document"
	case stagecraft.TypeDeck:
		return "Presentation"
	case stagecraft.TypeDocument:
		return "Document"
	case stagecraft.TypeSpreadsheet:
		return "Spreadsheet"
	case stagecraft.TypeImage:
		return "Image"
	case stagecraft.TypeVideo:
		return "Video"
	case stagecraft.TypeText:
		return "Text file"
	}
	return "File"
}
