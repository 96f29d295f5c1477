package api_test

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stagecraft/stagecraft/api"
)

// A deck's pages become images that signed-in users who may see the asset
// fetch one by one; the asset's preview says how many and how large.
func TestAssetPages(t *testing.T) {
	if _, err := exec.LookPath("soffice"); err != nil {
		t.Skip("LibreOffice (soffice) is not installed")
	}
	body, err := os.ReadFile(filepath.Join("..", "..", "shared", "testdata", "docs", "SampleShow.pptx"))
	if err != nil {
		t.Skipf("no shared test documents: %v", err)
	}
	e := newEnv(t, withMaxUpload(50<<20))
	deck := e.createAsset(e.marketerTok, "SampleShow.pptx", body)
	draft := e.createAsset(e.marketerTok, "draft.pptx", body, field("status", "draft"))
	if deck.Preview == nil || deck.Preview.Status != "pending" {
		t.Fatalf("preview on upload = %+v", deck.Preview)
	}
	e.previewAll()

	var a api.AssetResponse
	e.json(e.do("GET", "/api/v1/assets/"+deck.ID, e.repTok, nil), http.StatusOK, &a)
	p := a.Preview
	if p.Status != "ready" || p.Pages != 2 || len(p.PageSizes) != 2 || p.Error != nil {
		t.Fatalf("preview = %+v", p)
	}
	if p.PageSizes[0][0] != 1400 || p.PageSizes[0][1] < 100 {
		t.Errorf("page size %v", p.PageSizes[0])
	}
	if a.ThumbnailURL == nil {
		t.Error("no thumbnail from the first page")
	}

	for _, tc := range []struct {
		name, path, token string
		status            int
	}{
		{"first page", "/pages/1", e.repTok, http.StatusOK},
		{"last page", "/pages/2", e.marketerTok, http.StatusOK},
		{"past the end", "/pages/3", e.repTok, http.StatusNotFound},
		{"page zero", "/pages/0", e.repTok, http.StatusBadRequest},
		{"not a number", "/pages/x", e.repTok, http.StatusBadRequest},
		{"signed out", "/pages/1", "", http.StatusUnauthorized},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp := e.with(t).do("GET", "/api/v1/assets/"+deck.ID+tc.path, tc.token, nil)
			b, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, b)
			}
			if tc.status == http.StatusOK && (resp.Header.Get("Content-Type") != "image/jpeg" || len(b) < 1000 || b[0] != 0xFF) {
				t.Errorf("%s, %d bytes: not a JPEG", resp.Header.Get("Content-Type"), len(b))
			}
		})
	}
	// A draft is 404 to reps, pages included; marketers see it.
	resp := e.do("GET", "/api/v1/assets/"+draft.ID+"/pages/1", e.repTok, nil)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("rep reading a draft's page: %d", resp.StatusCode)
	}
	resp = e.do("GET", "/api/v1/assets/"+draft.ID+"/pages/1", e.marketerTok, nil)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("marketer reading a draft's page: %d", resp.StatusCode)
	}
	// Another organisation's asset is 404.
	_, _, otherTok := e.newOrg("Other")
	resp = e.do("GET", "/api/v1/assets/"+deck.ID+"/pages/1", otherTok, nil)
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("another organisation: %d", resp.StatusCode)
	}
}
