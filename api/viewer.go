package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/share"
)

// The public viewer of share links: GET /l/:token shows the document and
// records an open, GET /l/:token/file serves its bytes, POST
// /l/:token/events takes the page's viewing-time beacons. Nothing here
// needs a session: the token is the whole credential.

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
	// Page images: a reader scrolling a long deck fetches many at once.
	imagesPerMinute, imageBurst = 600, 200
	// Gate attempts: enough for typos, far too few to guess a passcode.
	accessPerMinute, accessBurst = 5, 5
	maxTrackedClients            = 100_000
)

// inlineImages are the image types shown in the page. Others (SVG above
// all, which can carry script) are offered as downloads.
var inlineImages = map[string]bool{
	"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true, "image/avif": true,
}

type publicLimits struct {
	pages, beacons, misses, images, access *rateLimiter
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
		images:  newRateLimiter(imagesPerMinute, imageBurst, maxTrackedClients, s.now),
		access:  newRateLimiter(accessPerMinute, accessBurst, maxTrackedClients, s.now),
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
	Error(c, &stagecraft.Error{Code: stagecraft.ERATELIMITED,
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
		Error(c, err)
		return nil, nil, false
	} else if err != nil {
		Error(c, err)
		return nil, nil, false
	}
	now := v.s.now()
	if gone, msg := l.Gone(now); gone {
		Error(c, stagecraft.Errorf(stagecraft.EGONE, "%s", msg))
		return nil, nil, false
	}
	a, err := v.s.Assets.FindAssetByID(ctx, l.OrgID, l.AssetID)
	if err == nil && (a.Status == stagecraft.StatusArchived || (a.ExpiresAt != nil && !a.ExpiresAt.After(now))) {
		err = stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset archived or expired.")
	}
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		// Say nothing about the asset: to the viewer the link is gone.
		Error(c, stagecraft.Errorf(stagecraft.EGONE, "This link is no longer available."))
		return nil, nil, false
	} else if err != nil {
		Error(c, err)
		return nil, nil, false
	}
	return l, a, true
}

// The cookies of a link's visitor, both scoped to the link's path: the
// signed admission to a protected link, and a random id that tells one
// browser's visits from another's.
const (
	admissionCookie = "sc_admit"
	browserCookie   = "sc_vid"
	browserIDMaxAge = 365 * 24 * 3600
)

// admitted reports whether the request's visitor may see the document
// of l, and their admitted email ("" when none was given).
func (v *viewer) admitted(c *gin.Context, l *stagecraft.SharedLink) (string, bool) {
	cookie, _ := c.Cookie(admissionCookie) // none: ""
	return v.s.Sharer.Admitted(l, cookie)
}

// requireAdmission answers 401 and returns false when the visitor has
// not passed l's gate: nothing of a protected document is served before.
func (v *viewer) requireAdmission(c *gin.Context, l *stagecraft.SharedLink) (string, bool) {
	email, ok := v.admitted(c, l)
	if !ok {
		Error(c, stagecraft.Errorf(stagecraft.EUNAUTHORIZED, "Enter your email or the passcode on the link's page first."))
	}
	return email, ok
}

// setLinkCookie sets a cookie of the link's path: HttpOnly, SameSite=Lax
// (the link is opened from mail and chat), Secure when served over TLS.
func (v *viewer) setLinkCookie(c *gin.Context, l *stagecraft.SharedLink, name, value string, maxAge int) {
	secure := strings.HasPrefix(v.s.PublicURL, "https://") || c.Request.TLS != nil
	//nolint:gosec // G124: Secure follows the scheme; a plain-HTTP install (a laptop, a LAN) must still admit visitors
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/l/" + l.Token, MaxAge: maxAge,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// browserID returns the visitor's browser id for the link, setting one
// when the browser has none.
func (v *viewer) browserID(c *gin.Context, l *stagecraft.SharedLink) string {
	if id, err := c.Cookie(browserCookie); err == nil && validBrowserID(id) {
		return id
	}
	id := randomID()
	v.setLinkCookie(c, l, browserCookie, id, browserIDMaxAge)
	return id
}

func validBrowserID(s string) bool {
	if len(s) != 32 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// handlePage handles GET (and HEAD) /l/:token: the viewer page, or the
// gate of a protected link. Every showing of the document records a
// link_open event, flagged as excluded when a bot (see detectBot) or a
// visitor of the organisation's own domains opened it, with a coarse,
// per-link hash of the client's network and the browser family, never
// the address or full User-Agent.
func (v *viewer) handlePage(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	v.browserID(c, l)
	email, admitted := v.admitted(c, l)
	if !admitted {
		renderPage(c, http.StatusOK, "gate.html", v.gateData(l, a, "", ""))
		return
	}
	ctx := c.Request.Context()
	d := v.pageData(l, a)
	if d.Kind == "pending" && c.Query("waiting") != "" {
		// The page reloading itself while the pages are prepared: the
		// open was counted on the first load.
		renderPage(c, http.StatusOK, "page.html", d)
		return
	}
	ua := c.Request.UserAgent()
	bot, why := detectBot(c.Request)
	meta := map[string]any{"ua_family": uaFamily(ua), "ip_hash": networkHash(l.Token, c.ClientIP())}
	if bot {
		meta["bot_reason"], meta["excluded"] = why, "bot"
	} else if internal, err := v.s.Sharer.Internal(ctx, l.OrgID, email); err != nil {
		loggerFrom(c).WarnContext(ctx, "internal domains", slog.String("link_id", l.ID), slog.Any("error", err))
	} else if internal {
		bot, meta["excluded"] = true, "internal"
	}
	ver := a.CurrentVersion
	err := v.s.Links.RecordLinkOpen(ctx, &stagecraft.LinkOpen{
		Link: &l.Link, VersionID: ver.ID, At: v.s.now().UTC(), Bot: bot, Meta: meta})
	if err != nil {
		// The prospect still sees the document; the open is lost.
		loggerFrom(c).ErrorContext(ctx, "record link open", slog.String("link_id", l.ID), slog.Any("error", err))
	}
	renderPage(c, http.StatusOK, "page.html", d)
}

// pageData describes the document page of l. URLs are relative to
// /l/<token>, so the page works under any prefix.
func (v *viewer) pageData(l *stagecraft.SharedLink, a *stagecraft.Asset) *viewerData {
	ver, token := a.CurrentVersion, l.Token
	d := &viewerData{
		Title: a.Title, OrgName: l.OrgName, OrgInitial: initial(l.OrgName), SharerName: l.SharerName,
		Kind: viewKind(ver), ViewURL: token + "/view", BeaconURL: token + "/events", SessionID: randomID(),
		WaitURL:  token + "?waiting=1",
		Filename: ver.Filename, Size: humanSize(ver.Size), TypeLabel: typeLabel(a.Type),
		Preview: string(ver.Preview.Status), PreviewError: ver.Preview.Error,
	}
	if l.AllowDownload {
		d.DownloadURL = token + "/file?download=1"
	}
	if d.Kind == "pages" {
		d.Pages = make([]viewerPage, ver.Preview.Pages)
		for i := range d.Pages {
			p := viewerPage{N: i + 1, URL: fmt.Sprintf("%s/pages/%d", token, i+1)}
			if i < len(ver.Preview.PageSizes) {
				p.Width, p.Height = ver.Preview.PageSizes[i].Width, ver.Preview.PageSizes[i].Height
			}
			if p.Width <= 0 || p.Height <= 0 {
				p.Width, p.Height = 1400, 1050 // a slide's shape until known
			}
			d.Pages[i] = p
		}
	}
	d.PageCount = pageCount(ver)
	return d
}

// pageCount is the number of pages a viewer of v can report on, 0 when
// not known yet (a PDF not yet read).
func pageCount(v *stagecraft.AssetVersion) int {
	switch kind := viewKind(v); {
	case kind == "pages":
		return v.Preview.Pages
	case kind != "pdf":
		return 1
	case v.PageCount != nil && *v.PageCount > 0:
		return *v.PageCount
	}
	return 0
}

// gateData describes the gate of a protected link, with a message for
// a failed attempt.
func (v *viewer) gateData(l *stagecraft.SharedLink, a *stagecraft.Asset, email, message string) *viewerData {
	return &viewerData{
		Title: a.Title, OrgName: l.OrgName, OrgInitial: initial(l.OrgName), SharerName: l.SharerName,
		AccessURL: l.Token + "/access", NeedEmail: l.RequireEmail, NeedPasscode: l.PasscodeHash != "",
		Email: email, Message: message, TypeLabel: typeLabel(a.Type),
	}
}

// accessRequest is the body of POST /l/:token/access.
type accessRequest struct {
	Email    string `json:"email" form:"email"`
	Passcode string `json:"passcode" form:"passcode"`
}

// handleAccess handles POST /l/:token/access: a visitor gives their email
// and the passcode at a protected link's gate. Admitted → 204 and the
// admission cookie; a wrong passcode → 403. The page posts JSON; a
// browser without script posts the form, and gets the page back (303)
// or the gate again with the reason.
func (v *viewer) handleAccess(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	form := c.ContentType() == "application/x-www-form-urlencoded"
	fail := func(err error) {
		if !form {
			Error(c, err)
			return
		}
		status := codes[stagecraft.ErrorCode(err)]
		if status == 0 {
			status = http.StatusInternalServerError
		}
		if e, ok := stagecraft.AsError(err); ok && e.RetryAfter > 0 {
			c.Header("Retry-After", strconv.Itoa(int(e.RetryAfter.Seconds())+1))
		}
		renderPage(c, status, "gate.html", v.gateData(l, a, c.PostForm("email"), stagecraft.ErrorMessage(err)))
	}
	if ok, wait := v.limits.access.allow(clientKey(c.ClientIP())); !ok {
		fail(&stagecraft.Error{Code: stagecraft.ERATELIMITED,
			Message: "Too many attempts; please wait a minute and try again.", RetryAfter: wait})
		return
	}
	var req accessRequest
	if form {
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxBeaconBody)
		if err := c.ShouldBind(&req); err != nil {
			fail(stagecraft.Errorf(stagecraft.EINVALID, "The form could not be read."))
			return
		}
	} else if err := bindJSON(c, &req); err != nil {
		Error(c, err)
		return
	}
	admission, err := v.s.Sharer.Admit(l, req.Email, req.Passcode)
	if err != nil {
		fail(err)
		return
	}
	v.setLinkCookie(c, l, admissionCookie, admission, int(share.AdmissionTTL/time.Second))
	if form {
		c.Redirect(http.StatusSeeOther, "../"+l.Token)
		return
	}
	c.Status(http.StatusNoContent)
}

// handleFile handles GET /l/:token/file[?download=1]: the original file,
// for links that allow downloads, to admitted visitors. PDFs and images
// are streamed from this origin with an inline disposition; anything
// else, and any ?download=1, redirects to a short-lived signed URL. No
// open is recorded: the page did that.
func (v *viewer) handleFile(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	if _, ok := v.requireAdmission(c, l); !ok {
		return
	}
	if !l.AllowDownload {
		Error(c, stagecraft.Errorf(stagecraft.EFORBIDDEN, "The person who shared this document turned downloads off."))
		return
	}
	ver := a.CurrentVersion
	if inline := viewKind(ver); c.Query("download") != "" || (inline != "pdf" && inline != "image") {
		url, err := v.s.Library.VersionURL(c.Request.Context(), ver)
		if err != nil {
			Error(c, err)
			return
		}
		c.Redirect(http.StatusFound, url)
		return
	}
	v.stream(c, l, ver)
}

// handleView handles GET /l/:token/view: the file for the page itself to
// show inline (a PDF without page images yet, an image, a video), to
// admitted visitors, downloads allowed or not. Other kinds are 404.
func (v *viewer) handleView(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	if _, ok := v.requireAdmission(c, l); !ok {
		return
	}
	switch viewKind(a.CurrentVersion) {
	case "pdf", "image", "video":
		v.stream(c, l, a.CurrentVersion)
	default:
		Error(c, stagecraft.Errorf(stagecraft.ENOTFOUND, "This file is not shown in the page."))
	}
}

// stream sends a version's bytes from this origin, inline. The file is
// the sharer's upload: whatever it is, and however it is opened, it may
// run nothing here (as a staff preview). Only the viewer page may frame it.
func (v *viewer) stream(c *gin.Context, l *stagecraft.SharedLink, ver *stagecraft.AssetVersion) {
	rc, info, err := v.s.Library.OpenVersion(c.Request.Context(), ver)
	if err != nil {
		loggerFrom(c).WarnContext(c.Request.Context(), "open shared file", slog.String("link_id", l.ID), slog.Any("error", err))
		Error(c, err)
		return
	}
	defer func() { _ = rc.Close() }() // read-only: a close error loses nothing
	disposition := mime.FormatMediaType("inline", map[string]string{"filename": ver.Filename})
	if disposition == "" {
		disposition = "inline"
	}
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", previewCSP+"; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN") // the page frames PDFs
	h.Set("Cache-Control", "private, no-store")
	size := info.Size
	if size <= 0 {
		size = -1
	}
	c.DataFromReader(http.StatusOK, size, mediaType(ver.ContentType), rc, map[string]string{"Content-Disposition": disposition})
}

// handlePageImage handles GET /l/:token/pages/:n: the image of page n of
// the current version's preview, to admitted visitors. Images are named
// by version, so a browser may keep them for a while.
func (v *viewer) handlePageImage(c *gin.Context) {
	l, a, ok := v.resolve(c)
	if !ok {
		return
	}
	if _, ok := v.requireAdmission(c, l); !ok {
		return
	}
	n, err := strconv.Atoi(c.Param("n"))
	ver := a.CurrentVersion
	if err != nil || n < 1 || ver.Preview.Status != stagecraft.PreviewReady || n > ver.Preview.Pages {
		Error(c, stagecraft.Errorf(stagecraft.ENOTFOUND, "No such page."))
		return
	}
	rc, info, err := v.s.Library.OpenPage(c.Request.Context(), ver, n)
	if err != nil {
		Error(c, err)
		return
	}
	defer func() { _ = rc.Close() }() // read-only: a close error loses nothing
	ct := info.ContentType
	if ct == "" {
		ct = "image/jpeg"
	}
	c.Header("Cache-Control", "private, max-age=3600")
	size := info.Size
	if size <= 0 {
		size = -1
	}
	c.DataFromReader(http.StatusOK, size, ct, rc, nil)
}
