package api_test

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUploadRealDocuments uploads every public test document (real,
// broken, encrypted and hostile files) and checks what the library records.
// It skips when ../shared/testdata is not beside the repository.
func TestUploadRealDocuments(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "testdata", "docs")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("no shared test documents at %s: %v", dir, err)
	}
	wantType := map[string]string{".pdf": "pdf", ".pptx": "deck", ".docx": "document"}
	e := newEnv(t, withMaxUpload(50<<20))
	for _, ent := range entries {
		name := ent.Name()
		t.Run(name, func(t *testing.T) {
			e := e.with(t)
			body, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			a := e.createAsset(e.marketerTok, name, body)
			v := a.CurrentVersion
			if v.Size != int64(len(body)) || v.SHA256 != sha(body) || v.Filename != name {
				t.Errorf("version = %+v", v)
			}
			if want := wantType[strings.ToLower(filepath.Ext(name))]; a.Type != want {
				t.Errorf("type = %q (%s), want %q", a.Type, v.ContentType, want)
			}
			dl := e.do("GET", "/api/v1/assets/"+a.ID+"/download", e.repTok, nil)
			dl.Body.Close()
			resp, err := http.Get(dl.Header.Get("Location"))
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			_, _ = got.ReadFrom(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(got.Bytes(), body) {
				t.Errorf("downloaded %d bytes, differ from the %d uploaded", got.Len(), len(body))
			}
		})
	}
}
