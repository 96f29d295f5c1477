// Package api is Stagecraft's HTTP interface: the gin router, its
// middleware and handlers, and the OpenAPI description of it all. It speaks
// to the domain through the stagecraft package's services and never to a
// database or object store directly.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/discover"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/share"
)

// Authenticator signs users in and resolves bearer tokens.
type Authenticator interface {
	// Login signs a user in; clientKey names the client for throttling.
	Login(ctx context.Context, email, password, clientKey string) (*auth.Session, error)
	Authenticate(ctx context.Context, bearer string) (*stagecraft.User, error)
	Logout(ctx context.Context, bearer string) error
	ChangePassword(ctx context.Context, u *stagecraft.User, bearer, current, next string) error
	RequestPasswordReset(ctx context.Context, email string) error
	ResetPassword(ctx context.Context, token, next string) error
	CreateAPIToken(ctx context.Context, u *stagecraft.User, name string) (*stagecraft.APIToken, string, error)
}

// Finder finds collateral for users: search and recommendations, with
// what each user may see applied (discover.Service).
type Finder interface {
	// Find searches; see discover.Service.Find for its errors.
	Find(ctx context.Context, user *stagecraft.User, q discover.Query) (*discover.Results, error)
	// Recommend ranks assets for a deal the user may see.
	Recommend(ctx context.Context, user *stagecraft.User, dealID string, limit int) (*discover.Recommendations, error)
}

// AssetLibrary is the collateral library as users act on it: uploads
// that stream into storage, and reads that apply what each user may see
// (library.Service).
type AssetLibrary interface {
	CheckMeta(ctx context.Context, orgID string, meta *stagecraft.AssetMeta) error
	StoreFile(ctx context.Context, user *stagecraft.User, assetID, filename string, r io.Reader) (*library.StoredFile, error)
	Discard(ctx context.Context, f *library.StoredFile)
	CreateAsset(ctx context.Context, user *stagecraft.User, assetID string, meta stagecraft.AssetMeta, f *library.StoredFile) (*stagecraft.Asset, error)
	AddVersion(ctx context.Context, user *stagecraft.User, f *library.StoredFile) (*stagecraft.Asset, error)
	// FindAsset returns an asset the user may see, or ENOTFOUND.
	FindAsset(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Asset, error)
	DownloadURL(ctx context.Context, user *stagecraft.User, assetID, dealID string) (string, time.Time, error)
	OpenThumbnail(ctx context.Context, user *stagecraft.User, assetID string) (io.ReadCloser, stagecraft.BlobInfo, error)
	OpenVersion(ctx context.Context, v *stagecraft.AssetVersion) (io.ReadCloser, stagecraft.BlobInfo, error)
	// OpenAssetPage opens the image of page n of an asset the user may
	// see; ENOTFOUND when it has no such page (yet).
	OpenAssetPage(ctx context.Context, user *stagecraft.User, assetID string, n int) (io.ReadCloser, stagecraft.BlobInfo, error)
	// OpenPage opens the image of page n of a version the caller has
	// admitted to; ENOTFOUND when it has no such page (yet).
	OpenPage(ctx context.Context, v *stagecraft.AssetVersion, n int) (io.ReadCloser, stagecraft.BlobInfo, error)
	// OpenRendition opens the PDF to show for a version the caller has
	// admitted to (the file itself for PDFs); ENOTFOUND when none (yet).
	OpenRendition(ctx context.Context, v *stagecraft.AssetVersion) (io.ReadCloser, stagecraft.BlobInfo, error)
	VersionURL(ctx context.Context, v *stagecraft.AssetVersion) (string, error)
	AttachToDeal(ctx context.Context, user *stagecraft.User, dealID, assetID string) (*stagecraft.Event, error)
}

// Sharer makes tracked links, admits their visitors and records what
// they read (share.Service).
type Sharer interface {
	// CreateLink shares an asset the user may see; see share.Service.
	CreateLink(ctx context.Context, user *stagecraft.User, n stagecraft.NewLink) (*stagecraft.Link, error)
	FindLink(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Link, error)
	UpdateLink(ctx context.Context, user *stagecraft.User, id string, u stagecraft.LinkUpdate) (*stagecraft.Link, error)
	LinkVisits(ctx context.Context, user *stagecraft.User, linkID string, limit int, cursor string) ([]*stagecraft.Visit, string, error)
	DealVisits(ctx context.Context, user *stagecraft.User, dealID string, limit int, cursor string) ([]*stagecraft.Visit, string, error)

	// Admit checks a visitor's email and passcode at a protected link's
	// gate and returns their signed admission.
	Admit(l *stagecraft.SharedLink, email, passcode string) (string, error)
	// Admitted reads an admission: the visitor's email, and whether they
	// may see the document.
	Admitted(l *stagecraft.SharedLink, admission string) (string, bool)
	// Internal reports whether email is of the organisation's domains.
	Internal(ctx context.Context, orgID, email string) (bool, error)
	// RecordTime credits a viewer's report of time read.
	RecordTime(ctx context.Context, l *stagecraft.SharedLink, r *share.Reading) (*stagecraft.Visit, error)
}

// EventRecorder stores usage events by group commit.
type EventRecorder interface {
	RecordEvents(ctx context.Context, events []*stagecraft.Event) ([]stagecraft.EventOutcome, error)
}

// Check is a readiness probe of one dependency.
type Check struct {
	Name string
	Ping func(ctx context.Context) error
}

// Server holds the handlers' dependencies.
type Server struct {
	Auth      Authenticator
	Users     stagecraft.UserService
	Audit     stagecraft.AuditService
	Taxonomy  stagecraft.TaxonomyService
	Assets    stagecraft.AssetService
	Deals     stagecraft.DealService
	Links     stagecraft.LinkService
	Analytics stagecraft.AnalyticsService
	Events    EventRecorder
	Finder    Finder
	Sharer    Sharer
	Library   AssetLibrary
	// Notifications is the bell and its settings (notify.Service).
	Notifications stagecraft.NotificationService
	Settings      stagecraft.OrgSettingsService
	Deliveries    stagecraft.DeliveryService
	Checks        []Check
	// BlobHandler serves signed URLs of the local blob store under
	// /blobs/; nil when blobs are served by S3.
	BlobHandler http.Handler
	Log         *slog.Logger
	Now         stagecraft.Clock
	PublicURL   string
	// MaxUpload is the largest accepted file, in bytes.
	MaxUpload int64
	// TrustedProxies are the addresses whose X-Forwarded-For is believed
	// when finding a client's address for throttling.
	TrustedProxies []string
	// CORS says which other origins (the browser extension's) may call
	// the API; nil allows none.
	CORS *OriginPolicy
	// WebApp is the built single-page app, served at every path outside
	// the API's (see handleWebApp); nil serves no app.
	WebApp fs.FS

	// resetLimit slows password reset requests per client, so the
	// endpoint cannot be used to flood someone's inbox.
	resetLimit *rateLimiter
}

// Password reset requests per client address and server replica.
const resetsPerMinute, resetBurst = 5, 5

// maxJSONBody caps JSON request bodies.
const maxJSONBody = 1 << 20

// requestTimeout bounds the work of an API request, so that a database
// that hangs (rather than fails) cannot pile up requests. Uploads and
// previews are exempt: a large file on a slow link takes as long as it
// takes.
const requestTimeout = 30 * time.Second

// deadline gives the request's context a deadline of requestTimeout
// (routes.go says which routes have it).
func (s *Server) deadline(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), requestTimeout)
	defer cancel()
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// Handler returns the router with every route.
func (s *Server) Handler() (http.Handler, error) {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.ContextWithFallback = true
	r.HandleMethodNotAllowed = true
	if err := r.SetTrustedProxies(s.TrustedProxies); err != nil {
		return nil, fmt.Errorf("trusted proxies: %w", err)
	}
	r.Use(s.requestContext, securityHeaders, noStore, s.cors)
	if s.WebApp != nil {
		// The app's pages are not routes: its router owns them, so any
		// path the API does not claim may be one.
		r.NoRoute(newWebApp(s.WebApp, s.Log).handleWebApp)
	} else {
		r.NoRoute(noRoute)
	}
	r.NoMethod(noMethod)

	s.resetLimit = newRateLimiter(resetsPerMinute, resetBurst, maxTrackedClients, s.now)
	s.routes(r)
	return r, nil
}

// bindJSON decodes a JSON body into v, refusing unknown fields, trailing
// data, bodies over maxJSONBody and text PostgreSQL cannot store (NUL),
// with a message naming what is wrong.
func bindJSON(c *gin.Context, v any) error {
	ct := c.ContentType()
	if ct != "" && ct != "application/json" {
		return stagecraft.Errorf(stagecraft.EUNSUPPORTED, "Content-Type must be application/json.")
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxJSONBody))
	if err != nil {
		return jsonError(err)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return stagecraft.Errorf(stagecraft.EINVALID, "request body must hold a single JSON value.")
	}
	return storableBody(body)
}

// storableBody refuses a JSON body holding a NUL character in any string:
// no field takes one, and PostgreSQL refuses it in text, so it is a 400
// naming the field rather than a failed statement. Only bodies with the
// escape are decoded again.
func storableBody(body []byte) error {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	var doc any
	// The typed decode accepted the body, so this one does too.
	_ = json.Unmarshal(body, &doc)
	if m, ok := doc.(map[string]any); ok {
		for k, v := range m {
			if !stagecraft.StorableText(k) {
				return stagecraft.CheckStorableJSON("body", doc)
			}
			if err := stagecraft.CheckStorableJSON(k, v); err != nil {
				return err
			}
		}
		return nil
	}
	return stagecraft.CheckStorableJSON("body", doc)
}

// normalizer is a request body that tidies and checks itself.
type normalizer interface {
	Normalize()
	Validate() error
}

// bindValid decodes a JSON body as bindJSON does, then normalises and
// validates it.
func bindValid(c *gin.Context, v normalizer) error {
	if err := bindJSON(c, v); err != nil {
		return err
	}
	v.Normalize()
	return v.Validate()
}

func jsonError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case isMaxBytes(err):
		return stagecraft.Errorf(stagecraft.ETOOLARGE, "request body is larger than %d bytes.", maxJSONBody)
	case errors.Is(err, io.EOF):
		return stagecraft.Errorf(stagecraft.EINVALID, "request body is empty; a JSON object is required.")
	case errors.As(err, &syn):
		return stagecraft.Errorf(stagecraft.EINVALID, "request body is not valid JSON (at byte %d).", syn.Offset)
	case errors.As(err, &typ):
		return stagecraft.Errorf(stagecraft.EINVALID, "%s: expected %s.", fieldName(typ.Field), typ.Type).
			WithDetails(map[string]any{"field": fieldName(typ.Field)})
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return stagecraft.Errorf(stagecraft.EINVALID, "%s: unknown field.", f).
			WithDetails(map[string]any{"field": f})
	case errors.Is(err, io.ErrUnexpectedEOF):
		return stagecraft.Errorf(stagecraft.EINVALID, "request body is not valid JSON (it ends too soon).")
	}
	var se *stagecraft.Error
	if errors.As(err, &se) {
		return se
	}
	return stagecraft.Errorf(stagecraft.EINVALID, "request body is not valid JSON: %v.", err)
}

func fieldName(f string) string {
	if f == "" {
		return "body"
	}
	return f
}

// listParams reads ?limit= (default 20, max 100) and ?offset=.
func listParams(c *gin.Context) (limit, offset int, err error) {
	limit, offset = 20, 0
	if v := c.Query("limit"); v != "" {
		if _, err := fmt.Sscan(v, &limit); err != nil || limit < 1 || limit > 100 {
			return 0, 0, stagecraft.Errorf(stagecraft.EINVALID, "limit must be a whole number from 1 to 100.")
		}
	}
	if v := c.Query("offset"); v != "" {
		if _, err := fmt.Sscan(v, &offset); err != nil || offset < 0 || offset > 1_000_000 {
			return 0, 0, stagecraft.Errorf(stagecraft.EINVALID, "offset must be a whole number of at least 0.")
		}
	}
	return limit, offset, nil
}

// cursorParams reads ?limit= (default 20, max 100) and ?cursor= of a list
// paged by cursor.
func cursorParams(c *gin.Context) (limit int, cursor string, err error) {
	limit, _, err = listParams(c)
	cursor = c.Query("cursor")
	if err == nil && len(cursor) > 512 {
		err = stagecraft.Errorf(stagecraft.EINVALID, "cursor is not one this server gave.").
			WithDetails(map[string]any{"field": "cursor"})
	}
	return limit, cursor, err
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// page answers a list endpoint whose items are few enough to fetch whole
// (a user's tokens, an organisation's tokens, an asset's versions): it
// applies ?limit= and ?offset= and reports the total, so nothing past the
// page is lost from sight. Lists that grow with the organisation (users,
// deals, links) page in the database instead.
func page[T any](c *gin.Context, items []T) {
	limit, offset, err := listParams(c)
	if err != nil {
		Error(c, err)
		return
	}
	total := len(items)
	items = items[min(offset, total):min(offset+limit, total)]
	if items == nil {
		items = []T{}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total})
}
