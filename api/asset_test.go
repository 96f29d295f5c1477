package api_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft/internal/pdfgen"

	"github.com/stagecraft/stagecraft/api"
)

func TestAssetUploadAndDownload(t *testing.T) {
	e := newEnv(t)
	pdf := pdfgen.Document{Title: "Pricing", Pages: [][]string{{"Our prices"}}}.Bytes()
	// Fields before and after the file, repeated and comma-separated lists.
	resp := e.upload("/api/v1/assets", e.marketerTok,
		field("stages", "discovery,evaluation"), field("personas", "champion"),
		file("../../Q3_pricing-sheet.pdf", pdf),
		field("personas", "economic_buyer"), field("tags", "pricing, q3"), field("expires_at", "2099-01-01T00:00:00+02:00"))
	var a api.AssetResponse
	e.json(resp, http.StatusCreated, &a)
	v := a.CurrentVersion
	switch {
	case a.Title != "Q3 pricing sheet", a.Type != "pdf", a.Status != "published", a.IndexStatus != "pending":
		t.Errorf("asset = %+v", a)
	case strings.Join(a.Stages, ",") != "discovery,evaluation", strings.Join(a.Personas, ",") != "champion,economic_buyer",
		strings.Join(a.Tags, ",") != "pricing,q3":
		t.Errorf("tags = %v %v %v", a.Stages, a.Personas, a.Tags)
	case v.Filename != "Q3_pricing-sheet.pdf", v.ContentType != "application/pdf", v.Size != int64(len(pdf)),
		v.SHA256 != sha(pdf), v.Number != 1:
		t.Errorf("version = %+v", v)
	case a.ExpiresAt == nil || !a.ExpiresAt.Equal(time.Date(2098, 12, 31, 22, 0, 0, 0, time.UTC)):
		t.Errorf("expires_at = %v, want UTC", a.ExpiresAt)
	case a.OwnerID != e.marketer.ID:
		t.Errorf("owner = %s", a.OwnerID)
	}
	if _, _, intents := e.counts(); intents != 0 {
		t.Errorf("%d upload intents left after a committed upload", intents)
	}

	// Download: a redirect to a short-lived URL serving the same bytes.
	dl := e.do("GET", "/api/v1/assets/"+a.ID+"/download", e.repTok, nil)
	if dl.StatusCode != http.StatusFound {
		t.Fatalf("download status %d", dl.StatusCode)
	}
	loc := dl.Header.Get("Location")
	got, err := http.Get(loc)
	must(t, err)
	body, _ := io.ReadAll(got.Body)
	_ = got.Body.Close()
	if got.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) || got.Header.Get("Content-Type") != "application/pdf" ||
		!strings.Contains(got.Header.Get("Content-Disposition"), "Q3_pricing-sheet.pdf") {
		t.Errorf("signed URL: %d %q %q (%d bytes)", got.StatusCode, got.Header.Get("Content-Type"), got.Header.Get("Content-Disposition"), len(body))
	}
	tampered, err := http.Get(strings.Replace(loc, "sig=", "sig=00", 1))
	must(t, err)
	_ = tampered.Body.Close()
	if tampered.StatusCode != http.StatusForbidden {
		t.Errorf("tampered signed URL: status %d", tampered.StatusCode)
	}

	var n int
	var user string
	must(t, e.db.Pool.QueryRow(context.Background(),
		`SELECT count(*), max(user_id::text) FROM usage_events WHERE asset_id = $1 AND type = 'download'`, a.ID).Scan(&n, &user))
	if n != 1 || user != e.rep.ID {
		t.Errorf("download events = %d by %s, want 1 by the rep", n, user)
	}
	e.fail(e.do("GET", "/api/v1/assets/"+a.ID+"/download?deal_id=00000000-0000-0000-0000-000000000000", e.repTok, nil),
		http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/assets/"+a.ID+"/thumbnail", e.repTok, nil), http.StatusNotFound, "not_found")

	// ?format=json: the same kind of URL in the body, and a second download.
	var dj struct {
		URL       string    `json:"url"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	e.json(e.do("GET", "/api/v1/assets/"+a.ID+"/download?format=json", e.repTok, nil), http.StatusOK, &dj)
	got, err = http.Get(dj.URL)
	must(t, err)
	body, _ = io.ReadAll(got.Body)
	_ = got.Body.Close()
	if got.StatusCode != http.StatusOK || !bytes.Equal(body, pdf) || time.Until(dj.ExpiresAt) <= 0 || time.Until(dj.ExpiresAt) > time.Hour {
		t.Errorf("json download: %d, %d bytes, expires %v", got.StatusCode, len(body), dj.ExpiresAt)
	}
	must(t, e.db.Pool.QueryRow(context.Background(),
		`SELECT count(*) FROM usage_events WHERE asset_id = $1 AND type = 'download'`, a.ID).Scan(&n))
	if n != 2 {
		t.Errorf("download events = %d after the JSON download, want 2", n)
	}
	e.fail(e.do("GET", "/api/v1/assets/"+a.ID+"/download?format=xml", e.repTok, nil), http.StatusBadRequest, "invalid_input")
}

func TestUploadContentTypeIsSniffed(t *testing.T) {
	e := newEnv(t)
	html := []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")
	a := e.createAsset(e.marketerTok, "innocent.pdf", html, field("title", "Not a PDF"))
	if a.CurrentVersion.ContentType != "text/html; charset=utf-8" || a.Type != "text" || a.Title != "Not a PDF" {
		t.Errorf("asset = %+v", a)
	}
}

func TestUploadBadInput(t *testing.T) {
	pdf := pdfgen.Document{Title: "x", Pages: [][]string{{"x"}}}.Bytes()
	tests := []struct {
		name   string
		parts  []part
		status int
		code   string
		substr string
	}{
		{"empty file", []part{file("e.pdf", nil)}, http.StatusBadRequest, "invalid_input", "file is empty"},
		{"no file", []part{field("title", "x")}, http.StatusBadRequest, "invalid_input", "file is required"},
		{"two files", []part{file("a.pdf", pdf), file("b.pdf", pdf)}, http.StatusBadRequest, "invalid_input", "only one file"},
		{"unknown stage before file", []part{field("stages", "discovery,closing"), file("a.pdf", pdf)},
			http.StatusBadRequest, "invalid_input", "prospecting, discovery, evaluation, proposal, negotiation"},
		{"unknown persona after file", []part{file("a.pdf", pdf), field("personas", "cfo")},
			http.StatusBadRequest, "invalid_input", "economic_buyer"},
		{"unknown field", []part{file("a.pdf", pdf), field("colour", "red")}, http.StatusBadRequest, "invalid_input", "colour"},
		{"bad status", []part{field("status", "live"), file("a.pdf", pdf)}, http.StatusBadRequest, "invalid_input", "status"},
		{"bad expires_at", []part{file("a.pdf", pdf), field("expires_at", "tomorrow")}, http.StatusBadRequest, "invalid_input", "expires_at"},
		{"huge field", []part{field("description", strings.Repeat("x", 70<<10)), file("a.pdf", pdf)},
			http.StatusBadRequest, "invalid_input", "description"},
		{"too large", []part{file("big.bin", bytes.Repeat([]byte("x"), 1<<20+1))}, http.StatusRequestEntityTooLarge, "too_large", "1 MB"},
	}
	e := newEnv(t, withMaxUpload(1<<20))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			ae := e.fail(e.upload("/api/v1/assets", e.marketerTok, tt.parts...), tt.status, tt.code)
			if !strings.Contains(ae.Error.Message, tt.substr) {
				t.Errorf("message %q does not contain %q", ae.Error.Message, tt.substr)
			}
			e.assertNothingKept()
		})
	}
	t.Run("exactly the limit", func(t *testing.T) {
		e.with(t).createAsset(e.marketerTok, "max.bin", bytes.Repeat([]byte("x"), 1<<20))
	})
}

func TestUploadTooLargeByContentLength(t *testing.T) {
	e := newEnv(t, withMaxUpload(1<<20))
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/assets", io.LimitReader(zeros{}, 3<<20))
	req.ContentLength = 3 << 20
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+e.marketerTok)
	e.fail(e.send(req), http.StatusRequestEntityTooLarge, "too_large")
	e.assertNothingKept()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestUploadNotMultipart(t *testing.T) {
	e := newEnv(t)
	e.fail(e.do("POST", "/api/v1/assets", e.marketerTok, map[string]string{"title": "x"}), http.StatusUnsupportedMediaType, "unsupported_media_type")
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/assets", strings.NewReader("--x\r\nbroken"))
	req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
	req.Header.Set("Authorization", "Bearer "+e.marketerTok)
	e.fail(e.send(req), http.StatusBadRequest, "invalid_input")
	e.assertNothingKept()
}

func TestUploadClientGoesAwayMidFile(t *testing.T) {
	e := newEnv(t)
	pr, pw := io.Pipe()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/v1/assets", pr)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
	req.Header.Set("Authorization", "Bearer "+e.marketerTok)
	go func() {
		_, _ = fmt.Fprint(pw, "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-1.4\n")
		_, _ = pw.Write(bytes.Repeat([]byte("x"), 256<<10))
		time.Sleep(50 * time.Millisecond)
		pw.CloseWithError(io.ErrUnexpectedEOF) // the client dies mid-file
	}()
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		_ = resp.Body.Close()
	}
	// The server notices, discards what it stored and keeps nothing.
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, v, i := e.counts()
		if a+v+i == 0 && len(e.blobFiles()) == 0 {
			break
		}
		if time.Now().After(deadline) {
			e.assertNothingKept()
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestRolesAndVisibility(t *testing.T) {
	e := newEnv(t)
	pub := e.createAsset(e.marketerTok, "pub.txt", []byte("published"))
	draft := e.createAsset(e.marketerTok, "draft.txt", []byte("draft"), field("status", "draft"))
	expired := e.createAsset(e.marketerTok, "old.txt", []byte("old"), field("expires_at", "2001-01-01T00:00:00Z"))
	archived := e.createAsset(e.adminTok, "gone.txt", []byte("gone"))
	e.json(e.do("DELETE", "/api/v1/assets/"+archived.ID, e.marketerTok, nil), http.StatusNoContent, nil)

	e.fail(e.upload("/api/v1/assets", e.repTok, file("a.txt", []byte("x"))), http.StatusForbidden, "forbidden")
	e.fail(e.do("PATCH", "/api/v1/assets/"+pub.ID, e.repTok, map[string]string{"title": "x"}), http.StatusForbidden, "forbidden")
	e.fail(e.do("DELETE", "/api/v1/assets/"+pub.ID, e.repTok, nil), http.StatusForbidden, "forbidden")
	e.fail(e.upload("/api/v1/assets/"+pub.ID+"/versions", e.repTok, file("a.txt", []byte("x"))), http.StatusForbidden, "forbidden")

	var list struct {
		Items []api.AssetResponse
		Total int
	}
	e.json(e.do("GET", "/api/v1/assets", e.repTok, nil), http.StatusOK, &list)
	if list.Total != 1 || len(list.Items) != 1 || list.Items[0].ID != pub.ID {
		t.Errorf("rep sees %+v, want only the published asset", list)
	}
	for _, hidden := range []api.AssetResponse{draft, expired, archived} {
		for _, path := range []string{"", "/download", "/versions", "/thumbnail", "/preview"} {
			e.fail(e.do("GET", "/api/v1/assets/"+hidden.ID+path, e.repTok, nil), http.StatusNotFound, "not_found")
		}
	}
	e.json(e.do("GET", "/api/v1/assets", e.marketerTok, nil), http.StatusOK, &list)
	if list.Total != 4 {
		t.Errorf("marketer sees %d assets, want 4", list.Total)
	}
	e.json(e.do("GET", "/api/v1/assets?status=archived", e.marketerTok, nil), http.StatusOK, &list)
	if list.Total != 1 || list.Items[0].Status != "archived" {
		t.Errorf("archived filter = %+v", list)
	}
	e.fail(e.do("GET", "/api/v1/assets?status=gone", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/assets?stage=closing", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("GET", "/api/v1/assets?limit=500", e.marketerTok, nil), http.StatusBadRequest, "invalid_input")
}

func TestOtherOrganisationSees404(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "secret.txt", []byte("ours"))
	_, _, other := e.newOrg("Rival")
	for _, r := range []struct{ method, path string }{
		{"GET", ""}, {"GET", "/download"}, {"GET", "/versions"}, {"GET", "/thumbnail"}, {"GET", "/preview"}, {"DELETE", ""},
	} {
		e.fail(e.do(r.method, "/api/v1/assets/"+a.ID+r.path, other, nil), http.StatusNotFound, "not_found")
	}
	e.fail(e.do("PATCH", "/api/v1/assets/"+a.ID, other, map[string]string{"title": "mine"}), http.StatusNotFound, "not_found")
	e.fail(e.upload("/api/v1/assets/"+a.ID+"/versions", other, file("x.txt", []byte("x"))), http.StatusNotFound, "not_found")
	var list struct{ Total int }
	e.json(e.do("GET", "/api/v1/assets", other, nil), http.StatusOK, &list)
	if list.Total != 0 {
		t.Errorf("rival lists %d assets", list.Total)
	}
	e.fail(e.do("GET", "/api/v1/assets/not-a-uuid", e.repTok, nil), http.StatusNotFound, "not_found")
	// Nothing was changed by the attempts.
	var got api.AssetResponse
	e.json(e.do("GET", "/api/v1/assets/"+a.ID, e.repTok, nil), http.StatusOK, &got)
	if got.Title != "secret" || got.Status != "published" {
		t.Errorf("asset changed: %+v", got)
	}
}

func TestPatchVersionsAndArchive(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "deck.txt", []byte("v1"), field("expires_at", "2099-01-01T00:00:00Z"))
	var got api.AssetResponse
	e.json(e.do("PATCH", "/api/v1/assets/"+a.ID, e.marketerTok, map[string]any{
		"title": "Board deck", "stages": []string{"proposal"}, "status": "draft", "expires_at": nil}), http.StatusOK, &got)
	if got.Title != "Board deck" || got.Status != "draft" || got.ExpiresAt != nil || strings.Join(got.Stages, ",") != "proposal" {
		t.Errorf("patched = %+v", got)
	}
	e.json(e.do("PATCH", "/api/v1/assets/"+a.ID, e.marketerTok, map[string]any{"tags": []string{"board"}}), http.StatusOK, &got)
	if got.Title != "Board deck" || got.Status != "draft" {
		t.Errorf("a partial patch changed other fields: %+v", got)
	}
	for _, bad := range []struct{ body, substr string }{
		{`{"title": `, "not valid JSON"},
		{`{"stages": ["closing"]}`, "valid keys"},
		{`{"status": "gone"}`, "status"},
		{`{"owner_id": "x"}`, "owner_id"},
		{`{"title": 5}`, "title"},
		{`{"expires_at": "soon"}`, "expires_at"},
		{``, "empty"},
	} {
		ae := e.fail(e.do("PATCH", "/api/v1/assets/"+a.ID, e.marketerTok, bad.body), http.StatusBadRequest, "invalid_input")
		if !strings.Contains(ae.Error.Message, bad.substr) {
			t.Errorf("%s: message %q lacks %q", bad.body, ae.Error.Message, bad.substr)
		}
	}

	var v2 api.AssetResponse
	e.json(e.upload("/api/v1/assets/"+a.ID+"/versions", e.marketerTok, file("deck-v2.txt", []byte("version two"))), http.StatusCreated, &v2)
	if v2.CurrentVersion.Number != 2 || v2.CurrentVersion.SHA256 != sha([]byte("version two")) || v2.Title != "Board deck" {
		t.Errorf("v2 = %+v", v2)
	}
	var versions struct {
		Items []struct {
			Number   int
			Filename string
		}
	}
	e.json(e.do("GET", "/api/v1/assets/"+a.ID+"/versions", e.marketerTok, nil), http.StatusOK, &versions)
	if len(versions.Items) != 2 || versions.Items[0].Number != 2 || versions.Items[1].Filename != "deck.txt" {
		t.Errorf("versions = %+v", versions.Items)
	}
	e.fail(e.upload("/api/v1/assets/"+a.ID+"/versions", e.marketerTok, file("empty.txt", nil)), http.StatusBadRequest, "invalid_input")
	if _, v, i := e.counts(); v != 2 || i != 0 {
		t.Errorf("after a failed version: %d versions, %d intents", v, i)
	}

	e.json(e.do("DELETE", "/api/v1/assets/"+a.ID, e.marketerTok, nil), http.StatusNoContent, nil)
	e.json(e.do("GET", "/api/v1/assets/"+a.ID, e.marketerTok, nil), http.StatusOK, &got)
	if got.Status != "archived" {
		t.Errorf("status after DELETE = %s", got.Status)
	}
	e.fail(e.do("DELETE", "/api/v1/assets/00000000-0000-0000-0000-000000000000", e.marketerTok, nil), http.StatusNotFound, "not_found")
}

func TestListPagingAndVersionFields(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "v.txt", []byte("one"))
	e.json(e.upload("/api/v1/assets/"+a.ID+"/versions", e.marketerTok, file("v2.txt", []byte("two"))), http.StatusCreated, nil)
	var list struct {
		Items []struct{ Number int }
		Total int
	}
	e.json(e.do("GET", "/api/v1/assets/"+a.ID+"/versions?limit=1&offset=1", e.marketerTok, nil), http.StatusOK, &list)
	if list.Total != 2 || len(list.Items) != 1 || list.Items[0].Number != 1 {
		t.Errorf("versions page = %+v", list)
	}
	e.json(e.do("GET", "/api/v1/users?offset=10", e.adminTok, nil), http.StatusOK, &list)
	if list.Total != 3 || len(list.Items) != 0 || list.Items == nil {
		t.Errorf("users past the end = %+v", list)
	}
	e.fail(e.do("GET", "/api/v1/users?limit=0", e.adminTok, nil), http.StatusBadRequest, "invalid_input")
	ae := e.fail(e.upload("/api/v1/assets/"+a.ID+"/versions", e.marketerTok, file("v3.txt", []byte("three")), field("title", "x")),
		http.StatusBadRequest, "invalid_input")
	if !strings.Contains(ae.Error.Message, "PATCH") {
		t.Errorf("message = %q", ae.Error.Message)
	}
	e.fail(e.upload("/api/v1/assets/"+a.ID+"/versions", e.marketerTok, field("title", "x"), file("v3.txt", []byte("three"))),
		http.StatusBadRequest, "invalid_input")
	if _, v, i := e.counts(); v != 2 || i != 0 {
		t.Errorf("%d versions, %d intents after refused versions", v, i)
	}
	if files := e.blobFiles(); len(files) != 4 { // two objects, each with its metadata file
		t.Errorf("objects = %v", files)
	}
}

func TestAssetPreview(t *testing.T) {
	e := newEnv(t)
	pdf := pdfgen.Document{Title: "Pricing", Pages: [][]string{{"Our prices"}}}.Bytes()
	var pngBuf bytes.Buffer
	must(t, png.Encode(&pngBuf, image.NewRGBA(image.Rect(0, 0, 2, 2))))
	var docx bytes.Buffer
	zw := zip.NewWriter(&docx)
	w, err := zw.Create("word/document.xml")
	must(t, err)
	_, _ = w.Write([]byte("<w:document/>"))
	must(t, zw.Close())

	const csp = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
	tests := []struct {
		name, filename string
		body           []byte
		status         int
		contentType    string
	}{
		{"pdf", "Pricing 2026.pdf", pdf, http.StatusOK, "application/pdf"},
		{"png", "chart.png", pngBuf.Bytes(), http.StatusOK, "image/png"},
		{"text", "notes.txt", []byte("plain notes\n"), http.StatusOK, "text/plain; charset=utf-8"},
		{"docx", "proposal.docx", docx.Bytes(), http.StatusUnsupportedMediaType, ""},
		{"html", "page.html", []byte("<!doctype html><html><body><script>alert(1)</script></body></html>"), http.StatusUnsupportedMediaType, ""},
		// Types come from the bytes, which say only "text": shown as
		// source, never as an image that can run script.
		{"svg", "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), http.StatusOK, "text/plain; charset=utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := e.with(t)
			a := e.createAsset(e.marketerTok, tt.filename, tt.body)
			resp := e.do("GET", "/api/v1/assets/"+a.ID+"/preview", e.repTok, nil)
			if tt.status != http.StatusOK {
				ae := e.fail(resp, tt.status, "unsupported_media_type")
				if !strings.Contains(ae.Error.Message, "download it instead") {
					t.Errorf("message = %q", ae.Error.Message)
				}
				return
			}
			defer func() { _ = resp.Body.Close() }()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusOK || !bytes.Equal(got, tt.body) {
				t.Fatalf("status %d, %d bytes; want 200 and the %d bytes uploaded", resp.StatusCode, len(got), len(tt.body))
			}
			want := map[string]string{
				"Content-Type":            tt.contentType,
				"Content-Disposition":     mime.FormatMediaType("inline", map[string]string{"filename": tt.filename}),
				"Cache-Control":           "private, max-age=60",
				"X-Content-Type-Options":  "nosniff",
				"Content-Security-Policy": csp,
				"Content-Length":          itoa(len(tt.body)),
			}
			for k, v := range want {
				if h := resp.Header.Get(k); h != v {
					t.Errorf("%s = %q, want %q", k, h, v)
				}
			}
		})
	}

	draft := e.createAsset(e.marketerTok, "draft.pdf", pdf, field("status", "draft"))
	published := e.createAsset(e.marketerTok, "deck.pdf", pdf)
	_, _, otherTok := e.newOrg("Rival")
	e.fail(e.do("GET", "/api/v1/assets/"+draft.ID+"/preview", e.repTok, nil), http.StatusNotFound, "not_found")
	e.json(e.do("GET", "/api/v1/assets/"+draft.ID+"/preview", e.marketerTok, nil), http.StatusOK, nil)
	e.fail(e.do("GET", "/api/v1/assets/"+published.ID+"/preview", otherTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/assets/00000000-0000-0000-0000-000000000000/preview", e.repTok, nil), http.StatusNotFound, "not_found")
	e.fail(e.do("GET", "/api/v1/assets/"+published.ID+"/preview", "", nil), http.StatusUnauthorized, "unauthorized")
	e.fail(e.do("GET", "/api/v1/assets/"+published.ID+"/preview", "not-a-token", nil), http.StatusUnauthorized, "unauthorized")

	// Previews are not downloads: the app records its own views.
	var events int
	must(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM usage_events`).Scan(&events))
	if events != 0 {
		t.Errorf("%d events recorded by previews, want none", events)
	}
}
