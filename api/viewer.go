package api

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"math"
	"mime"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
)

// The public viewer of share links: GET /l/:token shows the document and
// records an open, GET /l/:token/file serves its bytes, POST
// /l/:token/events takes the page's viewing-time beacons. Nothing here
// needs a session: the token is the whole credential.

//go:embed viewer/*.html
var viewerFS embed.FS

var viewerTemplates = template.Must(template.ParseFS(viewerFS, "viewer/*.html"))

// Public rate limits, per client address (IPv6: per /64) and per server
// replica; see rateLimiter. A page view costs two page requests (the page
// and its file); the page beacons about every 10 s. Unknown tokens are
// limited much harder: after missBurst of them an address gets 429 on
// every public link route, valid tokens included, until its bucket
// refills, so a guesser cannot tell a hit by its answer either.
const (
	pagesPerMinute, pageBurst     = 60, 30
	beaconsPerMinute, beaconBurst = 240, 60
	missesPerMinute, missBurst    = 10, 10
	maxTrackedClients             = 100_000
)

// maxBeaconBody caps a beacon's body; a real one is under 100 bytes.
const maxBeaconBody = 4 << 10

// inlineImages are the image types shown in the page. Others (SVG above
// all, which can carry script) are offered as downloads.
var inlineImages = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/avif": true,
}

type publicLimits struct {
	pages, beacons, misses *rateLimiter
}

// viewer serves the public link routes of one Server.
type viewer struct {
	s      *Server
	limits publicLimits
}

func newViewer(s *Server) *viewer {
	return &viewer{s: s, limits: publicLimits{
		pages:   newRateLimiter(pagesPerMinute, pageBurst, maxTrackedClients, s.now),
		beacons: newRateLimiter(beaconsPerMinute, beaconBurst, maxTrackedClients, s.now),
		misses:  newRateLimiter(missesPerMinute, missBurst, maxTrackedClients, s.now),
	}}
}

// viewerHeaders sets the headers every public link response carries. The
// page and file handlers replace the Content-Security-Policy with their
// own.
func viewerHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Robots-Tag", "noindex, nofollow")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	c.Next()
}

// limit is the rate-limit middleware of a public route: the address must
// not be locked out for guessing tokens, and l must have a token for it.
func (v *viewer) limit(l *rateLimiter) gin.HandlerFunc {
	return func(c *gin.Context) {
		key := clientKey(c.ClientIP())
		if over, wait := v.limits.misses.exhausted(key); over {
			v.tooMany(c, wait)
			return
		}
		if ok, wait := l.allow(key); !ok {
			v.tooMany(c, wait)
			return
		}
		c.Next()
	}
}

func (v *viewer) tooMany(c *gin.Context, wait time.Duration) {
	v.fail(c, &stagecraft.Error{Code: stagecraft.ERATELIMITED,
		Message: "Too many requests; please wait a minute and try again.", RetryAfter: wait})
}

// resolve finds the link of the request's token and its asset. When the
// link cannot be viewed it answers (404 unknown, 410 expired, revoked or
// the asset archived or expired) and returns false.
func (v *viewer) resolve(c *gin.Context) (*stagecraft.SharedLink, *stagecraft.Asset, bool) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), requestTimeout)
	defer cancel()
	token := c.Param("token")
	var err error = stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	var l *stagecraft.SharedLink
	if stagecraft.ValidLinkToken(token) {
		l, err = v.s.Links.FindLinkByToken(ctx, token)
	}
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		v.limits.misses.allow(clientKey(c.ClientIP()))
		v.fail(c, err)
		return nil, nil, false
	} else if err != nil {
		v.fail(c, err)
		return nil, nil, false
	}
	now := v.s.now()
	if gone, msg := l.Gone(now); gone {
		v.fail(c, stagecraft.Errorf(stagecraft.EGONE, "%s", msg))
		return nil, nil, false
	}
	a, err := v.s.Assets.FindAssetByID(ctx, l.OrgID, l.AssetID)
	if err == nil && (a.Status == stagecraft.StatusArchived || (a.ExpiresAt != nil && !a.ExpiresAt.After(now))) {
		err = stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset archived or expired.")
	}
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		// Say nothing about the asset: to the viewer the link is gone.
		v.fail(c, stagecraft.Errorf(stagecraft.EGONE, "This link is no longer available."))
		return nil, nil, false
	} else if err != nil {
		v.fail(c, err)
		return nil, nil, false
	}
	return l, a, true
}

// handlePage handles GET (and HEAD) /l/:token: the viewer page. Every
// request records a link_open event, flagged as a bot's when it looks
// like one (see detectBot), with a coarse, per-link hash of the client's
// network and the browser family, never the address or full User-Agent.
func (v *viewer) handlePage(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	ua := c.Request.UserAgent()
	bot, why := detectBot(c.Request)
	meta := map[string]any{"ua_family": uaFamily(ua), "ip_hash": networkHash(l.Token, c.ClientIP())}
	if bot {
		meta["bot_reason"] = why
	}
	ver := a.CurrentVersion
	err := v.s.Links.RecordLinkOpen(c.Request.Context(), &stagecraft.LinkOpen{
		Link: &l.Link, VersionID: ver.ID, At: v.s.now().UTC(), Bot: bot, Meta: meta})
	if err != nil {
		// The prospect still sees the document; the open is lost.
		loggerFrom(c).ErrorContext(c.Request.Context(), "record link open", slog.String("link_id", l.ID), slog.Any("error", err))
	}
	token := l.Token
	v.render(c, http.StatusOK, "page.html", &viewerData{
		Title: a.Title, OrgName: l.OrgName, OrgInitial: initial(l.OrgName), SharerName: l.SharerName,
		Kind: viewKind(ver.ContentType),
		// Relative to /l/<token>, so the page works under any prefix.
		FileURL: token + "/file", DownloadURL: token + "/file?download=1", BeaconURL: token + "/events",
		Filename: ver.Filename, Size: humanSize(ver.Size), TypeLabel: typeLabel(a.Type),
	})
}

// handleFile handles GET /l/:token/file[?download=1]: PDFs and images are
// streamed from this origin with an inline disposition, so the page can
// frame them (signed blob URLs are attachments on another origin, or
// forbid framing); anything else, and any ?download=1, redirects to a
// short-lived signed URL. No open is recorded: the page did that.
func (v *viewer) handleFile(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	ver := a.CurrentVersion
	kind := viewKind(ver.ContentType)
	if kind == "download" || c.Query("download") != "" {
		url, err := v.s.Library.VersionURL(c.Request.Context(), ver)
		if err != nil {
			v.fail(c, err)
			return
		}
		c.Redirect(http.StatusFound, url)
		return
	}
	rc, info, err := v.s.Library.OpenVersion(c.Request.Context(), ver)
	if err != nil {
		loggerFrom(c).WarnContext(c.Request.Context(), "open shared file", slog.String("link_id", l.ID), slog.Any("error", err))
		v.fail(c, err)
		return
	}
	defer rc.Close()
	disposition := mime.FormatMediaType("inline", map[string]string{"filename": ver.Filename})
	if disposition == "" {
		disposition = "inline"
	}
	h := c.Writer.Header()
	// The file is the sharer's upload, served from this origin: whatever
	// it is, and however it is opened, it may run nothing here (as a staff
	// preview). Only the viewer page may frame it.
	h.Set("Content-Security-Policy", previewCSP+"; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN") // the page frames PDFs
	h.Set("Cache-Control", "private, no-store")
	size := info.Size
	if size <= 0 {
		size = -1
	}
	c.DataFromReader(http.StatusOK, size, mediaType(ver.ContentType), rc, map[string]string{"Content-Disposition": disposition})
}

// beaconRequest is the body of POST /l/:token/events.
type beaconRequest struct {
	SessionID string   `json:"session_id"`
	Page      *int     `json:"page"`
	Seconds   *float64 `json:"seconds"`
}

// handleBeacon handles POST /l/:token/events: the page reports seconds of
// active viewing of a page. Each beacon counts for at most
// MaxBeaconSeconds, and a session for no more than the time since it
// began, however many beacons it sends. Beacons from bots are ignored
// (204, nothing stored).
func (v *viewer) handleBeacon(c *gin.Context) {
	l, _, ok := v.resolve(c)
	if !ok {
		return
	}
	if bot, _ := detectBot(c.Request); bot {
		c.Status(http.StatusNoContent)
		return
	}
	var req beaconRequest
	if err := bindBeacon(c, &req); err != nil {
		Error(c, err)
		return
	}
	switch {
	case req.Page == nil:
		Error(c, linkFieldError("page", "page is required."))
		return
	case req.Seconds == nil:
		Error(c, linkFieldError("seconds", "seconds is required."))
		return
	}
	t := &stagecraft.LinkTime{LinkID: l.ID, OrgID: l.OrgID, SessionID: req.SessionID, Page: *req.Page,
		Seconds: int(math.Round(math.Max(0, math.Min(stagecraft.MaxBeaconSeconds, *req.Seconds))))}
	if err := t.Validate(); err != nil {
		Error(c, err)
		return
	}
	if err := v.s.Links.AddLinkTime(c.Request.Context(), t); err != nil {
		Error(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// bindBeacon decodes a beacon. navigator.sendBeacon sends a string as
// text/plain, so that type is accepted beside JSON.
func bindBeacon(c *gin.Context, v *beaconRequest) error {
	switch c.ContentType() {
	case "", "application/json", "text/plain":
	default:
		return stagecraft.Errorf(stagecraft.EUNSUPPORTED, "Content-Type must be application/json.")
	}
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, maxBeaconBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if isMaxBytes(err) {
			return stagecraft.Errorf(stagecraft.ETOOLARGE, "request body is larger than %d bytes.", maxBeaconBody)
		}
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return stagecraft.Errorf(stagecraft.EINVALID, "request body must hold a single JSON value.")
	}
	return nil
}

// fail answers a public request with an error: JSON for the beacon
// endpoint, a small HTML page otherwise. Like Error, it logs 5xx at Error
// and sets Retry-After when the error advises one.
func (v *viewer) fail(c *gin.Context, err error) {
	if c.Request.Method == http.MethodPost {
		Error(c, err)
		return
	}
	code := stagecraft.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	if e, ok := stagecraft.AsError(err); ok && e.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int(math.Ceil(e.RetryAfter.Seconds()))))
	} else if status == http.StatusServiceUnavailable {
		c.Header("Retry-After", "5")
	}
	log := loggerFrom(c)
	if status >= 500 {
		log.ErrorContext(c.Request.Context(), "viewer request failed", slog.Int("status", status), slog.Any("error", err))
	} else {
		log.DebugContext(c.Request.Context(), "viewer request rejected", slog.Int("status", status), slog.Any("error", err))
	}
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
	v.render(c, status, "error.html", d)
	c.Abort()
}

// viewerData feeds the page and error templates.
type viewerData struct {
	Nonce string

	// Error pages.
	Status        int
	Heading, Text string

	// The document page. Kind is "pdf", "image" or "download".
	Title, OrgName, OrgInitial, SharerName, Kind string
	FileURL, DownloadURL, BeaconURL              string
	Filename, Size, TypeLabel                    string
}

// render writes an HTML template with a fresh nonce, which the page's one
// style and one script element carry: the policy allows nothing else, and
// no request leaves this origin.
func (v *viewer) render(c *gin.Context, status int, name string, d *viewerData) {
	d.Nonce = newNonce()
	var buf bytes.Buffer
	if err := viewerTemplates.ExecuteTemplate(&buf, name, d); err != nil {
		loggerFrom(c).ErrorContext(c.Request.Context(), "render viewer", slog.String("template", name), slog.Any("error", err))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Internal error.\n"))
		return
	}
	c.Header("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src 'nonce-%[1]s'; style-src 'nonce-%[1]s'; "+
		"img-src 'self'; object-src 'self'; frame-src 'self'; connect-src 'self'; "+
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'", d.Nonce))
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

// viewKind says how the page shows a content type.
func viewKind(contentType string) string {
	switch ct := mediaType(contentType); {
	case ct == "application/pdf":
		return "pdf"
	case inlineImages[ct]:
		return "image"
	}
	return "download"
}

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
