package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/testdb"
)

// TestMain runs the binary's commands end to end against a real database:
// migrate, org create, demo (twice: it is idempotent), then serve, sign in
// as the demo rep and list the demo content.
func TestCommandsEndToEnd(t *testing.T) {
	dbURL := testdb.SchemaURL(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	dl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	debugAddr := dl.Addr().String()
	_ = dl.Close()
	vars := map[string]string{
		"DATABASE_URL": dbURL, "DATA_DIR": t.TempDir(), "LISTEN_ADDR": addr,
		"PUBLIC_URL": "http://" + addr, "LOG_LEVEL": "warn", "DEBUG_ADDR": debugAddr,
	}
	getenv := func(k string) string { return vars[k] }
	ctx := context.Background()
	runOK := func(args ...string) string {
		t.Helper()
		var out, errb bytes.Buffer
		if code := run(ctx, args, getenv, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s%s", args, code, out.String(), errb.String())
		}
		return out.String()
	}
	runOK("migrate")
	out := runOK("org", "create", "--name", "Globex", "--admin-email", "boss@globex.example", "--admin-password", "long enough password")
	if !strings.Contains(out, `created organisation "Globex"`) {
		t.Errorf("org create said %q", out)
	}
	var errb bytes.Buffer
	if code := run(ctx, []string{"org", "create", "--name", "Again", "--admin-email", "boss@globex.example", "--admin-password", "long enough password"},
		getenv, &bytes.Buffer{}, &errb); code == 0 || !strings.Contains(errb.String(), "already exists") {
		t.Errorf("duplicate admin: exit %d, %q", code, errb.String())
	}
	if out := runOK("demo"); !strings.Contains(out, "rep@demo.stagecraft.dev") || !strings.Contains(out, "was created") {
		t.Errorf("demo said %q", out)
	}
	if out := runOK("demo"); !strings.Contains(out, "is ready") {
		t.Errorf("second demo said %q", out)
	}

	serveCtx, stop := context.WithCancel(ctx)
	done := make(chan int)
	go func() { done <- run(serveCtx, []string{"serve"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}) }()
	base := "http://" + addr
	deadline := time.Now().Add(15 * time.Second)
	for run(ctx, []string{"healthcheck"}, getenv, &bytes.Buffer{}, &bytes.Buffer{}) != 0 {
		if time.Now().After(deadline) {
			t.Fatal("server did not become healthy")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The profiler answers on DEBUG_ADDR, and not on the public address
	// (where the web app's fallback page may answer instead).
	profiler := func(url string) bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		defer func() { _ = resp.Body.Close() }() // read below; nothing to lose
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK && strings.Contains(string(b), "Types of profiles available")
	}
	if !profiler("http://" + debugAddr + "/debug/pprof/") {
		t.Error("no profiler on DEBUG_ADDR")
	}
	if profiler(base + "/debug/pprof/") {
		t.Error("the profiler answers on the public address")
	}
	body, _ := json.Marshal(map[string]string{"email": "rep@demo.stagecraft.dev", "password": demoPassword})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	_ = resp.Body.Close()
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/assets?limit=100", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Total int }
	_ = json.NewDecoder(resp.Body).Decode(&list)
	_ = resp.Body.Close()
	if list.Total != len(demoAssets) {
		t.Errorf("demo rep sees %d assets, want %d", list.Total, len(demoAssets))
	}
	// The app's deep links reach the embedded web app: its page when it
	// was built before this test binary, else the page saying it was not.
	resp, err = http.Get(base + "/library")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); (resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusServiceUnavailable) ||
		!strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /library: status %d, Content-Type %q; want the web app's HTML (200, or 503 when not built)", resp.StatusCode, ct)
	}
	// The demo's planted pattern shows on the scorecard.
	body, _ = json.Marshal(map[string]string{"email": demoMarketer, "password": demoPassword})
	resp, err = http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_ = json.NewDecoder(resp.Body).Decode(&login)
	_ = resp.Body.Close()
	req, _ = http.NewRequest(http.MethodGet, base+"/api/v1/analytics/assets", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var sc struct {
		Overall struct {
			DealsClosed int `json:"deals_closed"`
		}
		Assets []struct {
			Title   string
			WinRate *float64 `json:"win_rate"`
			Lift    *float64
		}
	}
	_ = json.NewDecoder(resp.Body).Decode(&sc)
	_ = resp.Body.Close()
	lift := map[string]float64{}
	for _, a := range sc.Assets {
		if a.Lift != nil {
			lift[a.Title] = *a.Lift
		}
	}
	if sc.Overall.DealsClosed < 50 || lift["Case Study: Northwind Health"] < 0.15 || lift["Pricing Sheet 2026"] > 0.1 {
		t.Errorf("demo scorecard: %d closed deals, lifts %v", sc.Overall.DealsClosed, lift)
	}
	checkDemoLibrary(t, base, login.Token)
	stop()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exited %d on shutdown", code)
		}
	case <-time.After(35 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

func TestRunRejectsBadConfigAndCommands(t *testing.T) {
	var errb bytes.Buffer
	code := run(context.Background(), []string{"serve"}, func(k string) string {
		return map[string]string{"MAX_UPLOAD_MB": "big", "STORAGE": "tape"}[k]
	}, &bytes.Buffer{}, &errb)
	if code != 2 || !strings.Contains(errb.String(), "MAX_UPLOAD_MB") || !strings.Contains(errb.String(), "STORAGE") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"frobnicate"}, func(string) string { return "" }, &bytes.Buffer{}, &errb); code != 2 ||
		!strings.Contains(errb.String(), "unknown command") {
		t.Errorf("exit %d: %s", code, errb.String())
	}
}

func TestBootstrapFromAdminEnvironment(t *testing.T) {
	vars := map[string]string{
		"DATABASE_URL": testdb.SchemaURL(t), "DATA_DIR": t.TempDir(), "LOG_LEVEL": "warn",
		"ADMIN_EMAIL": "First@Example.com", "ADMIN_PASSWORD": "first admin password",
	}
	cfg, err := loadConfig(func(k string) string { return vars[k] })
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	app, err := openMigrated(ctx, cfg, newLogger(cfg, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	for range 2 { // the second start finds an organisation and does nothing
		if err := app.bootstrap(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n, _ := app.DB.CountOrganisations(ctx); n != 1 {
		t.Fatalf("%d organisations, want 1", n)
	}
	sess, err := app.Auth.Login(ctx, "first@example.com", "first admin password", "127.0.0.1")
	if err != nil || sess.User.Role != "admin" {
		t.Fatalf("login = %+v, %v", sess, err)
	}
	// A bad password in the environment is reported, naming the problem.
	vars["DATABASE_URL"] = testdb.SchemaURL(t)
	vars["ADMIN_PASSWORD"] = "short"
	cfg, _ = loadConfig(func(k string) string { return vars[k] })
	app2, err := openMigrated(ctx, cfg, newLogger(cfg, &bytes.Buffer{}))
	if err != nil {
		t.Fatal(err)
	}
	defer app2.Close()
	if err := app2.bootstrap(ctx); err == nil || !strings.Contains(err.Error(), "ADMIN_EMAIL") || !strings.Contains(err.Error(), "password") {
		t.Errorf("bootstrap with a short password: %v", err)
	}
}
