// Package wire builds Stagecraft's services and HTTP server from its
// adapters. The server command and the end-to-end tests both call Build,
// so what the tests run is what production runs: the same services, the
// same throttles, the same cache lifetimes.
package wire

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/discover"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/indexer/convert"
	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/internal/outbound"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/notify"
	"github.com/stagecraft/stagecraft/share"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// Deps are the adapters and settings the services are built over.
type Deps struct {
	DB     *postgres.DB
	Blobs  stagecraft.BlobStore
	Search stagecraft.SearchIndex
	// BlobHandler serves the local blob store's signed URLs; nil for S3.
	BlobHandler http.Handler
	Log         *slog.Logger
	Now         stagecraft.Clock

	PublicURL      string
	MaxUpload      int64 // bytes
	JWTSecret      []byte
	JWTTTL         time.Duration
	Mailer         stagecraft.Mailer // nil: mail is off
	CORS           *api.OriginPolicy
	TrustedProxies []string
	WebApp         fs.FS // nil: no web app
	// WorkerID names the index worker in job leases.
	WorkerID string
	// OutboundAllowPrivate lets outgoing URLs (Slack, webhooks) reach
	// loopback, private and link-local addresses.
	OutboundAllowPrivate bool
	// Convert bounds page previews (zero fields: convert's defaults);
	// Soffice is LibreOffice's binary ("" = soffice on PATH).
	Convert convert.Limits
	Soffice string
}

// Services are the built services and the server over them.
type Services struct {
	Library  *library.Service
	Auth     *auth.Service
	Discover *discover.Service
	Share    *share.Service
	Indexer  *indexer.Worker
	Notify   *notify.Service
	Previews *indexer.PreviewWorker
	// Converter makes the page previews; CanConvert tells whether
	// LibreOffice is installed.
	Converter *convert.Converter
	Search    stagecraft.SearchIndex
	API       *api.Server
}

// Settings that are policy rather than configuration: the same for every
// deployment, and so for the tests.
const (
	// Five wrong passwords for one email from one client pause that pair;
	// fifty from one client, over any emails, pause the client.
	pairFailures, clientFailures = 5, 50
	failureWindow                = 15 * time.Minute
	lockout                      = 5 * time.Minute
	// Other replicas see a revocation, a disabled user or a role change
	// within this time.
	credentialCache = 10 * time.Second
	// Download URLs work this long.
	urlTTL = 5 * time.Minute
	// An upload with no row after this long was abandoned.
	orphanAge = 24 * time.Hour
	// A user on the daily digest gets at most one this often; the queue
	// looks for digests due every digestCheck.
	digestEvery, digestCheck = 24 * time.Hour, 10 * time.Minute
	// One Slack-format (or webhook) request may take this long.
	outboundTimeout = 10 * time.Second
)

// subkey derives a key for one purpose from the server's secret, so that
// a value signed for one purpose is never accepted for another.
func subkey(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("stagecraft " + purpose))
	return m.Sum(nil)
}

// Build wires the services over d.
func Build(d Deps) *Services {
	now := d.Now
	if now == nil {
		now = time.Now
	}
	s := &Services{Search: d.Search}
	s.Indexer = &indexer.Worker{
		Store: d.DB, Blobs: d.Blobs, Search: d.Search, Extractor: extract.New(extract.DefaultLimits()),
		Log: d.Log, Now: now, ID: d.WorkerID,
		Lease: 10 * time.Minute, MaxAttempts: 8, Poll: 2 * time.Second,
	}
	conv := convert.New(d.Convert, d.Soffice)
	s.Converter = conv
	s.Previews = &indexer.PreviewWorker{
		Store: d.DB, Blobs: d.Blobs, Renderer: conv, Thumbnails: s.Indexer.Extractor, Log: d.Log, Now: now,
		ID: d.WorkerID, MaxAttempts: 8, Poll: 2 * time.Second,
		// Longer than a conversion and a rendering at their limits, plus
		// the uploads of the pages.
		Lease: 2*convertTimeout(d.Convert) + 5*time.Minute,
	}
	s.Library = &library.Service{
		Assets: d.DB, Taxonomy: d.DB, Events: d.DB, Deals: d.DB, Blobs: d.Blobs, Log: d.Log, Now: now,
		MaxUpload: d.MaxUpload, URLTTL: urlTTL, OrphanAge: orphanAge,
	}
	s.Auth = &auth.Service{
		Users: d.DB, Audit: d.DB, Log: d.Log, Mailer: d.Mailer, PublicURL: d.PublicURL,
		EmailClient: &postgres.Throttle{DB: d.DB, Max: pairFailures, Window: failureWindow, Lockout: lockout},
		Client:      &postgres.Throttle{DB: d.DB, Max: clientFailures, Window: failureWindow, Lockout: lockout},
		Tokens:      &auth.JWT{Secret: d.JWTSecret, TTL: d.JWTTTL, Now: now},
		CacheTTL:    credentialCache,
	}
	s.Discover = &discover.Service{Search: d.Search, Assets: d.DB, Deals: d.DB, Taxonomy: d.DB, Analytics: d.DB, Now: now}
	s.Notify = &notify.Service{
		Store: d.DB, Mailer: d.Mailer, Guard: &outbound.Guard{AllowPrivate: d.OutboundAllowPrivate},
		HTTPTimeout: outboundTimeout, PublicURL: d.PublicURL, DigestEvery: digestEvery,
		Backoff: notify.Backoff, Log: d.Log, Now: now,
	}
	s.Share = &share.Service{Assets: s.Library, Deals: d.DB, Links: d.DB, Settings: d.DB, Now: now,
		PublicURL: d.PublicURL, Key: subkey(d.JWTSecret, "link admissions")}
	s.API = &api.Server{
		Auth: s.Auth, Users: d.DB, Audit: d.DB, Taxonomy: d.DB, Assets: d.DB, Deals: d.DB, Links: d.DB,
		Analytics: d.DB, Events: d.DB, Library: s.Library, Finder: s.Discover, Sharer: s.Share,
		BlobHandler: d.BlobHandler, Log: d.Log, Now: now, PublicURL: d.PublicURL, MaxUpload: d.MaxUpload,
		TrustedProxies: d.TrustedProxies, CORS: d.CORS, WebApp: d.WebApp,
		Notifications: s.Notify, Settings: d.DB, Deliveries: d.DB,
		Checks: []api.Check{
			{Name: "postgres", Ping: d.DB.Ping},
			{Name: "storage", Ping: d.Blobs.Ping},
			{Name: "search", Ping: d.Search.Ping},
		},
	}
	return s
}

// QueueOptions tune the delivery queue; zero values take the defaults.
type QueueOptions struct {
	Workers int
	// Poll is how often the queue looks for jobs besides insert
	// notifications (tests shorten it).
	Poll time.Duration
	// Backoff replaces notify.Backoff (tests shorten it).
	Backoff func(attempt int) time.Duration
}

// StartQueue starts the workers of the durable queue over db: deliveries
// (mail, Slack-format) and the daily digests. Jobs committed before a
// restart are worked after it. Stop the queue before closing db.
func (s *Services) StartQueue(ctx context.Context, db *postgres.DB, o QueueOptions) (*postgres.Queue, error) {
	backoff := o.Backoff
	if backoff == nil {
		backoff = notify.Backoff
	}
	s.Notify.Backoff = backoff
	return db.StartQueue(ctx, postgres.QueueConfig{
		Deliver: func(ctx context.Context, j postgres.DeliveryJob) error {
			return s.Notify.Deliver(ctx, j.DeliveryID, j.Attempt, j.Final)
		},
		Backoff:     backoff,
		Digest:      s.Notify.SendDigests,
		DigestEvery: digestCheck,
		Workers:     o.Workers,
		Poll:        o.Poll,
		Timeout:     time.Minute,
		Log:         s.Notify.Log,
	})
}

// convertTimeout is the time limit of one conversion step under l.
func convertTimeout(l convert.Limits) time.Duration {
	if l.Timeout > 0 {
		return l.Timeout
	}
	return convert.DefaultTimeout
}
