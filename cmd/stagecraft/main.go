// Command stagecraft runs the Stagecraft content hub.
//
//	stagecraft serve        API, web app and built-in background worker
//	stagecraft worker       background work only (orphan sweeping, indexing)
//	stagecraft migrate      apply database migrations
//	stagecraft reindex      rebuild the search index, showing progress
//	stagecraft org create   --name N --admin-email E --admin-password P
//	stagecraft demo         create the demo organisation (idempotent)
//	stagecraft healthcheck  probe a running server (container health checks)
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sync/errgroup"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

const usage = `usage: stagecraft <command> [flags]

commands:
  serve                 run the API and the built-in background worker
  worker                run the background worker only
  migrate               apply database migrations and exit
  reindex               rebuild the search index from PostgreSQL and storage [--keep-text]
  org create            create an organisation: --name N --admin-email E --admin-password P
  demo                  create the demo organisation with demo content (idempotent)
  healthcheck           exit 0 when the server on LISTEN_ADDR answers /healthz (for containers)
`

// run is main without the process: tests call it with their own
// environment and output.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "stagecraft: invalid configuration:\n  %s\n", strings.ReplaceAll(err.Error(), "\n", "\n  "))
		return 2
	}
	log := newLogger(cfg, stderr)
	switch args[0] {
	case "serve":
		err = cmdServe(ctx, cfg, log, true)
	case "worker":
		err = cmdServe(ctx, cfg, log, false)
	case "migrate":
		err = cmdMigrate(ctx, cfg, log, stdout)
	case "org":
		err = cmdOrg(ctx, cfg, log, args[1:], stdout)
	case "demo":
		err = cmdDemo(ctx, cfg, log, stdout)
	case "reindex":
		err = cmdReindex(ctx, cfg, log, args[1:], stdout)
	case "healthcheck":
		err = cmdHealthcheck(ctx, cfg)
	default:
		fmt.Fprintf(stderr, "stagecraft: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "stagecraft %s: %v\n", args[0], err)
		return 1
	}
	return 0
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

func openMigrated(ctx context.Context, cfg Config, log *slog.Logger) (*App, error) {
	app, err := openApp(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	applied, err := app.DB.Migrate(ctx)
	if err != nil {
		app.Close()
		return nil, fmt.Errorf("migrate (DATABASE_URL): %w", err)
	}
	for _, m := range applied {
		log.Info("applied migration", slog.String("name", m))
	}
	return app, nil
}

func cmdMigrate(ctx context.Context, cfg Config, log *slog.Logger, stdout io.Writer) error {
	app, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	fmt.Fprintln(stdout, "database is up to date")
	return nil
}

// cmdServe runs the HTTP server (when withAPI) and the background worker
// until ctx is cancelled, then drains in-flight requests.
func cmdServe(ctx context.Context, cfg Config, log *slog.Logger, withAPI bool) error {
	app, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	if err := app.bootstrap(ctx); err != nil {
		return err
	}
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { app.sweepLoop(ctx, 10*time.Minute); return nil })
	g.Go(func() error { app.analyticsLoop(ctx, 5*time.Second); return nil })
	app.runIndexers(ctx, g, cfg.IndexWorkers)
	if err := app.runQueue(ctx, g); err != nil {
		return err
	}
	if cfg.DebugAddr != "" {
		serveDebug(ctx, g, log, cfg.DebugAddr)
	}
	if withAPI {
		h, err := app.API.Handler()
		if err != nil {
			return err
		}
		srv := &http.Server{
			Addr:              cfg.ListenAddr,
			Handler:           h,
			ReadHeaderTimeout: 10 * time.Second,
			// No whole-request read or write timeout: uploads of hundreds
			// of megabytes on slow links must not be cut off. Idle
			// connections are reaped.
			IdleTimeout: 120 * time.Second,
			ErrorLog:    slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		g.Go(func() error {
			log.Info("listening", slog.String("addr", cfg.ListenAddr), slog.String("public_url", cfg.PublicURL),
				slog.String("storage", cfg.Storage), slog.String("search", cfg.Search))
			if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				return fmt.Errorf("LISTEN_ADDR %s: %w", cfg.ListenAddr, err)
			}
			return nil
		})
		g.Go(func() error {
			<-ctx.Done()
			shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return srv.Shutdown(shutdown)
		})
	}
	return g.Wait()
}

func cmdOrg(ctx context.Context, cfg Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		return errors.New("usage: stagecraft org create --name N --admin-email E --admin-password P")
	}
	fs := flag.NewFlagSet("org create", flag.ContinueOnError)
	name := fs.String("name", "", "organisation name")
	email := fs.String("admin-email", "", "email of the first admin")
	password := fs.String("admin-password", "", "password of the first admin (at least 10 characters)")
	adminName := fs.String("admin-name", "Admin", "display name of the first admin")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	app, err := openMigrated(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer app.Close()
	org, u, err := createOrg(ctx, app.DB, strings.TrimSpace(*name), *email, *password, *adminName)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created organisation %q (%s) with admin %s\n", org.Name, org.ID, u.Email)
	return nil
}

// cmdHealthcheck asks the server on LISTEN_ADDR for /healthz.
func cmdHealthcheck(ctx context.Context, cfg Config) error {
	host, port, err := net.SplitHostPort(cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("LISTEN_ADDR: %w", err)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	_ = resp.Body.Close() // the status is the answer; the body is not read
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthz answered %s", resp.Status)
	}
	return nil
}
