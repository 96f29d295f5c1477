package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
)

// benchEvents measures event ingestion through a real `stagecraft serve`
// against a trivial gin handler (GET returning 204) in its own process, both
// driven by the same closed-loop load generator on loopback.
func benchEvents(args []string) error {
	fs := flag.NewFlagSet("events", flag.ContinueOnError)
	conns := fs.Int("c", 32, "concurrent connections")
	dur := fs.Duration("d", 10*time.Second, "duration of each measurement")
	bin := fs.String("bin", "bin/stagecraft", "the stagecraft binary")
	clientCPUs := fs.String("client-cpus", "", "pin the load generator to these CPUs (taskset -c syntax)")
	profile := fs.String("profile", "", "write a CPU profile of the server during the batch-of-one row to this file")
	fs.StringVar(&serverCPUs, "server-cpus", "", "pin both servers (no-op and stagecraft) to these CPUs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := pinSelf(*clientCPUs); err != nil {
		return err
	}
	dbURL, err := benchURL()
	if err != nil {
		return err
	}
	noopURL, stopNoop, err := startNoop()
	if err != nil {
		return err
	}
	defer stopNoop()

	dir, err := os.MkdirTemp("", "stagecraft-bench-")
	if err != nil {
		return err
	}
	defer removeAll(dir)
	var extra []string
	debugAddr := ""
	if *profile != "" {
		port, err := freePort()
		if err != nil {
			return err
		}
		debugAddr = fmt.Sprintf("127.0.0.1:%d", port)
		extra = append(extra, "DEBUG_ADDR="+debugAddr)
	}
	srv, err := startServer(*bin, dbURL, dir, "local", extra...)
	if err != nil {
		return err
	}
	defer srv.stop()
	asset, err := postFile(srv, "deck.txt", []byte("a deck"))
	if err != nil {
		return err
	}

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}}
	noopReq := func() (*http.Request, error) { return http.NewRequest(http.MethodGet, noopURL, nil) }
	eventsReq := func(n int) func() (*http.Request, error) {
		return func() (*http.Request, error) {
			events := make([]map[string]string, n)
			now := time.Now().UTC().Format(time.RFC3339)
			for i := range events {
				events[i] = map[string]string{"id": uuid.NewString(), "type": "view", "asset_id": asset, "occurred_at": now}
			}
			body, _ := json.Marshal(map[string]any{"events": events})
			req, err := http.NewRequest(http.MethodPost, srv.base+"/api/v1/events", bytes.NewReader(body))
			if err != nil {
				return nil, err
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+srv.token)
			return req, nil
		}
	}
	type row struct {
		name   string
		events int
		r      loadResult
	}
	var rows []row
	for _, m := range []struct {
		name   string
		events int
		req    func() (*http.Request, error)
		status int
	}{
		{"gin no-op GET → 204 (baseline)", 0, noopReq, http.StatusNoContent},
		{"POST /api/v1/events, 1 event", 1, eventsReq(1), http.StatusAccepted},
		{"POST /api/v1/events, 100 events", 100, eventsReq(100), http.StatusAccepted},
	} {
		fmt.Fprintf(os.Stderr, "%s: %d connections for %s…\n", m.name, *conns, *dur)
		var prof chan error
		if debugAddr != "" && m.events == 1 {
			prof = make(chan error, 1)
			go func() { prof <- saveProfile(debugAddr, *dur-time.Second, *profile) }()
		}
		r, err := load(client, m.req, m.status, *conns, *dur)
		if err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
		if prof != nil {
			if err := <-prof; err != nil {
				return fmt.Errorf("profile: %w", err)
			}
			fmt.Fprintf(os.Stderr, "CPU profile of the server written to %s (go tool pprof -top %s %s)\n", *profile, *bin, *profile)
		}
		rows = append(rows, row{m.name, m.events, r})
	}
	pinning := ""
	if *clientCPUs != "" || serverCPUs != "" {
		pinning = fmt.Sprintf("; load generator on CPUs %q, servers on %q", *clientCPUs, serverCPUs)
	}
	fmt.Printf("\nEvent ingestion, %d connections, %s per row, closed loop on loopback (%s, %d CPUs%s)\n\n",
		*conns, *dur, time.Now().UTC().Format("2006-01-02"), numCPU(), pinning)
	fmt.Println("| path | requests/s | ratio to baseline | events/s | p50 ms | p99 ms | errors |")
	fmt.Println("|---|---|---|---|---|---|---|")
	base := rows[0].r.rps()
	for _, r := range rows {
		evs := "—"
		if r.events > 0 {
			evs = fmt.Sprintf("%.0f", r.r.rps()*float64(r.events))
		}
		fmt.Printf("| %s | %.0f | %.2f | %s | %.2f | %.2f | %d |\n", r.name, r.r.rps(), r.r.rps()/base, evs,
			ms(pct(r.r.lat, 50)), ms(pct(r.r.lat, 99)), r.r.errors)
	}
	return nil
}

type loadResult struct {
	n      int
	errors int64
	lat    []time.Duration
	took   time.Duration
}

func (r loadResult) rps() float64 { return float64(r.n) / r.took.Seconds() }

// load runs conns workers, each sending its next request as soon as the
// previous one is answered, for d.
func load(client *http.Client, mk func() (*http.Request, error), status, conns int, d time.Duration) (loadResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for ctx.Err() == nil {
				req, err := mk()
				if err != nil {
					errs.Add(1)
					continue
				}
				t := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close() // drained: nothing left to lose
				if resp.StatusCode != status {
					errs.Add(1)
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all = append(all, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(all) == 0 {
		return loadResult{}, errors.New("no request succeeded")
	}
	return loadResult{n: len(all), errors: errs.Load(), lat: all, took: time.Since(start)}, nil
}

// benchURL returns BENCH_DATABASE_URL, which the make targets set.
func benchURL() (string, error) {
	url := os.Getenv("BENCH_DATABASE_URL")
	if url == "" {
		return "", errors.New("BENCH_DATABASE_URL is not set (the make bench-* targets set it)")
	}
	return url, nil
}

// startNoop runs the baseline server — this program again, as a child
// process — and returns its URL and how to stop it.
func startNoop() (string, func(), error) {
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	self, _ := os.Executable()
	noop := command(self, "noop-server", fmt.Sprintf("127.0.0.1:%d", port))
	noop.Stderr = os.Stderr
	if err := noop.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = noop.Process.Kill(); _ = noop.Wait() }
	url := fmt.Sprintf("http://127.0.0.1:%d/noop", port)
	if err := waitURL(url); err != nil {
		stop()
		return "", nil, err
	}
	return url, stop, nil
}

// noopServer is the baseline: gin in release mode with one handler that
// answers 204, nothing else.
func noopServer(addr string) error {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.GET("/noop", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: r, ReadHeaderTimeout: 10 * time.Second}
	return srv.Serve(l)
}

// waitURL waits up to 5 s for url to answer at all, each try bounded so
// that a server that accepts but never answers cannot hang the run.
func waitURL(url string) error {
	for range 200 {
		if answers(url) {
			return nil
		}
		time.Sleep(25 * time.Millisecond)
	}
	return fmt.Errorf("%s did not answer", url)
}

func answers(url string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	_ = resp.Body.Close() // the answer is that there is one
	return true
}

// saveProfile fetches a CPU profile of d from the server's profiler at
// addr into file.
func saveProfile(addr string, d time.Duration, file string) error {
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", addr, max(1, int(d.Seconds())))
	resp, err := http.Get(url) //nolint:gosec,noctx // G107: our own server's loopback profiler
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }() // read whole below; nothing to lose
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", url, resp.Status)
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Body); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
