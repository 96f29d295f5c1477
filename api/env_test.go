package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/internal/wire"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

const testPassword = "correct horse battery"

var jwtSecret = []byte("test-secret-of-at-least-32-bytes!!")

// env is a running server over a real database (its own schema) and a
// real blob store, with one organisation and a signed-in user per role.
type env struct {
	t       testing.TB
	srv     *httptest.Server
	db      *postgres.DB
	blobs   stagecraft.BlobStore
	blobDir string // local store only
	lib     *library.Service
	jwt     *auth.JWT
	search  stagecraft.SearchIndex
	worker  *indexer.Worker
	preview *indexer.PreviewWorker
	server  *api.Server

	org                           string
	admin, marketer, rep          *stagecraft.User
	adminTok, marketerTok, repTok string
}

type envOption func(*envConfig)

type envConfig struct {
	maxUpload      int64
	trustedProxies []string
	mailer         stagecraft.Mailer
	logHandler     slog.Handler
	blobs          func(t testing.TB, baseURL string) (stagecraft.BlobStore, http.Handler)
	dbConfig       func(t testing.TB) *postgres.DB
	// queue starts the delivery queue, with outgoing URLs to this
	// machine allowed (the tests' receivers).
	queue bool
	// audit wraps the audit service the server is given.
	audit func(stagecraft.AuditService) stagecraft.AuditService
}

// withQueue runs the delivery queue (mail, Slack-format messages) as
// serve does, with outgoing URLs to loopback allowed.
func withQueue() envOption { return func(c *envConfig) { c.queue = true } }

// withAudit wraps the server's audit service, to make it fail on cue.
func withAudit(wrap func(stagecraft.AuditService) stagecraft.AuditService) envOption {
	return func(c *envConfig) { c.audit = wrap }
}

func withMaxUpload(n int64) envOption { return func(c *envConfig) { c.maxUpload = n } }

func withBlobs(f func(t testing.TB, baseURL string) (stagecraft.BlobStore, http.Handler)) envOption {
	return func(c *envConfig) { c.blobs = f }
}

// withTrustedProxies believes X-Forwarded-For from these addresses, so a
// test can speak as many clients.
func withTrustedProxies(p ...string) envOption {
	return func(c *envConfig) { c.trustedProxies = p }
}

func withMailer(m stagecraft.Mailer) envOption { return func(c *envConfig) { c.mailer = m } }

func withLogHandler(h slog.Handler) envOption { return func(c *envConfig) { c.logHandler = h } }

func withDB(f func(t testing.TB) *postgres.DB) envOption {
	return func(c *envConfig) { c.dbConfig = f }
}

func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	cfg := envConfig{maxUpload: 5 << 20, dbConfig: func(t testing.TB) *postgres.DB { return testdb.New(t) }}
	for _, o := range opts {
		o(&cfg)
	}
	e := &env{t: t, db: cfg.dbConfig(t)}
	ts := httptest.NewUnstartedServer(nil)
	baseURL := "http://" + ts.Listener.Addr().String()
	var blobHandler http.Handler
	if cfg.blobs != nil {
		e.blobs, blobHandler = cfg.blobs(t, baseURL)
	} else {
		e.blobDir = t.TempDir()
		local, err := blob.NewLocal(e.blobDir, baseURL, []byte("blob-url-secret-of-at-least-32-bytes"))
		if err != nil {
			t.Fatal(err)
		}
		e.blobs, blobHandler = local, local.Handler()
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	if cfg.logHandler != nil {
		log = slog.New(cfg.logHandler)
	}
	// The same wiring as the server command's, over this test's stores.
	svc := wire.Build(wire.Deps{
		DB: e.db, Blobs: e.blobs, Search: &postgres.Search{DB: e.db}, BlobHandler: blobHandler, Log: log, Now: time.Now,
		PublicURL: baseURL, MaxUpload: cfg.maxUpload, JWTSecret: jwtSecret, JWTTTL: time.Hour, Mailer: cfg.mailer,
		TrustedProxies: cfg.trustedProxies, WorkerID: "test", OutboundAllowPrivate: cfg.queue,
	})
	if cfg.queue {
		q, err := svc.StartQueue(context.Background(), e.db, wire.QueueOptions{Poll: 100 * time.Millisecond,
			Backoff: func(int) time.Duration { return 200 * time.Millisecond }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = q.Stop(ctx) // the test is over; a slow stop loses nothing it checks
		})
	}
	e.lib, e.search, e.worker, e.jwt, e.server = svc.Library, svc.Search, svc.Indexer, svc.Auth.Tokens, svc.API
	e.preview = svc.Previews
	// Tests index on demand (indexAll) and wait for nothing longer.
	e.worker.Poll = 10 * time.Millisecond
	s := svc.API
	if cfg.audit != nil {
		s.Audit = cfg.audit(s.Audit)
	}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	t.Cleanup(ts.Close)
	e.srv = ts

	e.org, e.admin, e.adminTok = e.newOrg("Acme")
	e.marketer, e.marketerTok = e.newUser(e.adminTok, stagecraft.RoleMarketer)
	e.rep, e.repTok = e.newUser(e.adminTok, stagecraft.RoleRep)
	return e
}

// newOrg creates an organisation and signs its admin in.
func (e *env) newOrg(name string) (string, *stagecraft.User, string) {
	e.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		e.t.Fatal(err)
	}
	email := "admin-" + uuid.NewString()[:8] + "@example.com"
	org, u, err := e.db.CreateOrganisation(context.Background(), name,
		stagecraft.NewUser{Email: email, Name: "Admin", Role: stagecraft.RoleAdmin}, hash)
	if err != nil {
		e.t.Fatal(err)
	}
	return org.ID, u, e.login(email, testPassword)
}

// newUser creates a user through the API and signs them in.
func (e *env) newUser(adminTok string, role stagecraft.Role) (*stagecraft.User, string) {
	e.t.Helper()
	email := string(role) + "-" + uuid.NewString()[:8] + "@example.com"
	var u api.UserResponse
	e.json(e.do("POST", "/api/v1/users", adminTok, map[string]any{
		"email": email, "name": string(role), "role": role, "password": testPassword}), http.StatusCreated, &u)
	return &stagecraft.User{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: u.Role, CreatedAt: u.CreatedAt},
		e.login(email, testPassword)
}

func (e *env) login(email, password string) string {
	e.t.Helper()
	var out struct{ Token string }
	e.json(e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}), http.StatusOK, &out)
	return out.Token
}

// do sends a request; body is JSON-encoded unless it is an io.Reader or
// a string (sent as is).
func (e *env) do(method, path, token string, body any) *http.Response {
	e.t.Helper()
	return e.send(e.request(method, path, token, body))
}

// request builds what do sends.
func (e *env) request(method, path, token string, body any) *http.Request {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case io.Reader:
		r = b
	case string:
		r = strings.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func (e *env) send(req *http.Request) *http.Response {
	e.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	return resp
}

// json checks the status and decodes the body into out (when not nil).
func (e *env) json(resp *http.Response, status int, out any) {
	e.t.Helper()
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		e.t.Fatalf("%s %s: status %d, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			e.t.Fatalf("decode %s: %v", b, err)
		}
	}
}

type apiError struct {
	Error struct {
		Code    string         `json:"code"`
		Message string         `json:"message"`
		Details map[string]any `json:"details"`
	} `json:"error"`
}

// fail checks an error response's status and code and returns it.
func (e *env) fail(resp *http.Response, status int, code string) apiError {
	e.t.Helper()
	var ae apiError
	e.json(resp, status, &ae)
	if ae.Error.Code != code || ae.Error.Message == "" {
		e.t.Fatalf("error = %+v, want code %q with a message", ae.Error, code)
	}
	return ae
}

// part is one multipart form part; a part with a file name is a file.
type part struct {
	name, filename string
	body           io.Reader
}

func field(name, value string) part { return part{name: name, body: strings.NewReader(value)} }

func file(filename string, body []byte) part {
	return part{name: "file", filename: filename, body: bytes.NewReader(body)}
}

// upload streams a multipart body through a pipe, as a browser would, with
// no Content-Length unless sized.
func (e *env) upload(path, token string, parts ...part) *http.Response {
	e.t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, p := range parts {
			var w io.Writer
			var err error
			if p.filename != "" {
				w, err = mw.CreateFormFile(p.name, p.filename)
			} else {
				w, err = mw.CreateFormField(p.name)
			}
			if err == nil {
				_, err = io.Copy(w, p.body)
			}
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, pr)
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	return e.send(req)
}

// createAsset uploads body as a new asset and returns it.
func (e *env) createAsset(token, filename string, body []byte, fields ...part) api.AssetResponse {
	e.t.Helper()
	var a api.AssetResponse
	e.json(e.upload("/api/v1/assets", token, append(fields, file(filename, body))...), http.StatusCreated, &a)
	return a
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// counts returns the rows of the tables that an upload writes.
func (e *env) counts() (assets, versions, intents int) {
	e.t.Helper()
	err := e.db.Pool.QueryRow(context.Background(), `SELECT
		(SELECT count(*) FROM assets), (SELECT count(*) FROM asset_versions), (SELECT count(*) FROM upload_intents)`).
		Scan(&assets, &versions, &intents)
	if err != nil {
		e.t.Fatal(err)
	}
	return
}

// blobFiles lists the files in the local store's directory.
func (e *env) blobFiles() []string {
	e.t.Helper()
	var files []string
	err := filepath.WalkDir(e.blobDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return files
}

// assertNothingKept checks that no asset, version, intent or object exists.
func (e *env) assertNothingKept() {
	e.t.Helper()
	if a, v, i := e.counts(); a+v+i != 0 {
		e.t.Errorf("rows left: %d assets, %d versions, %d intents", a, v, i)
	}
	if e.blobDir != "" {
		if files := e.blobFiles(); len(files) != 0 {
			e.t.Errorf("objects left: %v", files)
		}
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// indexAll runs the indexer until no job is due.
func (e *env) indexAll() {
	e.t.Helper()
	for {
		did, err := e.worker.ProcessOne(context.Background())
		if err != nil {
			e.t.Fatalf("index: %v", err)
		}
		if !did {
			return
		}
	}
}

// previewAll runs the preview worker until no preview job is due.
func (e *env) previewAll() {
	e.t.Helper()
	for {
		did, err := e.preview.ProcessOne(context.Background())
		if err != nil {
			e.t.Fatalf("preview: %v", err)
		}
		if !did {
			return
		}
	}
}

// with returns a copy of e reporting to t, for use inside subtests.
func (e *env) with(t *testing.T) *env {
	c := *e
	c.t = t
	return &c
}

func itoa(n int) string { return strconv.Itoa(n) }

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	n, _ := strconv.Atoi(p)
	return n
}
