package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/frontend"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/indexer/convert"
	"github.com/stagecraft/stagecraft/indexer/meili"
	"github.com/stagecraft/stagecraft/internal/wire"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/smtp"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// App is the wired application: the adapters and the services over them.
type App struct {
	Config  Config
	Log     *slog.Logger
	DB      *postgres.DB
	Blobs   stagecraft.BlobStore
	Library *library.Service
	Auth    *auth.Service
	API     *api.Server
	Search  stagecraft.SearchIndex
	Indexer *indexer.Worker
	// Services are the wired services (the delivery queue starts over them).
	Services *wire.Services
	// Mailer is nil when mail is off (no SMTP_URL).
	Mailer stagecraft.Mailer
	// Previews makes page previews; Converter tells whether LibreOffice
	// is installed.
	Previews  *indexer.PreviewWorker
	Converter *convert.Converter
}

// openApp connects to the database and the blob store and wires the
// services. It does not migrate.
func openApp(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	if err := cfg.ensureJWTSecret(); err != nil {
		return nil, err
	}
	if cfg.jwtSecretGenerated && cfg.Storage == "s3" {
		log.Warn("JWT_SECRET is not set: using a secret generated in DATA_DIR; set JWT_SECRET when running several replicas")
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	blobs, blobHandler, err := openBlobs(ctx, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	search, err := openSearch(ctx, cfg, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	cors, err := api.NewOriginPolicy(cfg.CORSOrigins)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("CORS_ORIGINS: %w", err)
	}
	var mailer stagecraft.Mailer
	if cfg.SMTPURL != "" {
		m, err := smtp.New(smtp.Config{URL: cfg.SMTPURL, From: cfg.MailFrom})
		if err != nil {
			db.Close()
			return nil, fmt.Errorf("SMTP_URL: %w", err)
		}
		mailer = m
	}
	host, _ := os.Hostname()
	svc := wire.Build(wire.Deps{
		DB: db, Blobs: blobs, Search: search, BlobHandler: blobHandler, Log: log, Now: time.Now,
		PublicURL: cfg.PublicURL, MaxUpload: cfg.MaxUploadMB << 20, JWTSecret: cfg.JWTSecret, JWTTTL: cfg.JWTTTL,
		CORS: cors, TrustedProxies: cfg.TrustedProxies, WebApp: frontend.WebApp(),
		WorkerID: fmt.Sprintf("%s/%d", host, os.Getpid()), Mailer: mailer,
		OutboundAllowPrivate: cfg.OutboundAllowPrivate,
		Convert: convert.Limits{Timeout: cfg.ConvertTimeout, MaxMemory: cfg.ConvertMaxMemoryMB << 20,
			MaxPages: cfg.PreviewMaxPages},
		Soffice: cfg.SofficePath,
	})
	app := &App{Config: cfg, Log: log, DB: db, Blobs: blobs, Search: search,
		Library: svc.Library, Auth: svc.Auth, API: svc.API, Indexer: svc.Indexer, Services: svc, Mailer: mailer,
		Previews: svc.Previews, Converter: svc.Converter}
	return app, nil
}

// Close releases the connections.
func (a *App) Close() { a.DB.Close() }

func openBlobs(ctx context.Context, cfg Config) (stagecraft.BlobStore, http.Handler, error) {
	switch cfg.Storage {
	case "s3":
		s3, err := blob.NewS3(ctx, blob.S3Config{
			Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
			Bucket: cfg.S3Bucket, UseSSL: cfg.S3UseSSL, Region: cfg.S3Region,
		})
		if err != nil {
			return nil, nil, fmt.Errorf("object storage (S3_ENDPOINT=%s): %w", cfg.S3Endpoint, err)
		}
		return s3, nil, nil
	default:
		// Signed local URLs use a key derived from the JWT secret, so no
		// second secret needs managing.
		mac := hmac.New(sha256.New, cfg.JWTSecret)
		mac.Write([]byte("stagecraft blob urls"))
		dir := filepath.Join(cfg.DataDir, "blobs")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, nil, fmt.Errorf("DATA_DIR: %w", err)
		}
		local, err := blob.NewLocal(dir, cfg.PublicURL, mac.Sum(nil))
		if err != nil {
			return nil, nil, fmt.Errorf("local storage in %s: %w", dir, err)
		}
		return local, local.Handler(), nil
	}
}

// openSearch returns the configured search backend.
func openSearch(ctx context.Context, cfg Config, db *postgres.DB) (stagecraft.SearchIndex, error) {
	if cfg.Search != "meilisearch" {
		return &postgres.Search{DB: db}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	idx, err := meili.New(ctx, meili.Config{URL: cfg.MeiliURL, APIKey: cfg.MeiliAPIKey})
	if err != nil {
		return nil, fmt.Errorf("search (MEILI_URL=%s): %w", cfg.MeiliURL, err)
	}
	return idx, nil
}

// bootstrap creates the first organisation and admin from ADMIN_EMAIL and
// ADMIN_PASSWORD when the database has no organisation yet.
func (a *App) bootstrap(ctx context.Context) error {
	if a.Config.AdminEmail == "" {
		return nil
	}
	n, err := a.DB.CountOrganisations(ctx)
	if err != nil || n > 0 {
		return err
	}
	_, u, err := createOrg(ctx, a.DB, "Default organisation", a.Config.AdminEmail, a.Config.AdminPassword, "Admin")
	if err != nil {
		return fmt.Errorf("bootstrap from ADMIN_EMAIL: %w", err)
	}
	a.Log.Info("created the first organisation and its admin", slog.String("email", u.Email))
	return nil
}

func createOrg(ctx context.Context, db *postgres.DB, name, email, password, adminName string) (*stagecraft.Organisation, *stagecraft.User, error) {
	admin := stagecraft.NewUser{Email: email, Name: adminName, Role: stagecraft.RoleAdmin, Password: password}
	admin.Normalize()
	if err := admin.Validate(); err != nil {
		return nil, nil, err
	}
	if name == "" {
		return nil, nil, stagecraft.Errorf(stagecraft.EINVALID, "--name is required.")
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return nil, nil, err
	}
	return db.CreateOrganisation(ctx, name, admin, hash)
}

// sweepLoop deletes orphaned uploads every interval until ctx ends.
func (a *App) sweepLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := a.Library.Sweep(ctx)
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("sweep orphaned uploads", slog.Any("error", err))
		} else if n > 0 {
			a.Log.Info("swept orphaned uploads", slog.Int("objects", n))
		}
		// S3 keeps the parts of a multipart upload that failed while the
		// store was unreachable; abort them once it answers again.
		if s3, ok := a.Blobs.(interface{ AbortFailedUploads(context.Context) error }); ok {
			if err := s3.AbortFailedUploads(ctx); err != nil && ctx.Err() == nil {
				a.Log.Warn("abort failed multipart uploads", slog.Any("error", err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// analyticsLoop keeps the analytics rollups current in the background, so
// that reads rarely have changes to fold in first. A large backlog (after
// an import or an upgrade) is worked through chunk by chunk, and logged
// when done.
func (a *App) analyticsLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		backlog, err := a.DB.AnalyticsBacklog(ctx)
		if err != nil && ctx.Err() == nil {
			a.Log.Warn("analytics backlog", slog.Any("error", err))
		}
		for org, marks := range backlog {
			start := time.Now()
			n, err := a.DB.RefreshAnalytics(ctx, org)
			if err == nil {
				err = a.DB.PruneAnalytics(ctx, org)
			}
			switch {
			case err != nil && ctx.Err() == nil:
				a.Log.Warn("refresh analytics", slog.String("org_id", org), slog.Any("error", err))
			case marks >= 10000:
				a.Log.Info("analytics caught up", slog.String("org_id", org), slog.Int("changes", n),
					slog.Duration("took", time.Since(start)))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// runQueue works the durable queue (mail, Slack-format messages, daily
// digests) until ctx ends, then stops it: running deliveries get a few
// seconds to finish; any cut short is tried again after the restart.
func (a *App) runQueue(ctx context.Context, g *errgroup.Group) error {
	if a.Mailer == nil {
		a.Log.Info("mail is off: SMTP_URL is not set; notifications still show in the app and go to Slack")
	} else if m, ok := a.Mailer.(*smtp.Mailer); ok {
		a.Log.Info("mail is on", slog.String("smtp", m.Addr()), slog.String("from", a.Config.MailFrom))
	}
	if a.Config.OutboundAllowPrivate {
		a.Log.Warn("OUTBOUND_ALLOW_PRIVATE is on: Slack and webhook URLs may reach loopback and private addresses")
	}
	q, err := a.Services.StartQueue(ctx, a.DB, wire.QueueOptions{Workers: a.Config.DeliveryWorkers})
	if err != nil {
		return err
	}
	g.Go(func() error {
		<-ctx.Done()
		stop, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return q.Stop(stop)
	})
	return nil
}
