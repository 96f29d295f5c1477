package blobtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// MinIO is a private MinIO server owned by one test, for tests that need
// to stop and start the server (outages, restarts). Tests that only need
// a bucket should use the shared server named by TEST_S3_ENDPOINT instead.
type MinIO struct {
	tb        testing.TB
	bin       string
	addr      string // 127.0.0.1:port, kept across restarts
	dir       string // data and logs, kept across restarts
	accessKey string
	secretKey string
	cmd       *exec.Cmd
	exited    chan struct{} // closed when cmd has been waited for
}

// StartMinIO starts the MinIO binary named by MINIO_BIN on a free loopback
// port, with its data in a temporary directory and random credentials, and
// stops it when the test ends. It skips the test when MINIO_BIN is unset.
func StartMinIO(tb testing.TB) *MinIO {
	tb.Helper()
	bin := os.Getenv("MINIO_BIN")
	if bin == "" {
		tb.Skip("MINIO_BIN not set: run via `make test`, or `eval \"$(scripts/minio.sh start DIR)\"`")
	}
	m := &MinIO{
		tb:        tb,
		bin:       bin,
		addr:      freeAddr(tb),
		dir:       tb.TempDir(),
		accessKey: "test-" + randomHex(tb, 6),
		secretKey: randomHex(tb, 20),
	}
	tb.Cleanup(func() {
		m.stop()
		if tb.Failed() {
			m.logTail()
		}
	})
	m.start()
	return m
}

// Endpoint returns the server's host:port.
func (m *MinIO) Endpoint() string { return m.addr }

// AccessKey returns the root user.
func (m *MinIO) AccessKey() string { return m.accessKey }

// SecretKey returns the root password.
func (m *MinIO) SecretKey() string { return m.secretKey }

// Kill stops the server abruptly (SIGKILL), as a crash or an OOM kill
// would, and waits for it to exit.
func (m *MinIO) Kill() {
	m.tb.Helper()
	m.stop()
}

// Restart starts the server again on the same port, data and credentials
// after Kill, and waits until it is ready.
func (m *MinIO) Restart() {
	m.tb.Helper()
	m.stop()
	m.start()
}

func (m *MinIO) start() {
	m.tb.Helper()
	logFile, err := os.OpenFile(filepath.Join(m.dir, "minio.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		m.tb.Fatalf("minio log: %v", err)
	}
	// The child has its own descriptor and nothing is written through
	// this one, so its close has nothing to report.
	defer func() { _ = logFile.Close() }()
	cmd := exec.Command(m.bin, "server", "--quiet", "--address", m.addr, //nolint:gosec // G204: MINIO_BIN is the test's own setting
		"--certs-dir", filepath.Join(m.dir, "certs"), filepath.Join(m.dir, "data"))
	cmd.Env = minioEnv(m.dir, m.accessKey, m.secretKey)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		m.tb.Fatalf("start minio: %v", err)
	}
	m.cmd, m.exited = cmd, make(chan struct{})
	go func(exited chan struct{}) {
		_ = cmd.Wait() // the server is killed; how it ended is in cmd.ProcessState
		close(exited)
	}(m.exited)
	if err := m.waitReady(60 * time.Second); err != nil {
		m.stop()
		m.logTail()
		m.tb.Fatalf("minio: %v", err)
	}
}

// minioEnv is the server's whole environment: nothing is inherited, so a
// developer's MINIO_* settings cannot leak in. HOME points into the test
// directory because MinIO keeps state there.
func minioEnv(dir, user, password string) []string {
	return []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"TMPDIR=" + os.TempDir(),
		"MINIO_ROOT_USER=" + user,
		"MINIO_ROOT_PASSWORD=" + password,
		"MINIO_BROWSER=off",         // no web console (and no console port)
		"MINIO_UPDATE=off",          // no update checks against dl.min.io
		"MINIO_CALLHOME_ENABLE=off", // no diagnostics sent to SUBNET
		// CI/CD mode caps MinIO's buffer pool at 256 MiB instead of half of
		// RAM, which matters on small test machines.
		"MINIO_CI_CD=on",
	}
}

// waitReady polls the liveness endpoint until it answers 200, the process
// exits, or timeout passes.
func (m *MinIO) waitReady(timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	url := "http://" + m.addr + "/minio/health/live"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			_ = resp.Body.Close() // the status is the answer; the body is not read
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-m.exited:
			return fmt.Errorf("server exited before becoming ready: %v", m.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("not ready after %v", timeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// stop kills the server, if running, and waits for it.
func (m *MinIO) stop() {
	if m.cmd == nil {
		return
	}
	// Kill fails only when the server has exited already; either way
	// the goroutine's Wait reaps it and closes m.exited.
	_ = m.cmd.Process.Kill()
	<-m.exited
	m.cmd = nil
}

// logTail logs the end of the server's output to help explain a failure.
func (m *MinIO) logTail() {
	b, err := os.ReadFile(filepath.Join(m.dir, "minio.log"))
	if err != nil {
		return
	}
	if len(b) > 4096 {
		b = b[len(b)-4096:]
	}
	m.tb.Logf("minio log (tail):\n%s", bytes.TrimSpace(b))
}

// freeAddr returns a loopback address with a port that was free a moment
// ago. Another process could take it before MinIO binds it; MinIO would
// then fail to start and the test with it, which is rare enough.
func freeAddr(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("find a free port: %v", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		tb.Fatalf("free port %s: %v", addr, err)
	}
	return addr
}

func randomHex(tb testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		tb.Fatalf("random: %v", err)
	}
	return hex.EncodeToString(b)
}
