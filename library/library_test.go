package library_test

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
	"github.com/stagecraft/stagecraft/internal/testdb"
	"github.com/stagecraft/stagecraft/library"
	"github.com/stagecraft/stagecraft/storage/blob"
)

type fixture struct {
	lib  *library.Service
	user *stagecraft.User
	now  time.Time
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := testdb.New(t)
	store, err := blob.NewLocal(t.TempDir(), "http://localhost", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	_, user, err := db.CreateOrganisation(context.Background(), "Acme",
		stagecraft.NewUser{Email: "m@example.com", Role: stagecraft.RoleMarketer}, "hash")
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{user: user, now: time.Now()}
	f.lib = &library.Service{Assets: db, Taxonomy: db, Events: db, Blobs: store,
		Log: slog.New(slog.DiscardHandler), Now: func() time.Time { return f.now },
		MaxUpload: 1 << 20, URLTTL: time.Minute, OrphanAge: time.Hour}
	return f
}

func exists(t *testing.T, s stagecraft.BlobStore, key string) bool {
	t.Helper()
	_, err := s.Stat(context.Background(), key)
	if err != nil && stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
		t.Fatal(err)
	}
	return err == nil
}

// A crash after the object is written but before its row is committed
// leaves an object with an intent and no row; the sweep removes it once it
// is older than OrphanAge, and leaves committed objects alone.
func TestSweepRemovesOrphansOfACrash(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	orphan, err := f.lib.StoreFile(ctx, f.user, library.NewAssetID(), "crash.txt", strings.NewReader("half done"))
	if err != nil {
		t.Fatal(err)
	}
	// (the process dies here: no CreateAsset, no Discard)
	keptID := library.NewAssetID()
	kept, err := f.lib.StoreFile(ctx, f.user, keptID, "kept.txt", strings.NewReader("committed"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.lib.CreateAsset(ctx, f.user, keptID, stagecraft.AssetMeta{}, kept); err != nil {
		t.Fatal(err)
	}

	if n, err := f.lib.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("young orphan swept: n=%d err=%v", n, err)
	}
	if !exists(t, f.lib.Blobs, orphan.Version.BlobKey) {
		t.Fatal("a young upload's object was deleted: it may still be in progress")
	}
	f.now = f.now.Add(2 * time.Hour)
	if n, err := f.lib.Sweep(ctx); err != nil || n != 1 {
		t.Fatalf("Sweep = %d, %v; want 1", n, err)
	}
	if exists(t, f.lib.Blobs, orphan.Version.BlobKey) {
		t.Error("orphaned object still stored")
	}
	if !exists(t, f.lib.Blobs, kept.Version.BlobKey) {
		t.Error("a committed object was swept")
	}
	if n, _ := f.lib.Sweep(ctx); n != 0 {
		t.Errorf("second sweep removed %d", n)
	}
	// An upload the sweeper gave up on cannot be committed afterwards.
	_, err = f.lib.CreateAsset(ctx, f.user, orphan.Version.AssetID, stagecraft.AssetMeta{}, orphan)
	if stagecraft.ErrorCode(err) != stagecraft.ECONFLICT {
		t.Errorf("commit after sweep: %v, want conflict", err)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("disk on fire")
	}
	n := min(len(p), r.n)
	r.n -= n
	for i := range p[:n] {
		p[i] = 'x'
	}
	return n, nil
}

func TestStoreFileFailuresKeepNothing(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	tests := []struct {
		name string
		r    io.Reader
		code string
	}{
		{"empty", strings.NewReader(""), stagecraft.EINVALID},
		{"too large", bytes.NewReader(make([]byte, 1<<20+1)), stagecraft.ETOOLARGE},
		{"reader fails", &failingReader{n: 100 << 10}, stagecraft.EINTERNAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sf, err := f.lib.StoreFile(ctx, f.user, library.NewAssetID(), "f.txt", tt.r)
			if sf != nil || stagecraft.ErrorCode(err) != tt.code {
				t.Fatalf("StoreFile = %v, %v; want code %s", sf, err, tt.code)
			}
			f.now = f.now.Add(48 * time.Hour)
			if n, err := f.lib.Sweep(ctx); err != nil || n != 0 {
				t.Errorf("failed upload left %d intents (%v)", n, err)
			}
		})
	}
}

func TestCreateAssetDefaultsAndDiscardOnInvalidMeta(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := library.NewAssetID()
	sf, err := f.lib.StoreFile(ctx, f.user, id, "board_update-q3.txt", strings.NewReader("text"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.lib.CreateAsset(ctx, f.user, id, stagecraft.AssetMeta{Stages: []string{"closing"}}, sf)
	if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
		t.Fatalf("err = %v", err)
	}
	if exists(t, f.lib.Blobs, sf.Version.BlobKey) {
		t.Error("object kept after invalid metadata")
	}

	id = library.NewAssetID()
	sf, _ = f.lib.StoreFile(ctx, f.user, id, "board_update-q3.txt", strings.NewReader("text"))
	a, err := f.lib.CreateAsset(ctx, f.user, id, stagecraft.AssetMeta{Tags: []string{" a ", "a", ""}}, sf)
	if err != nil {
		t.Fatal(err)
	}
	if a.Title != "board update q3" || !a.TitleFromFilename || a.Status != stagecraft.StatusPublished ||
		len(a.Tags) != 1 || a.Type != stagecraft.TypeText {
		t.Errorf("asset = %+v", a)
	}
}
