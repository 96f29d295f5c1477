package api_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkUploadLocal streams a 64 MiB file through POST /api/v1/assets
// into the local store (the end-to-end numbers against cp and minio-go are
// in docs/benchmarks.md, from `make bench`).
func BenchmarkUploadLocal(b *testing.B) {
	const size = 64 << 20
	e := newEnv(b, withMaxUpload(size+1))
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	if _, err := mw.CreateFormFile("file", "bench.bin"); err != nil {
		b.Fatal(err)
	}
	tail := "\r\n--" + mw.Boundary() + "--\r\n"
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		body := io.MultiReader(bytes.NewReader(head.Bytes()), bytes.NewReader(data), strings.NewReader(tail))
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/assets", body)
		req.ContentLength = int64(head.Len() + len(data) + len(tail))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+e.marketerTok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}
