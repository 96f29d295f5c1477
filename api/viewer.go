package api

import (
	"context"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
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
	maxTrackedClients             = 100_000
)

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
	renderPage(c, http.StatusOK, "page.html", &viewerData{
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
			Error(c, err)
			return
		}
		c.Redirect(http.StatusFound, url)
		return
	}
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
