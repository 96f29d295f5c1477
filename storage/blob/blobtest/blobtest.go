// Package blobtest checks that a stagecraft.BlobStore keeps the interface's
// contract. Every implementation runs the same suite, so callers can rely on
// the same behaviour whichever backend is configured. It also starts private
// MinIO servers for tests (StartMinIO).
package blobtest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
)

// Run runs the conformance suite. newStore must return an empty store,
// cleaned up by the test; each subtest gets its own. Signed URLs must be
// fetchable with net/http while the test runs.
func Run(t *testing.T, newStore func(t *testing.T) stagecraft.BlobStore) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s stagecraft.BlobStore)
	}{
		{"RoundTrip", testRoundTrip},
		{"Streaming", testStreaming},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"Missing", testMissing},
		{"InvalidKey", testInvalidKey},
		{"WrongSize", testWrongSize},
		{"FailingReader", testFailingReader},
		{"CancelledContext", testCancelledContext},
		{"SignedURL", testSignedURL},
		{"TamperedSignedURL", testTamperedSignedURL},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func testRoundTrip(t *testing.T, s stagecraft.BlobStore) {
	cases := []struct {
		name, key, ct string
		data          []byte
		size          int64 // -1 for unknown
	}{
		{"known size", "orgs/o1/assets/a1/v1", "application/pdf", []byte("%PDF-1.7 deck"), 13},
		{"unknown size", "orgs/o1/assets/a1/v2", "text/plain; charset=utf-8", []byte("hello"), -1},
		{"empty", "orgs/o1/assets/a1/empty", "text/plain; charset=utf-8", nil, 0},
		{"empty unknown size", "orgs/o1/assets/a1/empty2", "text/plain; charset=utf-8", nil, -1},
		{"odd characters", "orgs/o1/assets/a1/Q3 deck (final) ü+&=%.pdf", "application/pdf", []byte("x"), 1},
		{"default type", "orgs/o1/assets/a1/untyped", "", []byte("x"), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			n, err := s.Put(ctx, tc.key, onlyReader{bytes.NewReader(tc.data)}, tc.size, tc.ct)
			if err != nil {
				t.Fatalf("Put: %v", err)
			} else if n != int64(len(tc.data)) {
				t.Fatalf("Put returned %d bytes, want %d", n, len(tc.data))
			}
			wantCT := tc.ct
			if wantCT == "" {
				wantCT = "application/octet-stream"
			}
			info := mustStat(t, s, tc.key)
			checkInfo(t, "Stat", info, tc.key, int64(len(tc.data)), wantCT)
			if info.ModTime.IsZero() {
				t.Error("Stat: zero ModTime")
			}

			rc, info, err := s.Open(ctx, tc.key)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer mustClose(t, tc.key, rc)
			checkInfo(t, "Open", info, tc.key, int64(len(tc.data)), wantCT)
			if got, err := io.ReadAll(rc); err != nil {
				t.Fatalf("read: %v", err)
			} else if !bytes.Equal(got, tc.data) {
				t.Fatalf("read %q, want %q", got, tc.data)
			}
		})
	}
}

// testStreaming stores a payload larger than an S3 part, generated as it
// is read, and compares digests rather than holding it in memory.
func testStreaming(t *testing.T, s stagecraft.BlobStore) {
	const size = 20<<20 + 123 // more than one 16 MiB part, not a multiple of it
	for key, declared := range map[string]int64{"streams/unknown-size": -1, "streams/exact-size": size} {
		ctx := context.Background()
		src := RandomReader(7, size)
		h := sha256.New()
		n, err := s.Put(ctx, key, io.TeeReader(src, h), declared, "video/mp4")
		if err != nil {
			t.Fatalf("Put(size %d): %v", declared, err)
		} else if n != size {
			t.Fatalf("Put(size %d) = %d bytes, want %d", declared, n, size)
		}
		rc, info, err := s.Open(ctx, key)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		checkInfo(t, "Open", info, key, size, "video/mp4")
		got := sha256.New()
		if _, err := io.Copy(got, rc); err != nil {
			t.Fatalf("read: %v", err)
		}
		mustClose(t, key, rc)
		if !bytes.Equal(got.Sum(nil), h.Sum(nil)) {
			t.Fatalf("size %d: stored bytes differ from the source", declared)
		}
	}
}

func testOverwrite(t *testing.T, s stagecraft.BlobStore) {
	const key = "orgs/o1/thumbs/t1"
	mustPut(t, s, key, []byte("first version, longer"), "image/png")
	mustPut(t, s, key, []byte("second"), "image/webp")
	checkInfo(t, "Stat", mustStat(t, s, key), key, 6, "image/webp")
	if got := mustRead(t, s, key); string(got) != "second" {
		t.Fatalf("read %q, want %q", got, "second")
	}
}

func testDelete(t *testing.T, s stagecraft.BlobStore) {
	ctx := context.Background()
	const key = "orgs/o1/assets/gone"
	if err := s.Delete(ctx, key); err != nil {
		t.Fatalf("Delete(missing): %v", err)
	}
	mustPut(t, s, key, []byte("x"), "text/plain")
	for i := range 2 {
		if err := s.Delete(ctx, key); err != nil {
			t.Fatalf("Delete #%d: %v", i+1, err)
		}
	}
	wantNotFound(t, s, key)
}

func testMissing(t *testing.T, s stagecraft.BlobStore) {
	mustPut(t, s, "orgs/o1/assets/present", []byte("x"), "text/plain")
	for _, key := range []string{"orgs/o1/assets/absent", "orgs/o1/assets", "orgs/o1/assets/present/child"} {
		wantNotFound(t, s, key)
	}
}

func testInvalidKey(t *testing.T, s stagecraft.BlobStore) {
	ctx := context.Background()
	for _, key := range []string{"", "/abs", "a/../b", "a//b", `a\b`, "a/./b", "a/", ".."} {
		ops := map[string]error{}
		_, ops["Put"] = s.Put(ctx, key, bytes.NewReader(nil), 0, "text/plain")
		_, ops["Stat"] = s.Stat(ctx, key)
		_, _, ops["Open"] = s.Open(ctx, key)
		ops["Delete"] = s.Delete(ctx, key)
		_, ops["SignedURL"] = s.SignedURL(ctx, key, time.Minute, "f.txt", "text/plain")
		for op, err := range ops {
			if code := stagecraft.ErrorCode(err); code != stagecraft.EINVALID {
				t.Errorf("%s(%q): code %q (%v), want %q", op, key, code, err, stagecraft.EINVALID)
			}
		}
	}
}

// testWrongSize declares sizes that the body does not match: Put must
// refuse (EINVALID) rather than store a truncated or padded object.
func testWrongSize(t *testing.T, s stagecraft.BlobStore) {
	cases := []struct {
		name           string
		actual, stated int64
	}{
		{"short", 4, 5},
		{"long", 4, 3},
		{"multipart short", 17 << 20, 20 << 20},
		{"multipart long", 20<<20 + 1, 20 << 20},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const key = "orgs/o1/assets/sized"
			_, err := s.Put(context.Background(), key, RandomReader(4, tc.actual), tc.stated, "video/mp4")
			if code := stagecraft.ErrorCode(err); code != stagecraft.EINVALID {
				t.Fatalf("Put of %d bytes as %d = %v (code %q), want %s", tc.actual, tc.stated, err, code, stagecraft.EINVALID)
			}
			wantNotFound(t, s, key)
		})
	}
}

// errBroken is what a source fails with half-way.
var errBroken = errors.New("blobtest: source broke")

func testFailingReader(t *testing.T, s stagecraft.BlobStore) {
	cases := []struct {
		name          string
		before, total int64 // bytes delivered before failing; size passed to Put
		err           error
	}{
		{"small known size", 1 << 20, 2 << 20, errBroken},
		{"small unknown size", 1 << 20, -1, errBroken},
		// Past the first part, so a multipart upload has parts to abort.
		{"multipart unknown size", 17 << 20, -1, errBroken},
		{"multipart known size", 17 << 20, 40 << 20, errBroken},
		// An upload whose client hangs up looks like a network error, but
		// it is the caller's, not an outage of the store.
		{"client gone", 1 << 20, 2 << 20, io.ErrUnexpectedEOF},
		{"client gone, multipart", 17 << 20, -1, io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const key = "orgs/o1/assets/broken"
			r := io.MultiReader(RandomReader(1, tc.before), errReader{tc.err})
			_, err := s.Put(context.Background(), key, r, tc.total, "application/pdf")
			if !errors.Is(err, tc.err) {
				t.Fatalf("Put = %v, want an error wrapping %v", err, tc.err)
			}
			if code := stagecraft.ErrorCode(err); code == stagecraft.EUNAVAILABLE {
				t.Errorf("Put = %v: the source's failure reported as %s", err, code)
			}
			wantNotFound(t, s, key)
		})
	}
}

func testCancelledContext(t *testing.T, s stagecraft.BlobStore) {
	cases := []struct {
		name         string
		cancelAfter  int64 // bytes read before the context is cancelled; 0: before Put
		total, sized int64
	}{
		{"before Put", 0, 1 << 10, 1 << 10},
		{"known size", 1 << 20, 4 << 20, 4 << 20},
		{"unknown size", 1 << 20, 4 << 20, -1},
		{"multipart unknown size", 17 << 20, 40 << 20, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const key = "orgs/o1/assets/cancelled"
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			r := RandomReader(2, tc.total)
			if tc.cancelAfter == 0 {
				cancel()
			} else {
				r = io.MultiReader(io.LimitReader(r, tc.cancelAfter), &cancelReader{cancel: cancel, r: r})
			}
			_, err := s.Put(ctx, key, r, tc.sized, "application/pdf")
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Put = %v, want an error wrapping context.Canceled", err)
			}
			wantNotFound(t, s, key)
		})
	}
}

func testSignedURL(t *testing.T, s stagecraft.BlobStore) {
	const key = "orgs/o1/assets/a1/v3"
	data := []byte("slide deck bytes 0123456789")
	mustPut(t, s, key, data, "application/octet-stream")
	const filename = `Q3 "pitch" – Müller\final.pdf`

	u, err := s.SignedURL(context.Background(), key, time.Hour, filename, "application/pdf")
	if err != nil {
		t.Fatalf("SignedURL: %v", err)
	}
	resp := get(t, u, nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET: status %d: %s", resp.StatusCode, resp.body)
	}
	if !bytes.Equal(resp.body, data) {
		t.Errorf("GET body %q, want %q", resp.body, data)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("Content-Type %q, want application/pdf", ct)
	}
	cd := resp.Header.Get("Content-Disposition")
	disp, params, err := mime.ParseMediaType(cd)
	// The backslash is a path separator to some clients, so stores may
	// replace it; everything else must survive, including non-ASCII.
	if want := `Q3 "pitch" – Müller_final.pdf`; err != nil || disp != "attachment" || params["filename"] != want {
		t.Errorf("Content-Disposition %q: parsed %q %q (%v), want attachment naming %q", cd, disp, params["filename"], err, want)
	}

	// Ranges are how players and resumable downloads fetch large files.
	resp = get(t, u, http.Header{"Range": {"bytes=6-9"}})
	if resp.StatusCode != http.StatusPartialContent || string(resp.body) != "deck" {
		t.Errorf("GET bytes=6-9: status %d body %q, want 206 %q", resp.StatusCode, resp.body, "deck")
	}

	// Without a content type the stored one is served.
	u, err = s.SignedURL(context.Background(), key, time.Hour, "", "")
	if err != nil {
		t.Fatalf("SignedURL without type: %v", err)
	}
	if resp := get(t, u, nil); resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("GET without type: status %d, Content-Type %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	for _, ttl := range []time.Duration{0, -time.Minute, 8 * 24 * time.Hour} {
		if _, err := s.SignedURL(context.Background(), key, ttl, "f", ""); stagecraft.ErrorCode(err) != stagecraft.EINVALID {
			t.Errorf("SignedURL(ttl %v) = %v, want EINVALID", ttl, err)
		}
	}
}

// testTamperedSignedURL alters each part of a signed URL in turn and
// expects the store to refuse it without serving any object.
func testTamperedSignedURL(t *testing.T, s stagecraft.BlobStore) {
	const key, other = "orgs/o1/assets/secret", "orgs/o1/assets/other"
	mustPut(t, s, key, []byte("secret"), "text/plain")
	mustPut(t, s, other, []byte("other"), "text/plain")
	signed, err := s.SignedURL(context.Background(), key, time.Hour, "secret.txt", "text/plain")
	if err != nil {
		t.Fatalf("SignedURL: %v", err)
	}
	base, err := url.Parse(signed)
	if err != nil {
		t.Fatalf("parse signed URL: %v", err)
	}

	tampered := map[string]*url.URL{}
	u := *base
	u.Path, u.RawPath = base.Path[:len(base.Path)-len("secret")]+"other", ""
	tampered["other key"] = &u
	for name := range base.Query() {
		for verb, edit := range map[string]func(url.Values){
			"changed": func(q url.Values) { q.Set(name, q.Get(name)+"0") },
			"removed": func(q url.Values) { q.Del(name) },
		} {
			q := base.Query()
			edit(q)
			u := *base
			u.RawQuery = q.Encode()
			tampered[verb+" "+name] = &u
		}
	}
	for name, u := range tampered {
		resp := get(t, u.String(), nil)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 || resp.StatusCode == http.StatusNotFound {
			t.Errorf("%s: status %d, want a refusal (4xx other than 404): %s", name, resp.StatusCode, u)
		}
		if b := string(resp.body); b == "secret" || b == "other" {
			t.Errorf("%s: response serves an object: %q", name, b)
		}
	}
}

func testPing(t *testing.T, s stagecraft.BlobStore) {
	if err := s.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

// RandomReader returns n pseudo-random bytes from seed, generated as they
// are read. It implements only io.Reader, so stores cannot seek it.
func RandomReader(seed uint64, n int64) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], seed)
	return io.LimitReader(onlyReader{rand.NewChaCha8(s)}, n)
}
