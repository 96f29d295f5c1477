package api_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/internal/testnet"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

func TestHealth(t *testing.T) {
	e := newEnv(t)
	var h struct {
		Status string
		Checks map[string]string
	}
	e.json(e.do("GET", "/healthz", "", nil), http.StatusOK, &h)
	if h.Status != "ok" {
		t.Errorf("healthz = %+v", h)
	}
	e.json(e.do("GET", "/readyz", "", nil), http.StatusOK, &h)
	if h.Status != "ok" || h.Checks["postgres"] != "ok" || h.Checks["storage"] != "ok" {
		t.Errorf("readyz = %+v", h)
	}
	e.fail(e.do("GET", "/api/v1/nope", "", nil), http.StatusNotFound, "not_found")
}

// TestDatabaseRestartUnderLoad plays a PostgreSQL restart in the middle of
// steady traffic: while the server is gone requests fail fast with 503 and
// Retry-After (never 500, never a hang), and once it is back the pool heals
// without a restart of Stagecraft.
func TestDatabaseRestartUnderLoad(t *testing.T) {
	proxy, opt := proxiedDB()
	e := newEnv(t, opt)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("hello"))

	var ok, unavailable, other atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Timeout: 10 * time.Second}
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest(http.MethodGet, e.srv.URL+"/api/v1/assets/"+a.ID, nil)
				req.Header.Set("Authorization", "Bearer "+e.repTok)
				resp, err := client.Do(req)
				if err != nil {
					other.Add(1)
					continue
				}
				_ = resp.Body.Close()
				switch {
				case resp.StatusCode == http.StatusOK:
					ok.Add(1)
				case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
					unavailable.Add(1)
				default:
					t.Errorf("status %d during the outage", resp.StatusCode)
					other.Add(1)
				}
			}
		}()
	}
	time.Sleep(200 * time.Millisecond)
	proxy.Cut() // the server goes away, taking every connection with it
	time.Sleep(500 * time.Millisecond)
	proxy.Restore(t)
	// Once it is back, requests succeed again within a few seconds.
	deadline := time.Now().Add(10 * time.Second)
	before := ok.Load()
	for ok.Load() < before+20 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	t.Logf("ok=%d unavailable=%d other=%d", ok.Load(), unavailable.Load(), other.Load())
	if unavailable.Load() == 0 {
		t.Error("no 503 during the outage")
	}
	if other.Load() != 0 {
		t.Errorf("%d requests failed otherwise than with 503", other.Load())
	}
	if ok.Load() < before+20 {
		t.Errorf("the pool did not recover: %d successes after the restart", ok.Load()-before)
	}
	var h struct{ Status string }
	e.json(e.do("GET", "/readyz", "", nil), http.StatusOK, &h)
}

func TestReadyzReportsDatabaseDown(t *testing.T) {
	proxy, opt := proxiedDB()
	e := newEnv(t, opt)
	proxy.Cut()
	resp := e.do("GET", "/readyz", "", nil)
	var h struct {
		Status string
		Checks map[string]string
	}
	e.json(resp, http.StatusServiceUnavailable, &h)
	if h.Status != "degraded" || h.Checks["postgres"] == "ok" || h.Checks["storage"] != "ok" {
		t.Errorf("readyz = %+v", h)
	}
	// Requests that need the database get a clean 503, with nothing half-done.
	resp = e.upload("/api/v1/assets", e.marketerTok, file("a.txt", []byte("x")))
	if resp.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	e.fail(resp, http.StatusServiceUnavailable, "unavailable")
	if files := e.blobFiles(); len(files) != 0 {
		t.Errorf("objects stored while the database was down: %v", files)
	}
	proxy.Restore(t)
	e.json(e.do("GET", "/readyz", "", nil), http.StatusOK, nil)
}

// proxiedDB returns an option that reaches the test database through a
// TCP proxy, and the proxy (set once newEnv has run), so a test can cut
// the database off and bring it back.
func proxiedDB() (*proxyRef, envOption) {
	proxy := &proxyRef{}
	return proxy, withDB(func(t testing.TB) *postgres.DB {
		cfg := testdb.Config(t)
		proxy.Proxy = testnet.NewProxy(t, cfg.ConnConfig.Host+":"+itoa(int(cfg.ConnConfig.Port)))
		cfg.ConnConfig.Host, cfg.ConnConfig.Port = "127.0.0.1", uint16(portOf(proxy.Addr()))
		db, err := postgres.OpenConfig(context.Background(), cfg, nil)
		must(t, err)
		t.Cleanup(db.Close)
		_, err = db.Migrate(context.Background())
		must(t, err)
		return db
	})
}

// proxyRef holds a proxy created later, inside newEnv.
type proxyRef struct{ *testnet.Proxy }
