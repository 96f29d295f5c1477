package api_test

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUploadRealDocuments uploads every public test document (real,
// broken, encrypted and hostile files), checks what the library records,
// then runs the indexer over all of them: each must end indexed, or failed
// with a readable reason, and the worker must carry on. It skips when
// ../shared/testdata is not beside the repository.
func TestUploadRealDocuments(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "testdata", "docs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no shared test documents at %s: %v", dir, err)
	}
	wantType := map[string]string{".pdf": "pdf", ".pptx": "deck", ".docx": "document"}
	e := newEnv(t, withMaxUpload(50<<20))
	ids := map[string]string{}
	for _, ent := range entries {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			a := e.createAsset(e.marketerTok, name, body)
			ids[name] = a.ID
			v := a.CurrentVersion
			if v.Size != int64(len(body)) || v.SHA256 != sha(body) || v.Filename != name {
				t.Errorf("version = %+v", v)
			}
			if want := wantType[strings.ToLower(filepath.Ext(name))]; string(a.Type) != want {
				t.Errorf("type = %q (%s), want %q", a.Type, v.ContentType, want)
			}
			dl := e.do("GET", "/api/v1/assets/"+a.ID+"/download", e.repTok, nil)
			_ = dl.Body.Close()
			resp, err := http.Get(dl.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			_, _ = got.ReadFrom(resp.Body)
			_ = resp.Body.Close()
			if !bytes.Equal(got.Bytes(), body) {
				t.Errorf("downloaded %d bytes, differ from the %d uploaded", got.Len(), len(body))
			}
		})
	}

	start := time.Now()
	e.indexAll()
	t.Logf("indexed %d documents in %s", len(ids), time.Since(start).Round(time.Millisecond))
	if n, err := e.db.CountIndexJobs(context.Background()); err != nil || n != 0 {
		t.Errorf("%d index jobs left (%v)", n, err)
	}
	for name, id := range ids {
		var a struct {
			IndexStatus    string  `json:"index_status"`
			IndexError     *string `json:"index_error"`
			ThumbnailURL   *string `json:"thumbnail_url"`
			CurrentVersion struct {
				PageCount *int `json:"page_count"`
			} `json:"current_version"`
		}
		e.json(e.do("GET", "/api/v1/assets/"+id, e.marketerTok, nil), http.StatusOK, &a)
		reason := ""
		if a.IndexError != nil {
			reason = *a.IndexError
		}
		t.Logf("%-70s %-8s pages=%v thumb=%v %s", name, a.IndexStatus, deref(a.CurrentVersion.PageCount), a.ThumbnailURL != nil, reason)
		switch {
		case a.IndexStatus == "failed" && reason == "":
			t.Errorf("%s failed without a reason", name)
		case a.IndexStatus != "indexed" && a.IndexStatus != "failed":
			t.Errorf("%s is %s after indexing", name, a.IndexStatus)
		}
	}
	// Text from inside real documents is findable.
	if r := e.find(e.repTok, "q=paragraph"); r.Total == 0 {
		t.Error("no document found by a word inside it")
	}
}

func deref(p *int) any {
	if p == nil {
		return "-"
	}
	return *p
}
