package indexer_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
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

// indexFixture is an organisation with a library and a worker over a real
// database and a local blob store.
type indexFixture struct {
	t      *testing.T
	db     *postgres.DB
	lib    *library.Service
	user   *stagecraft.User
	search *postgres.Search
	worker *indexer.Worker
}

func newIndexFixture(t *testing.T) *indexFixture {
	t.Helper()
	db := testdb.New(t)
	local, err := blob.NewLocal(t.TempDir(), "http://localhost", bytes.Repeat([]byte("k"), 32))
	if err != nil {
		t.Fatal(err)
	}
	_, user, err := db.CreateOrganisation(context.Background(), "Acme",
		stagecraft.NewUser{Email: "a@example.com", Role: stagecraft.RoleAdmin}, "x")
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	search := &postgres.Search{DB: db}
	return &indexFixture{t: t, db: db, user: user, search: search,
		lib: &library.Service{Assets: db, Taxonomy: db, Events: db, Blobs: local, Log: log, Now: time.Now, MaxUpload: 8 << 20},
		worker: &indexer.Worker{Store: db, Blobs: local, Search: search, Extractor: extract.New(extract.DefaultLimits()),
			Log: log, Now: time.Now, ID: "w", Lease: time.Minute, MaxAttempts: 3, Poll: time.Second}}
}

// upload creates an asset of a text file and runs the worker on it.
func (f *indexFixture) upload(title, text string) *stagecraft.Asset {
	f.t.Helper()
	ctx := context.Background()
	id := library.NewAssetID()
	sf, err := f.lib.StoreFile(ctx, f.user, id, "glossary.txt", strings.NewReader(text))
	if err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.lib.CreateAsset(ctx, f.user, id, stagecraft.AssetMeta{Title: title}, sf); err != nil {
		f.t.Fatal(err)
	}
	if did, err := f.worker.ProcessOne(ctx); !did || err != nil {
		f.t.Fatalf("ProcessOne = %v, %v", did, err)
	}
	a, err := f.db.FindAssetByID(ctx, f.user.OrgID, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// finds reports whether searching for q finds the asset.
func (f *indexFixture) finds(q, assetID string) bool {
	f.t.Helper()
	res, err := f.search.Search(context.Background(), stagecraft.SearchQuery{OrgID: f.user.OrgID, Text: q})
	if err != nil {
		f.t.Fatalf("search %q: %v", q, err)
	}
	for _, h := range res.Hits {
		if h.AssetID == assetID {
			return true
		}
	}
	return false
}

// word returns the i-th of a sequence of distinct lower-case words.
func word(i int) string {
	b := []byte("q")
	for n := i + 26*26*26*26; n > 0; n /= 26 {
		b = append(b, byte('a'+n%26))
	}
	return string(b)
}

// wordText returns about size bytes of distinct tokens made by token,
// between a first and a last word of their own.
func wordText(size int, token func(i int) string) string {
	var b strings.Builder
	b.WriteString("Zanzibar opens the text.\n")
	for i := 0; b.Len() < size; i++ {
		b.WriteString(token(i))
		b.WriteByte(" \n"[min(i%12, 1)])
	}
	b.WriteString("\nTimbuktu closes it.\n")
	return b.String()
}

// TestIndexLargeTextStaysFindable indexes texts whose words add up to more
// than PostgreSQL's tsvector holds: they are indexed as far as fits, stay
// findable by their title and early words, and say so.
func TestIndexLargeTextStaysFindable(t *testing.T) {
	const size = 1_900_000
	tests := []struct {
		name  string
		token func(i int) string
	}{
		{"distinct words", word},
		// Compounds are indexed whole and in parts: twice the bytes.
		{"hyphenated compounds", func(i int) string { return word(2*i) + "-" + word(2*i+1) }},
		{"addresses", func(i int) string { return "http://" + word(i) + ".example.com/" + word(i+1) }},
		// Ⱥ (2 bytes) lower-cases to ⱥ (3 bytes).
		{"letters that grow when lower-cased", func(i int) string { return "ȺȺȺ" + word(i) + "-ȺȺ" + word(i+1) }},
	}
	f := newIndexFixture(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.t = t
			title := "Glossary of " + strings.ReplaceAll(tt.name, " ", "-")
			a := f.upload(title, wordText(size, tt.token))
			if a.IndexStatus != stagecraft.IndexIndexed {
				t.Errorf("index status = %s (%v)", a.IndexStatus, str(a.IndexError))
			}
			if !strings.Contains(str(a.IndexError), "Only the beginning of this file's text is searchable") {
				t.Errorf("index note = %q, want the truncation note", str(a.IndexError))
			}
			if !f.finds(title, a.ID) {
				t.Errorf("not found by its title %q", title)
			}
			if !f.finds("zanzibar", a.ID) {
				t.Error("not found by the text's first word")
			}
			if f.finds("timbuktu", a.ID) {
				t.Error("found by a word past the indexing limit")
			}
		})
	}
}

// refusingText is a search backend that refuses any document with text,
// as it would one it cannot index.
type refusingText struct{ stagecraft.SearchIndex }

func (r refusingText) Index(ctx context.Context, docs ...*stagecraft.SearchDoc) error {
	for _, d := range docs {
		if d.Body != "" {
			return fmt.Errorf("index %s: %w", d.AssetID, errors.New("document refused"))
		}
	}
	return r.SearchIndex.Index(ctx, docs...)
}

// TestIndexWriteFailureKeepsMetadata: when the backend refuses a document
// for good, the asset is indexed without its text, findable by its title,
// and says why its text is not searchable.
func TestIndexWriteFailureKeepsMetadata(t *testing.T) {
	f := newIndexFixture(t)
	f.worker.Search = refusingText{f.search}
	a := f.upload("Pricing handbook", "quarterly forecast notes")
	if !f.finds("pricing handbook", a.ID) {
		t.Error("not found by its title")
	}
	if f.finds("forecast", a.ID) {
		t.Error("found by its text, which the backend refused")
	}
	if a.IndexStatus != stagecraft.IndexFailed || !strings.Contains(str(a.IndexError), "findable by its title, description and tags") {
		t.Errorf("index status = %s %q", a.IndexStatus, str(a.IndexError))
	}
	if n, _ := f.db.CountIndexJobs(context.Background()); n != 0 {
		t.Errorf("%d jobs left", n)
	}
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
