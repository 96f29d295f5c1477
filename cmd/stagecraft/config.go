package main

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/smtp"
)

// Config is the whole configuration, read from the environment.
type Config struct {
	ListenAddr string
	// DebugAddr, when set, serves Go's profiler; loopback only.
	DebugAddr      string
	PublicURL      string
	DatabaseURL    string
	DataDir        string
	JWTSecret      []byte
	JWTTTL         time.Duration
	Storage        string
	S3Endpoint     string
	S3AccessKey    string
	S3SecretKey    string
	S3Bucket       string
	S3UseSSL       bool
	S3Region       string
	Search         string
	MeiliURL       string
	MeiliAPIKey    string
	AdminEmail     string
	AdminPassword  string
	MaxUploadMB    int64
	LogLevel       string
	LogFormat      string
	TrustedProxies []string
	IndexWorkers   int
	// Page previews: the time limit of one conversion (and, separately,
	// of rendering its pages), LibreOffice's address-space cap, the
	// pages rendered at most, and LibreOffice's binary ("" = PATH).
	ConvertTimeout     time.Duration
	ConvertMaxMemoryMB int64
	PreviewMaxPages    int
	SofficePath        string
	// CORSOrigins are the origins allowed to call the API from a browser
	// (the extension's); see api.NewOriginPolicy.
	CORSOrigins []string
	// SMTPURL is where mail goes (smtp:// or smtps://); "" turns mail off.
	SMTPURL  string
	MailFrom string
	// OutboundAllowPrivate lets Slack-format and webhook URLs reach
	// loopback, private and link-local addresses.
	OutboundAllowPrivate bool
	// DeliveryWorkers is how many deliveries (mail, Slack) run at once.
	DeliveryWorkers int

	// jwtSecretGenerated is true when the secret came from DATA_DIR.
	jwtSecretGenerated bool
}

// defaultConfig holds every default in one place.
func defaultConfig() Config {
	return Config{
		ListenAddr:  ":8080",
		PublicURL:   "http://localhost:8080",
		DatabaseURL: "postgres://localhost:5432/stagecraft?sslmode=disable",
		DataDir:     "./.data",
		JWTTTL:      12 * time.Hour,
		Storage:     "local",
		S3Bucket:    "stagecraft",
		Search:      "postgres",
		MaxUploadMB: 200,
		LogLevel:    "info",
		LogFormat:   "json",
		// Extraction is CPU-bound; one worker per core is plenty.
		IndexWorkers: min(runtime.NumCPU(), 4),
		CORSOrigins:  api.DefaultCORSOrigins,
		// Deliveries wait on the network, not the CPU.
		DeliveryWorkers: 10,
		// A typical deck converts in 3–5 s; two minutes leaves room
		// for large ones on a busy machine while stopping runaways.
		ConvertTimeout:     2 * time.Minute,
		ConvertMaxMemoryMB: 1024,
		PreviewMaxPages:    500,
	}
}

// loadConfig reads the environment through getenv and collects every
// problem, naming the variable, so one start-up shows them all.
func loadConfig(getenv func(string) string) (Config, error) {
	c := defaultConfig()
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	str := func(name string, dst *string) {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			*dst = v
		}
	}
	// secret reads NAME, or the file named by NAME_FILE (for Docker and
	// Kubernetes secrets).
	secret := func(name string) string {
		if f := getenv(name + "_FILE"); f != "" {
			b, err := os.ReadFile(f) //nolint:gosec // G304: the operator names the secret's file; reading it is the point
			if err != nil {
				bad(name+"_FILE", "cannot read %s: %v", f, err)
				return ""
			}
			return strings.TrimSpace(string(b))
		}
		return getenv(name)
	}

	str("LISTEN_ADDR", &c.ListenAddr)
	str("DEBUG_ADDR", &c.DebugAddr)
	if c.DebugAddr != "" && !isLoopbackAddr(c.DebugAddr) {
		bad("DEBUG_ADDR", "%q must be a loopback address and port, such as 127.0.0.1:6060: the profiler shows the server's memory and is never exposed", c.DebugAddr)
	}
	str("PUBLIC_URL", &c.PublicURL)
	str("DATABASE_URL", &c.DatabaseURL)
	str("DATA_DIR", &c.DataDir)
	str("STORAGE", &c.Storage)
	str("S3_ENDPOINT", &c.S3Endpoint)
	str("S3_BUCKET", &c.S3Bucket)
	str("S3_REGION", &c.S3Region)
	str("SEARCH", &c.Search)
	str("MEILI_URL", &c.MeiliURL)
	str("LOG_LEVEL", &c.LogLevel)
	str("LOG_FORMAT", &c.LogFormat)
	str("ADMIN_EMAIL", &c.AdminEmail)
	str("SOFFICE_PATH", &c.SofficePath)
	c.S3AccessKey = secret("S3_ACCESS_KEY")
	c.S3SecretKey = secret("S3_SECRET_KEY")
	c.MeiliAPIKey = secret("MEILI_API_KEY")
	c.AdminPassword = secret("ADMIN_PASSWORD")
	c.SMTPURL = strings.TrimSpace(secret("SMTP_URL"))
	str("MAIL_FROM", &c.MailFrom)
	if v := secret("JWT_SECRET"); v != "" {
		if len(v) < 32 {
			bad("JWT_SECRET", "must be at least 32 characters (it is %d)", len(v))
		}
		c.JWTSecret = []byte(v)
	}

	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("PUBLIC_URL", "%q is not an absolute http(s) URL", c.PublicURL)
	}
	c.PublicURL = strings.TrimRight(c.PublicURL, "/")
	if !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") &&
		!strings.Contains(c.DatabaseURL, "=") {
		bad("DATABASE_URL", "must be a postgres:// URL or a key=value connection string")
	}
	if v := getenv("MAX_UPLOAD_MB"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 1 || n > 1<<20 {
			bad("MAX_UPLOAD_MB", "%q is not a whole number of megabytes from 1 to 1048576", v)
		} else {
			c.MaxUploadMB = n
		}
	}
	if v := getenv("INDEX_WORKERS"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 64 {
			bad("INDEX_WORKERS", "%q is not a whole number from 1 to 64", v)
		} else {
			c.IndexWorkers = n
		}
	}
	if v := getenv("CONVERT_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil || d < time.Second || d > time.Hour {
			bad("CONVERT_TIMEOUT", "%q is not a duration from 1s to 1h", v)
		} else {
			c.ConvertTimeout = d
		}
	}
	if v := getenv("CONVERT_MAX_MEMORY_MB"); v != "" {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 256 || n > 1<<20 {
			bad("CONVERT_MAX_MEMORY_MB", "%q is not a whole number of megabytes from 256 to 1048576", v)
		} else {
			c.ConvertMaxMemoryMB = n
		}
	}
	if v := getenv("PREVIEW_MAX_PAGES"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 10000 {
			bad("PREVIEW_MAX_PAGES", "%q is not a whole number from 1 to 10000", v)
		} else {
			c.PreviewMaxPages = n
		}
	}
	if v := getenv("JWT_TTL"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < time.Minute || d > 30*24*time.Hour {
			bad("JWT_TTL", "%q is not a duration from 1m to 720h", v)
		} else {
			c.JWTTTL = d
		}
	}
	if v := getenv("S3_USE_SSL"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("S3_USE_SSL", "%q is not true or false", v)
		}
		c.S3UseSSL = b
	}
	if v := getenv("OUTBOUND_ALLOW_PRIVATE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("OUTBOUND_ALLOW_PRIVATE", "%q is not true or false", v)
		}
		c.OutboundAllowPrivate = b
	}
	if v := getenv("DELIVERY_WORKERS"); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil || n < 1 || n > 100 {
			bad("DELIVERY_WORKERS", "%q is not a whole number from 1 to 100", v)
		} else {
			c.DeliveryWorkers = n
		}
	}
	if c.MailFrom == "" {
		host := "localhost"
		if u, err := url.Parse(c.PublicURL); err == nil && u.Hostname() != "" {
			host = u.Hostname()
		}
		c.MailFrom = "Stagecraft <noreply@" + host + ">"
	}
	if c.SMTPURL != "" {
		if _, err := smtp.New(smtp.Config{URL: c.SMTPURL, From: c.MailFrom}); err != nil {
			bad("SMTP_URL", "%v (want smtp://[user:pass@]host:port or smtps://…; MAIL_FROM %q)", err, c.MailFrom)
		}
	}
	if v := getenv("TRUSTED_PROXIES"); v != "" {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				c.TrustedProxies = append(c.TrustedProxies, p)
			}
		}
	}
	if v := strings.TrimSpace(getenv("CORS_ORIGINS")); v != "" {
		c.CORSOrigins = nil
		if v != "none" {
			c.CORSOrigins = strings.Split(v, ",")
		}
		if _, err := api.NewOriginPolicy(c.CORSOrigins); err != nil {
			bad("CORS_ORIGINS", "%v", err)
		}
	}
	switch c.Storage {
	case "local":
	case "s3":
		for name, v := range map[string]string{"S3_ENDPOINT": c.S3Endpoint, "S3_ACCESS_KEY": c.S3AccessKey, "S3_SECRET_KEY": c.S3SecretKey} {
			if v == "" {
				bad(name, "is required when STORAGE=s3")
			}
		}
	default:
		bad("STORAGE", "%q is not local or s3", c.Storage)
	}
	switch c.Search {
	case "postgres":
	case "meilisearch":
		if c.MeiliURL == "" {
			bad("MEILI_URL", "is required when SEARCH=meilisearch")
		}
	default:
		bad("SEARCH", "%q is not postgres or meilisearch", c.Search)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad("LOG_LEVEL", "%q is not debug, info, warn or error", c.LogLevel)
	}
	switch c.LogFormat {
	case "json", "text":
	default:
		bad("LOG_FORMAT", "%q is not json or text", c.LogFormat)
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		bad("ADMIN_EMAIL", "ADMIN_EMAIL and ADMIN_PASSWORD must be set together")
	}
	return c, errors.Join(errs...)
}

// ensureJWTSecret generates a secret into DATA_DIR when none is configured,
// so a development server keeps its sessions across restarts.
func (c *Config) ensureJWTSecret() error {
	if len(c.JWTSecret) > 0 {
		return nil
	}
	path := filepath.Join(c.DataDir, "jwt_secret")
	// The file is in the operator's own DATA_DIR.
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 { //nolint:gosec // G304: see above
		c.JWTSecret, c.jwtSecretGenerated = []byte(strings.TrimSpace(string(b))), true
		return nil
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return fmt.Errorf("DATA_DIR: %w", err)
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	s := hex.EncodeToString(b)
	if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
		return fmt.Errorf("JWT_SECRET: cannot write a generated secret to %s: %w", path, err)
	}
	c.JWTSecret, c.jwtSecretGenerated = []byte(s), true
	return nil
}

// isLoopbackAddr reports whether addr is host:port with a loopback host.
func isLoopbackAddr(addr string) bool {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || port == "" {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
