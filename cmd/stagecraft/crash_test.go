package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft/internal/testdb"
)

// TestKillDuringEventLoad kills the server with SIGKILL while clients send
// events, restarts it, lets the clients retry what was not acknowledged
// and re-send some of what was, then checks that every acknowledged event
// is stored, and stored once.
func TestKillDuringEventLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dbURL := testdb.SchemaURL(t)
	dir := t.TempDir()
	bin := filepath.Join(dir, "stagecraft")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	base := "http://" + addr
	env := append(os.Environ(), "DATABASE_URL="+dbURL, "DATA_DIR="+filepath.Join(dir, "data"), "LISTEN_ADDR="+addr,
		"PUBLIC_URL="+base, "LOG_LEVEL=error", "STORAGE=local", "SEARCH=postgres")
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	run("org", "create", "--name", "Crash", "--admin-email", "crash@example.com", "--admin-password", "crash test password")
	start := func() *exec.Cmd {
		t.Helper()
		cmd := exec.Command(bin, "serve")
		cmd.Env = env
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })
		deadline := time.Now().Add(20 * time.Second)
		for {
			if resp, err := http.Get(base + "/healthz"); err == nil {
				_ = resp.Body.Close()
				return cmd
			}
			if time.Now().After(deadline) {
				t.Fatal("server did not start")
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	server := start()
	token := crashLogin(t, base)
	asset := crashUpload(t, base, token)

	type batch struct{ ids []string }
	var mu sync.Mutex
	var acked, unacked []batch
	send := func(b batch) (int, error) {
		var events []any
		for _, id := range b.ids {
			events = append(events, map[string]any{"id": id, "type": "view", "asset_id": asset,
				"occurred_at": time.Now().UTC().Format(time.RFC3339)})
		}
		body, _ := json.Marshal(map[string]any{"events": events})
		req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/events", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		client := &http.Client{Timeout: 5 * time.Second}
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer func() { _ = resp.Body.Close() }()
		var r struct{ Accepted, Duplicates int }
		if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != http.StatusAccepted {
			return 0, fmt.Errorf("status %d: %w", resp.StatusCode, err)
		}
		return r.Accepted + r.Duplicates, nil
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b := batch{}
				for range 5 {
					b.ids = append(b.ids, uuid.NewString())
				}
				n, err := send(b)
				mu.Lock()
				if err == nil && n == len(b.ids) {
					acked = append(acked, b)
				} else {
					unacked = append(unacked, b)
				}
				mu.Unlock()
				if err != nil {
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	if err := server.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_, _ = server.Process.Wait()
	time.Sleep(200 * time.Millisecond)
	close(stop)
	wg.Wait()
	if len(acked) == 0 || len(unacked) == 0 {
		t.Fatalf("the kill came too early or too late: %d acknowledged, %d not", len(acked), len(unacked))
	}
	t.Logf("before the kill: %d batches acknowledged, %d not", len(acked), len(unacked))

	start()
	// Clients retry what was not acknowledged, and re-send some of what
	// was (a lost response looks the same to them).
	for _, b := range append(unacked, acked[:len(acked)/2]...) {
		if n, err := send(b); err != nil || n != len(b.ids) {
			t.Fatalf("retry: %d of %d, %v", n, len(b.ids), err)
		}
	}
	conn, err := pgx.Connect(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close(context.Background()) }()
	var ackedIDs []string
	for _, b := range acked {
		ackedIDs = append(ackedIDs, b.ids...)
	}
	var present int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM usage_events WHERE id = ANY($1::uuid[])`, ackedIDs).Scan(&present); err != nil {
		t.Fatal(err)
	}
	if present != len(ackedIDs) {
		t.Errorf("%d of %d acknowledged events survived the kill", present, len(ackedIDs))
	}
	var total, distinct int
	if err := conn.QueryRow(context.Background(), `SELECT count(*), count(DISTINCT id) FROM usage_events WHERE type = 'view'`).Scan(&total, &distinct); err != nil {
		t.Fatal(err)
	}
	want := (len(acked) + len(unacked)) * 5
	if total != want || distinct != total {
		t.Errorf("%d events stored (%d distinct), want %d, each once", total, distinct, want)
	}
}

func crashLogin(t *testing.T, base string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": "crash@example.com", "password": "crash test password"})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("login: %s %v", resp.Status, err)
	}
	return out.Token
}

func crashUpload(t *testing.T, base, token string) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", "deck.txt")
	_, _ = io.WriteString(w, "the deck")
	_ = mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/assets", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var a struct{ ID string }
	if err := json.NewDecoder(resp.Body).Decode(&a); err != nil || a.ID == "" {
		t.Fatalf("upload: %s %v", resp.Status, err)
	}
	return a.ID
}
