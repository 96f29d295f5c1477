package indexer_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/indexer/convert"
	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// sharedDocs holds real-world and hostile documents shared between
// packages; it is not in this repo.
const sharedDocs = "../../shared/testdata/docs"

type previewFixture struct {
	db   *postgres.DB
	lib  *library.Service
	w    *indexer.PreviewWorker
	conv *convert.Converter
	user *stagecraft.User
	now  time.Time
}

func newPreviewFixture(t *testing.T) *previewFixture {
	t.Helper()
	db := testdb.New(t)
	local, err := blob.NewLocal(t.TempDir(), "http://localhost", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	_, user, err := db.CreateOrganisation(context.Background(), "Acme",
		stagecraft.NewUser{Email: "m@example.com", Role: stagecraft.RoleMarketer}, "x")
	if err != nil {
		t.Fatal(err)
	}
	f := &previewFixture{db: db, user: user, now: time.Now()}
	db.Now = func() time.Time { return f.now }
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	f.lib = &library.Service{Assets: db, Taxonomy: db, Events: db, Blobs: local, Log: log, Now: db.Now, MaxUpload: 50 << 20}
	f.conv = &convert.Converter{Limits: convert.Limits{Timeout: 60 * time.Second}}
	f.w = &indexer.PreviewWorker{Store: db, Blobs: local, Renderer: f.conv, Thumbnails: extract.New(extract.DefaultLimits()),
		Log: log, Now: db.Now, ID: "p", Lease: 5 * time.Minute, MaxAttempts: 3, Poll: time.Second, TempDir: t.TempDir()}
	return f
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// upload creates an asset from a shared document (skipping the test when
// the documents are absent), or from body when it is not nil.
func (f *previewFixture) upload(t *testing.T, name string, body []byte) *stagecraft.Asset {
	t.Helper()
	if body == nil {
		var err error
		if body, err = os.ReadFile(filepath.Join(sharedDocs, name)); err != nil {
			t.Skipf("%s not present: no shared test documents", name)
		}
	}
	ctx := context.Background()
	id := library.NewAssetID()
	sf, err := f.lib.StoreFile(ctx, f.user, id, name, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.lib.CreateAsset(ctx, f.user, id, stagecraft.AssetMeta{}, sf)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// drain runs the preview worker until no job is due.
func (f *previewFixture) drain(t *testing.T) {
	t.Helper()
	for range 20 {
		did, err := f.w.ProcessOne(context.Background())
		if err != nil {
			t.Fatalf("ProcessOne: %v", err)
		}
		if !did {
			return
		}
	}
	t.Fatal("preview jobs never ran out")
}

func (f *previewFixture) find(t *testing.T, id string) *stagecraft.Asset {
	t.Helper()
	a, err := f.db.FindAssetByID(context.Background(), f.user.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func needOffice(t *testing.T) {
	t.Helper()
	if !(&convert.Converter{}).CanConvert() {
		t.Skip("LibreOffice (soffice) is not installed")
	}
}

func TestPreviewsOfRealDocuments(t *testing.T) {
	needOffice(t)
	f := newPreviewFixture(t)
	ctx := context.Background()
	cases := []struct {
		file      string
		pages     int // 0: whatever the document has, at least one
		rendition bool
	}{
		{"SampleShow.pptx", 2, true},
		{"test.pptx", 1, true},
		{"test.docx", 0, true},
		{"60316.docx", 0, true},
		{"two_paragraphs.pdf", 1, false},
	}
	ids := make([]string, len(cases))
	for i, tc := range cases {
		a := f.upload(t, tc.file, nil)
		if a.CurrentVersion.Preview.Status != stagecraft.PreviewPending {
			t.Errorf("%s: status on upload = %s", tc.file, a.CurrentVersion.Preview.Status)
		}
		ids[i] = a.ID
	}
	text := f.upload(t, "notes.txt", []byte("plain notes"))
	if s := text.CurrentVersion.Preview.Status; s != stagecraft.PreviewNone {
		t.Errorf("text file: preview status %s", s)
	}
	f.drain(t)
	// The preview jobs took nothing from the index queue.
	if n, _ := f.db.CountIndexJobs(ctx); n != len(cases)+1 {
		t.Errorf("%d index jobs, want %d", n, len(cases)+1)
	}
	for i, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			a := f.find(t, ids[i])
			v := a.CurrentVersion
			p := v.Preview
			if p.Status != stagecraft.PreviewReady || p.Error != "" {
				t.Fatalf("preview = %s %q", p.Status, p.Error)
			}
			if (tc.pages > 0 && p.Pages != tc.pages) || p.Pages < 1 || len(p.PageSizes) != p.Pages {
				t.Errorf("pages = %d, sizes %d, want %d", p.Pages, len(p.PageSizes), tc.pages)
			}
			if v.PageCount == nil || *v.PageCount != p.Pages {
				t.Errorf("page_count = %v, want %d", v.PageCount, p.Pages)
			}
			for n := 1; n <= p.Pages; n++ {
				b := readAll(t)(f.lib.OpenPage(ctx, v, n))
				if len(b) < 1000 || !bytes.HasPrefix(b, []byte{0xFF, 0xD8}) {
					t.Errorf("page %d: %d bytes, not a JPEG", n, len(b))
				}
				if s := p.PageSizes[n-1]; s.Width != convert.DefaultWidth || s.Height < 100 {
					t.Errorf("page %d size %+v", n, s)
				}
			}
			if _, _, err := f.lib.OpenPage(ctx, v, p.Pages+1); stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
				t.Errorf("page past the end: %v", err)
			}
			if b := readAll(t)(f.lib.OpenRendition(ctx, v)); !bytes.HasPrefix(b, []byte("%PDF")) {
				t.Errorf("rendition is not a PDF")
			}
			if (p.RenditionKey != "") != tc.rendition {
				t.Errorf("rendition key %q", p.RenditionKey)
			}
			if tc.rendition && a.ThumbnailKey == "" {
				t.Errorf("no thumbnail from the rendition")
			}
		})
	}
}

// readAll returns a function reading what an Open call returned.
func readAll(t *testing.T) func(io.ReadCloser, stagecraft.BlobInfo, error) []byte {
	return func(rc io.ReadCloser, _ stagecraft.BlobInfo, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rc.Close() }() // read-only
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// Damaged, encrypted and hostile files end failed with a reason, and the
// worker goes on to the next file.
func TestPreviewFailuresLeaveTheWorkerRunning(t *testing.T) {
	needOffice(t)
	f := newPreviewFixture(t)
	bad := map[string]string{
		"bug53475-password-is-solrcell.docx":                                 "password-protected",
		"clusterfuzz-testcase-minimized-POIXSLFFuzzer-5463285576892416.pptx": "could not be opened",
		"poppler-395-0-fuzzed.pdf":                                           "damaged",
	}
	ids := map[string]string{}
	for name := range bad {
		ids[name] = f.upload(t, name, nil).ID
	}
	good := f.upload(t, "SampleShow.pptx", nil)
	// Not a PDF inside, whatever it is called: sniffed as text, no preview.
	junk := f.upload(t, "junk.pdf", []byte("not a pdf at all"))
	f.drain(t)
	for name, want := range bad {
		p := f.find(t, ids[name]).CurrentVersion.Preview
		if p.Status != stagecraft.PreviewFailed || !strings.Contains(p.Error, want) {
			t.Errorf("%s: %s %q, want failed with %q", name, p.Status, p.Error, want)
		}
	}
	if p := f.find(t, good.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewReady {
		t.Errorf("good file after bad ones: %s %q", p.Status, p.Error)
	}
	if p := f.find(t, junk.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewNone {
		t.Errorf("junk: %s %q", p.Status, p.Error)
	}
}

// Without LibreOffice a deck's previews are unavailable (PDFs still get
// theirs); once it is installed, asking again makes them.
func TestPreviewUnavailableWithoutLibreOfficeThenRetried(t *testing.T) {
	f := newPreviewFixture(t)
	ctx := context.Background()
	f.conv.Soffice = filepath.Join(t.TempDir(), "soffice-not-installed")
	deck := f.upload(t, "SampleShow.pptx", nil)
	pdf := f.upload(t, "two_paragraphs.pdf", nil)
	f.drain(t)
	p := f.find(t, deck.ID).CurrentVersion.Preview
	if p.Status != stagecraft.PreviewUnavailable || !strings.Contains(p.Error, "LibreOffice") {
		t.Fatalf("deck without LibreOffice: %s %q", p.Status, p.Error)
	}
	if p := f.find(t, pdf.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewReady {
		t.Errorf("PDF without LibreOffice: %s %q", p.Status, p.Error)
	}
	needOffice(t)
	f.conv.Soffice = ""
	n, err := f.db.EnqueuePreviews(ctx, stagecraft.PreviewUnavailable)
	if err != nil || n != 1 {
		t.Fatalf("EnqueuePreviews = %d, %v", n, err)
	}
	f.drain(t)
	if p := f.find(t, deck.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewReady || p.Pages != 2 {
		t.Errorf("after LibreOffice appeared: %s %d %q", p.Status, p.Pages, p.Error)
	}
}

// A converter that hangs is killed at its time limit; the file fails with
// the reason and the worker carries on.
func TestPreviewHangingConverterIsStopped(t *testing.T) {
	f := newPreviewFixture(t)
	script := filepath.Join(t.TempDir(), "soffice")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nsleep 300\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	f.conv.Soffice, f.conv.Limits.Timeout = script, 500*time.Millisecond
	a := f.upload(t, "SampleShow.pptx", nil)
	start := time.Now()
	f.drain(t)
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %s", took)
	}
	p := f.find(t, a.ID).CurrentVersion.Preview
	if p.Status != stagecraft.PreviewFailed || !strings.Contains(p.Error, "longer than") {
		t.Errorf("preview = %s %q", p.Status, p.Error)
	}
}

// A worker that dies mid-conversion loses its job when the lease ends;
// another worker then makes the previews.
func TestPreviewJobOfADeadWorkerIsTakenOver(t *testing.T) {
	f := newPreviewFixture(t)
	ctx := context.Background()
	a := f.upload(t, "two_paragraphs.pdf", nil)
	job, err := f.db.ClaimIndexJob(ctx, stagecraft.JobPreview, "dead", time.Minute)
	if err != nil || job == nil || job.AssetID != a.ID {
		t.Fatalf("claim = %+v, %v", job, err)
	}
	if did, _ := f.w.ProcessOne(ctx); did {
		t.Fatal("took a leased job")
	}
	f.now = f.now.Add(2 * time.Minute)
	f.drain(t)
	if p := f.find(t, a.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewReady {
		t.Errorf("preview = %s %q", p.Status, p.Error)
	}
	if n, _ := f.db.CountPreviewJobs(ctx); n != 0 {
		t.Errorf("%d preview jobs left", n)
	}
}

// A new version gets previews of its own; the old version keeps its.
func TestPreviewOfANewVersion(t *testing.T) {
	f := newPreviewFixture(t)
	ctx := context.Background()
	a := f.upload(t, "two_paragraphs.pdf", nil)
	f.drain(t)
	old := f.find(t, a.ID).CurrentVersion
	body, err := os.ReadFile(filepath.Join(sharedDocs, "sizes.pdf"))
	if err != nil {
		t.Skip("sizes.pdf not present")
	}
	sf, err := f.lib.StoreFile(ctx, f.user, a.ID, "sizes.pdf", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	a2, err := f.lib.AddVersion(ctx, f.user, sf)
	if err != nil {
		t.Fatal(err)
	}
	if s := a2.CurrentVersion.Preview.Status; s != stagecraft.PreviewPending {
		t.Errorf("new version: %s", s)
	}
	f.drain(t)
	v := f.find(t, a.ID).CurrentVersion
	if v.ID == old.ID || v.Preview.Status != stagecraft.PreviewReady || v.Preview.Pages < 1 {
		t.Errorf("new version preview = %+v", v.Preview)
	}
	// Page sizes follow the pages: sizes.pdf has pages of different shapes.
	seen := map[stagecraft.PageSize]bool{}
	for _, s := range v.Preview.PageSizes {
		seen[s] = true
	}
	if v.Preview.Pages > 1 && len(seen) < 2 {
		t.Errorf("all pages of sizes.pdf the same size: %+v", v.Preview.PageSizes)
	}
	vs, err := f.db.FindVersions(ctx, f.user.OrgID, a.ID)
	if err != nil || len(vs) != 2 || vs[1].Preview.Status != stagecraft.PreviewReady {
		t.Fatalf("versions = %v, %v", vs, err)
	}
	readAll(t)(f.lib.OpenPage(ctx, vs[1], 1))
}

// Storage that is down delays previews (retried with backoff, still
// pending) rather than failing them; after MaxAttempts they fail saying why.
func TestPreviewRetriesWhileStorageIsDown(t *testing.T) {
	f := newPreviewFixture(t)
	ctx := context.Background()
	a := f.upload(t, "two_paragraphs.pdf", nil)
	store := &flakyStore{BlobStore: f.w.Blobs, down: true}
	f.w.Blobs = store
	if did, err := f.w.ProcessOne(ctx); !did || err != nil {
		t.Fatalf("ProcessOne = %v, %v", did, err)
	}
	if p := f.find(t, a.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewPending {
		t.Errorf("after a temporary failure: %s %q", p.Status, p.Error)
	}
	if did, _ := f.w.ProcessOne(ctx); did {
		t.Error("retried before its backoff")
	}
	for range f.w.MaxAttempts - 1 {
		f.now = f.now.Add(time.Hour)
		if did, err := f.w.ProcessOne(ctx); !did || err != nil {
			t.Fatalf("ProcessOne = %v, %v", did, err)
		}
	}
	p := f.find(t, a.ID).CurrentVersion.Preview
	if p.Status != stagecraft.PreviewFailed || !strings.Contains(p.Error, "gave up after 3 attempts") {
		t.Errorf("after giving up: %s %q", p.Status, p.Error)
	}
	// Storage back: asking again makes them.
	store.down = false
	if _, err := f.db.EnqueuePreviews(ctx, stagecraft.PreviewFailed); err != nil {
		t.Fatal(err)
	}
	f.drain(t)
	if p := f.find(t, a.ID).CurrentVersion.Preview; p.Status != stagecraft.PreviewReady {
		t.Errorf("after storage came back: %s %q", p.Status, p.Error)
	}
}
