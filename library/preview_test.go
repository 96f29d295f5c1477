package library_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/library"
)

// memBlobs is a blob store of fixed objects, for the read paths.
type memBlobs struct {
	stagecraft.BlobStore
	objects map[string]string
}

func (m memBlobs) Open(_ context.Context, key string) (io.ReadCloser, stagecraft.BlobInfo, error) {
	body, ok := m.objects[key]
	if !ok {
		return nil, stagecraft.BlobInfo{}, stagecraft.Errorf(stagecraft.ENOTFOUND, "Not found.")
	}
	return io.NopCloser(strings.NewReader(body)), stagecraft.BlobInfo{Key: key, Size: int64(len(body))}, nil
}

func TestOpenPageAndRendition(t *testing.T) {
	const key = "orgs/o/assets/a/v"
	blobs := memBlobs{objects: map[string]string{
		key:                          "original",
		stagecraft.RenditionKey(key): "rendition",
		stagecraft.PageKey(key, 1):   "page 1",
		stagecraft.PageKey(key, 2):   "page 2",
	}}
	lib := &library.Service{Blobs: blobs}
	const (
		pdf  = "application/pdf"
		pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
	)
	ready := stagecraft.Preview{Status: stagecraft.PreviewReady, Pages: 2}
	readyDeck := ready
	readyDeck.RenditionKey = stagecraft.RenditionKey(key)
	for _, tc := range []struct {
		name        string
		contentType string
		preview     stagecraft.Preview
		page        int
		wantPage    string // "" = ENOTFOUND
		wantPDF     string // "" = ENOTFOUND
	}{
		{"ready deck, first page", pptx, readyDeck, 1, "page 1", "rendition"},
		{"ready deck, last page", pptx, readyDeck, 2, "page 2", "rendition"},
		{"past the last page", pptx, readyDeck, 3, "", "rendition"},
		{"page zero", pptx, readyDeck, 0, "", "rendition"},
		{"pending deck", pptx, stagecraft.Preview{Status: stagecraft.PreviewPending}, 1, "", ""},
		{"failed deck", pptx, stagecraft.Preview{Status: stagecraft.PreviewFailed, Error: "damaged"}, 1, "", ""},
		{"unavailable deck", pptx, stagecraft.Preview{Status: stagecraft.PreviewUnavailable}, 1, "", ""},
		{"ready PDF", pdf, ready, 2, "page 2", "original"},
		{"pending PDF: the original is the PDF to show", pdf, stagecraft.Preview{Status: stagecraft.PreviewPending}, 1, "", "original"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := &stagecraft.AssetVersion{BlobKey: key, ContentType: tc.contentType, Preview: tc.preview}
			check := func(what string, rc io.ReadCloser, err error, want string) {
				t.Helper()
				if want == "" {
					if stagecraft.ErrorCode(err) != stagecraft.ENOTFOUND {
						t.Errorf("%s: err = %v, want not found", what, err)
					}
					return
				}
				if err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				b, _ := io.ReadAll(rc)
				_ = rc.Close()
				if string(b) != want {
					t.Errorf("%s = %q, want %q", what, b, want)
				}
			}
			rc, _, err := lib.OpenPage(context.Background(), v, tc.page)
			check("OpenPage", rc, err, tc.wantPage)
			rc, _, err = lib.OpenRendition(context.Background(), v)
			check("OpenRendition", rc, err, tc.wantPDF)
		})
	}
}
