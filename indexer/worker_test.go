package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/indexer"
	"github.com/stagecraft/stagecraft/indexer/extract"
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/storage/blob"
	"github.com/stagecraft/stagecraft/storage/postgres"
)

// flakyStore is a blob store whose reads fail while down is set.
type flakyStore struct {
	stagecraft.BlobStore
	down bool
}

func (f *flakyStore) Open(ctx context.Context, key string) (io.ReadCloser, stagecraft.BlobInfo, error) {
	if f.down {
		return nil, stagecraft.BlobInfo{}, stagecraft.Unavailable("object storage", errors.New("connection refused"))
	}
	return f.BlobStore.Open(ctx, key)
}

type panicky struct{ indexer.Extractor }

func (panicky) Extract(context.Context, string, string) (*extract.Result, error) { panic("parser bug") }

func TestWorkerRetriesWhileStorageIsDownThenFails(t *testing.T) {
	db := testdb.New(t)
	ctx := context.Background()
	local, err := blob.NewLocal(t.TempDir(), "http://localhost", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	store := &flakyStore{BlobStore: local, down: true}
	_, user, err := db.CreateOrganisation(ctx, "Acme", stagecraft.NewUser{Email: "a@example.com", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	db.Now = func() time.Time { return now }
	log := slog.New(slog.DiscardHandler)
	lib := &library.Service{Assets: db, Taxonomy: db, Events: db, Blobs: local, Log: log, Now: time.Now, MaxUpload: 1 << 20}
	id := library.NewAssetID()
	sf, err := lib.StoreFile(ctx, user, id, "notes.txt", strings.NewReader("quarterly forecast notes"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.CreateAsset(ctx, user, id, stagecraft.AssetMeta{}, sf); err != nil {
		t.Fatal(err)
	}
	search := &postgres.Search{DB: db}
	w := &indexer.Worker{Store: db, Blobs: store, Search: search, Extractor: extract.New(extract.DefaultLimits()),
		Log: log, Now: func() time.Time { return now }, ID: "w", Lease: time.Minute, MaxAttempts: 3, Poll: time.Second}

	status := func() (string, string) {
		a, err := db.FindAssetByID(ctx, user.OrgID, id)
		if err != nil {
			t.Fatal(err)
		}
		if a.IndexError == nil {
			return a.IndexStatus, ""
		}
		return a.IndexStatus, *a.IndexError
	}
	// Storage down: retried later, the asset stays pending.
	if did, err := w.ProcessOne(ctx); !did || err != nil {
		t.Fatalf("ProcessOne = %v, %v", did, err)
	}
	if s, _ := status(); s != stagecraft.IndexPending {
		t.Errorf("status after a temporary failure = %s", s)
	}
	if did, _ := w.ProcessOne(ctx); did {
		t.Error("retried before its backoff")
	}
	// Storage back: indexed and findable.
	store.down = false
	now = now.Add(time.Hour)
	if did, err := w.ProcessOne(ctx); !did || err != nil {
		t.Fatalf("ProcessOne = %v, %v", did, err)
	}
	if s, e := status(); s != stagecraft.IndexIndexed || e != "" {
		t.Errorf("status = %s %q", s, e)
	}
	res, err := search.Search(ctx, stagecraft.SearchQuery{OrgID: user.OrgID, Text: "forecast"})
	if err != nil || res.Total != 1 {
		t.Fatalf("search = %+v, %v", res, err)
	}

	// A new version while storage stays down: failed after MaxAttempts,
	// with the reason.
	sf, err = lib.StoreFile(ctx, user, id, "notes-v2.txt", strings.NewReader("second version"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lib.AddVersion(ctx, user, sf); err != nil {
		t.Fatal(err)
	}
	store.down = true
	for range 3 {
		now = now.Add(time.Hour)
		if did, err := w.ProcessOne(ctx); !did || err != nil {
			t.Fatalf("ProcessOne = %v, %v", did, err)
		}
	}
	if s, e := status(); s != stagecraft.IndexFailed || !strings.Contains(e, "after 3 attempts") || !strings.Contains(e, "object storage") {
		t.Errorf("status = %s %q", s, e)
	}
	if n, _ := db.CountIndexJobs(ctx); n != 0 {
		t.Errorf("%d jobs left after giving up", n)
	}

	// A panic in a parser fails the document, not the worker.
	store.down = false
	w.Extractor = panicky{w.Extractor}
	if _, err := db.EnqueueAllIndexJobs(ctx, true); err != nil {
		t.Fatal(err)
	}
	if did, err := w.ProcessOne(ctx); !did || err != nil {
		t.Fatalf("ProcessOne after a panic = %v, %v", did, err)
	}
	if s, e := status(); s != stagecraft.IndexFailed || !strings.Contains(e, "internal error") {
		t.Errorf("after a panic: %s %q", s, e)
	}
}
