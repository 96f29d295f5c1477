package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/google/uuid"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

type result struct {
	name    string
	mbps    []float64
	peakRSS []int64 // bytes, server only
}

func benchUpload(args []string) error {
	fs := flag.NewFlagSet("upload", flag.ContinueOnError)
	sizeMB := fs.Int("size-mb", 500, "size of the uploaded file in MB")
	runs := fs.Int("runs", 3, "runs of each measurement (the median is reported)")
	bin := fs.String("bin", "bin/stagecraft", "the stagecraft binary to run as the server")
	if err := fs.Parse(args); err != nil {
		return err
	}
	dbURL := os.Getenv("BENCH_DATABASE_URL")
	if dbURL == "" {
		return errors.New("BENCH_DATABASE_URL is not set (make bench sets it)")
	}
	dir, err := os.MkdirTemp("", "stagecraft-bench-")
	if err != nil {
		return err
	}
	defer removeAll(dir)

	src := filepath.Join(dir, "upload.bin")
	fmt.Fprintf(os.Stderr, "writing a %d MB test file…\n", *sizeMB)
	if err := writeRandomFile(src, int64(*sizeMB)<<20); err != nil {
		return err
	}
	size := int64(*sizeMB) << 20

	// Each run measures the baseline and then Stagecraft back to back,
	// after flushing dirty pages, and deletes what it wrote: this disk's
	// write-back speed swings with how much dirty data is pending, so
	// measuring the two far apart would compare the disk with itself.
	cp := &result{name: "cp (baseline, local disk)"}
	raw, err := startRawServer(dir)
	if err != nil {
		return err
	}
	defer raw.Close()
	local, err := startServer(*bin, dbURL, dir, "local")
	if err != nil {
		return fmt.Errorf("local backend: %w", err)
	}
	defer local.stop()
	for i := range *runs {
		dst := filepath.Join(dir, fmt.Sprintf("copy-%d", i))
		syscall.Sync()
		start := time.Now()
		if out, err := exec.Command("cp", src, dst).CombinedOutput(); err != nil {
			return fmt.Errorf("cp: %w: %s", err, out)
		}
		syncFile(dst)
		cp.mbps = append(cp.mbps, mbps(size, time.Since(start)))
		// What a run leaves behind would slow the next one's writes.
		if err := os.Remove(dst); err != nil {
			return err
		}
		if err := local.upload(src, size, i, *runs); err != nil {
			return fmt.Errorf("local backend: %w", err)
		}
		if err := os.RemoveAll(filepath.Join(local.dataDir, "blobs")); err != nil {
			return err
		}
		syscall.Sync()
		if err := raw.upload(src, size); err != nil {
			return fmt.Errorf("plain HTTP receiver: %w", err)
		}
	}
	results := []*result{cp, local.result, raw.result}

	if os.Getenv("TEST_S3_ENDPOINT") != "" {
		direct, err := newMinioDirect()
		if err != nil {
			return fmt.Errorf("minio-go baseline: %w", err)
		}
		s3, err := startServer(*bin, dbURL, dir, "s3")
		if err != nil {
			return fmt.Errorf("s3 backend: %w", err)
		}
		defer s3.stop()
		for i := range *runs {
			syscall.Sync()
			if err := direct.put(src, size, i); err != nil {
				return fmt.Errorf("minio-go baseline: %w", err)
			}
			if err := s3.upload(src, size, i, *runs); err != nil {
				return fmt.Errorf("s3 backend: %w", err)
			}
		}
		results = append(results, direct.result, s3.result)
	} else {
		fmt.Fprintln(os.Stderr, "TEST_S3_ENDPOINT not set: skipping the s3 backend")
	}
	report(results, *sizeMB, *runs)
	return nil
}

func report(rs []*result, sizeMB, runs int) {
	fmt.Printf("\nUpload of a %d MB file, median of %d runs (%s, %d CPUs)\n\n", sizeMB, runs, time.Now().UTC().Format("2006-01-02"), numCPU())
	fmt.Println("| path | MB/s (median) | runs | ratio to baseline | server peak RSS (max) |")
	fmt.Println("|---|---|---|---|---|")
	var base float64
	for _, r := range rs {
		med := median(r.mbps)
		ratio, rss := "baseline", "—"
		if strings.Contains(r.name, "reference") {
			ratio = fmt.Sprintf("%.2f (reference)", med/base)
		} else if strings.Contains(r.name, "baseline") {
			base = med
		} else if base > 0 {
			ratio = fmt.Sprintf("%.2f", med/base)
		}
		if len(r.peakRSS) > 0 {
			rss = fmt.Sprintf("%.1f MB", float64(slices.Max(r.peakRSS))/(1<<20))
		}
		fmt.Printf("| %s | %.0f | %s | %s | %s |\n", r.name, med, fmtRuns(r.mbps), ratio, rss)
	}
}

// server is a `stagecraft serve` process with a signed-in admin.
type server struct {
	cmd     *exec.Cmd
	base    string
	token   string
	dataDir string
	backend string
	result  *result
}

// startServer starts `stagecraft serve` with the given backend and signs in.
// startServer starts `stagecraft serve` with its own organisation; extra
// are more environment variables.
func startServer(bin, dbURL, dir, backend string, extra ...string) (*server, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	base := "http://127.0.0.1:" + strconv.Itoa(port)
	email := "bench-" + uuid.NewString()[:8] + "@example.com"
	password := "bench-password-123"
	dataDir := filepath.Join(dir, "data-"+backend)
	env := append(os.Environ(),
		"DATABASE_URL="+dbURL, "DATA_DIR="+dataDir, "STORAGE="+backend,
		"LISTEN_ADDR=127.0.0.1:"+strconv.Itoa(port), "PUBLIC_URL="+base, "MAX_UPLOAD_MB=100000",
		"LOG_LEVEL=error", "S3_ENDPOINT="+os.Getenv("TEST_S3_ENDPOINT"), "S3_ACCESS_KEY="+os.Getenv("TEST_S3_ACCESS_KEY"),
		"S3_SECRET_KEY="+os.Getenv("TEST_S3_SECRET_KEY"), "S3_BUCKET=bench-"+uuid.NewString()[:8])
	env = append(env, extra...)
	org := exec.Command(bin, "org", "create", "--name", "Bench", "--admin-email", email, "--admin-password", password)
	org.Env = env
	if out, err := org.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("org create: %w: %s", err, out)
	}
	srv := command(bin, "serve")
	srv.Env = env
	srv.Stderr = os.Stderr
	if err := srv.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: srv, base: base, dataDir: dataDir, backend: backend,
		result: &result{name: "POST /api/v1/assets → " + backend}}
	if err := waitReady(base); err != nil {
		s.stop()
		return nil, err
	}
	if s.token, err = login(base, email, password); err != nil {
		s.stop()
		return nil, err
	}
	return s, nil
}

func (s *server) stop() { _ = s.cmd.Process.Kill(); _ = s.cmd.Wait() }

// upload times one upload of src and samples the server's peak RSS.
func (s *server) upload(src string, size int64, i, runs int) error {
	fmt.Fprintf(os.Stderr, "%s: upload %d/%d…\n", s.backend, i+1, runs)
	pid := s.cmd.Process.Pid
	resetPeakRSS(pid)
	start := time.Now()
	if err := upload(s.base, s.token, src); err != nil {
		return err
	}
	s.result.mbps = append(s.result.mbps, mbps(size, time.Since(start)))
	s.result.peakRSS = append(s.result.peakRSS, peakRSS(pid))
	return nil
}

// upload streams src as a multipart body with a known length.
func upload(base, token, src string) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	info, _ := f.Stat()
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", "bench.bin"); err != nil {
		return err
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	body := io.MultiReader(bytes.NewReader(head.Bytes()), f, strings.NewReader(tail))
	req, err := http.NewRequest(http.MethodPost, base+"/api/v1/assets", body)
	if err != nil {
		return err
	}
	req.ContentLength = int64(head.Len()) + info.Size() + int64(len(tail))
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }() // read what is needed: nothing to lose
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("upload: %s: %s", resp.Status, b)
	}
	return nil
}

// minioDirect uploads with minio-go straight to the store: the s3 baseline.
type minioDirect struct {
	client *minio.Client
	bucket string
	result *result
}

func newMinioDirect() (*minioDirect, error) {
	client, err := minio.New(os.Getenv("TEST_S3_ENDPOINT"), &minio.Options{
		Creds: credentials.NewStaticV4(os.Getenv("TEST_S3_ACCESS_KEY"), os.Getenv("TEST_S3_SECRET_KEY"), ""),
	})
	if err != nil {
		return nil, err
	}
	bucket := "bench-direct-" + uuid.NewString()[:8]
	if err := client.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		return nil, err
	}
	return &minioDirect{client: client, bucket: bucket, result: &result{name: "minio-go PutObject (baseline, s3)"}}, nil
}

func (m *minioDirect) put(src string, size int64, i int) error {
	f, err := os.Open(src)
	if err != nil {
		return err
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	start := time.Now()
	if _, err := m.client.PutObject(context.Background(), m.bucket, fmt.Sprintf("direct-%d", i), f, size, minio.PutObjectOptions{}); err != nil {
		return err
	}
	m.result.mbps = append(m.result.mbps, mbps(size, time.Since(start)))
	return nil
}

func login(base, email, password string) (string, error) {
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json", bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer func() { _ = resp.Body.Close() }() // read what is needed: nothing to lose
	var out struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.Token == "" {
		return "", fmt.Errorf("login: %s", resp.Status)
	}
	return out.Token, nil
}

func waitReady(base string) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(base + "/readyz")
		if err == nil {
			_ = resp.Body.Close() // the status is the answer
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	return errors.New("server not ready after 30s")
}

// resetPeakRSS clears the kernel's high-water mark of the process's
// resident set (writing 5 to clear_refs), so VmHWM measures one upload.
func resetPeakRSS(pid int) { _ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) }

// peakRSS reads VmHWM, the peak resident set size, in bytes.
func peakRSS(pid int) int64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }() // read-only: nothing to lose
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func writeRandomFile(path string, size int64) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	rng := rand.NewChaCha8([32]byte{1})
	w := bufio.NewWriterSize(f, 1<<20)
	if _, err := io.CopyN(w, rng, size); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Sync()
}

func syncFile(path string) {
	if f, err := os.OpenFile(path, os.O_RDWR, 0); err == nil {
		_ = f.Sync()
		_ = f.Close() // nothing written through f
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	addr, ok := l.Addr().(*net.TCPAddr)
	if err := l.Close(); err != nil {
		return 0, err
	} else if !ok {
		return 0, fmt.Errorf("listener address %v is not TCP", l.Addr())
	}
	return addr.Port, nil
}

func mbps(size int64, d time.Duration) float64 { return float64(size) / (1 << 20) / d.Seconds() }

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func fmtRuns(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.0f", x)
	}
	return strings.Join(parts, ", ")
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return strings.Count(string(b), "processor\t:")
}

// rawServer is the floor of any HTTP upload here: a plain net/http handler
// that writes the request body to a file and fsyncs it, without parsing,
// hashing or a database. It is a reference, not the baseline.
type rawServer struct {
	srv    *http.Server
	base   string
	result *result
}

func startRawServer(dir string) (*rawServer, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.CreateTemp(dir, "raw-")
		if err == nil {
			_, err = io.CopyBuffer(struct{ io.Writer }{f}, r.Body, make([]byte, 1<<20))
			if err == nil {
				err = f.Sync()
			}
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if rerr := os.Remove(f.Name()); err == nil {
				err = rerr // left behind, it would slow the next run's writes
			}
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	s := &rawServer{srv: &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}, base: "http://" + l.Addr().String(),
		result: &result{name: "plain net/http body → file + fsync (reference)"}}
	go func() {
		if err := s.srv.Serve(l); !errors.Is(err, http.ErrServerClosed) {
			warn("plain HTTP receiver", err)
		}
	}()
	return s, nil
}

// Close stops the receiver.
func (s *rawServer) Close() { warn("close the plain HTTP receiver", s.srv.Close()) }

func (s *rawServer) upload(src string, size int64) error {
	start := time.Now()
	if err := upload(s.base, "", src); err != nil {
		return err
	}
	s.result.mbps = append(s.result.mbps, mbps(size, time.Since(start)))
	return nil
}
