package api_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stagecraft/stagecraft/internal/pdfgen"

	"github.com/stagecraft/stagecraft/api"
)

func (e *env) find(token, query string) api.SearchResponse {
	e.t.Helper()
	var out api.SearchResponse
	e.json(e.do("GET", "/api/v1/search?"+query, token, nil), http.StatusOK, &out)
	return out
}

func titles(r api.SearchResponse) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.Asset.Title)
	}
	return out
}

// TestUploadedFilesBecomeSearchable uploads real files, runs the indexer,
// and finds them by words inside them, with typos, facets and highlights.
func TestUploadedFilesBecomeSearchable(t *testing.T) {
	e := newEnv(t)
	pdf := pdfgen.Document{Title: "Zero Trust Architecture", Pages: [][]string{
		{"Network segmentation and continuous verification."}, {"Every request is authenticated and authorised."}}}.Bytes()
	a := e.createAsset(e.marketerTok, "zt.pdf", pdf, field("stages", "evaluation"), field("personas", "technical_buyer"))
	e.createAsset(e.marketerTok, "pricing.csv", []byte("edition,price\nTeam,45\nEnterprise,79\n"),
		field("title", "Price list"), field("stages", "negotiation"), field("personas", "procurement"))
	e.createAsset(e.marketerTok, "plan.md", []byte("# Rollout\n\nSegmentation first, then training."),
		field("title", "Rollout plan"), field("status", "draft"), field("stages", "evaluation"))
	e.indexAll()

	var got api.AssetResponse
	e.json(e.do("GET", "/api/v1/assets/"+a.ID, e.marketerTok, nil), http.StatusOK, &got)
	if got.IndexStatus != "indexed" || got.Title != "Zero Trust Architecture" {
		t.Errorf("after indexing: status %q, title %q (want the PDF's own title)", got.IndexStatus, got.Title)
	}

	if got.ThumbnailURL == nil {
		t.Error("no thumbnail_url for an indexed PDF")
	}
	thumb := e.do("GET", "/api/v1/assets/"+a.ID+"/thumbnail", e.repTok, nil)
	png, _ := io.ReadAll(thumb.Body)
	_ = thumb.Body.Close()
	if thumb.StatusCode != http.StatusOK || thumb.Header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(png, []byte("\x89PNG")) {
		t.Errorf("thumbnail: %d %s (%d bytes)", thumb.StatusCode, thumb.Header.Get("Content-Type"), len(png))
	}

	r := e.find(e.repTok, "q=authenticated")
	if len(r.Hits) != 1 || r.Hits[0].Asset.ID != a.ID || !strings.Contains(toJSON(r), `"took_ms":`) {
		t.Fatalf("authenticated: %+v", r)
	}
	if !strings.Contains(r.Hits[0].Highlights["text"], "<mark>authenticated</mark>") {
		t.Errorf("highlight = %q", r.Hits[0].Highlights["text"])
	}
	if got := titles(e.find(e.repTok, "q=segmentaton")); len(got) != 1 || got[0] != "Zero Trust Architecture" {
		t.Errorf("typo: %v (the draft must not show to a rep)", got)
	}
	if got := titles(e.find(e.marketerTok, "q=segmentation")); len(got) != 2 {
		t.Errorf("marketer sees %v, want the PDF and the draft", got)
	}
	r = e.find(e.repTok, "stage=negotiation&stage=evaluation&persona=procurement")
	if len(r.Hits) != 1 || r.Hits[0].Asset.Title != "Price list" {
		t.Errorf("facets OR/AND: %v", titles(r))
	}
	if r.Facets["personas"]["technical_buyer"] != 1 || r.Facets["stages"]["negotiation"] != 1 {
		t.Errorf("facets = %v", r.Facets)
	}
	if got := titles(e.find(e.repTok, "type=spreadsheet")); len(got) != 1 {
		t.Errorf("type filter: %v", got)
	}

	// Archiving takes the asset out of search once the indexer has run.
	e.json(e.do("DELETE", "/api/v1/assets/"+a.ID, e.marketerTok, nil), http.StatusNoContent, nil)
	e.indexAll()
	if r := e.find(e.marketerTok, "q=authenticated"); r.Total != 0 {
		t.Errorf("archived asset still found: %v", titles(r))
	}
	// Another organisation finds nothing.
	_, _, rival := e.newOrg("Rival")
	if r := e.find(rival, "q=price"); r.Total != 0 {
		t.Errorf("rival finds %v", titles(r))
	}
}

func TestSearchFollowsDeal(t *testing.T) {
	e := newEnv(t)
	e.createAsset(e.marketerTok, "a.txt", []byte("evaluation material"), field("title", "Eval"), field("stages", "evaluation"), field("personas", "champion"))
	e.createAsset(e.marketerTok, "b.txt", []byte("negotiation material"), field("title", "Nego"), field("stages", "negotiation"), field("personas", "champion"))
	e.indexAll()
	var dealID, otherDeal string
	ctx := context.Background()
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, personas, owner_id)
		VALUES ($1, 'D-1', 'negotiation', '{champion}', $2) RETURNING id`, e.org, e.rep.ID).Scan(&dealID))
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, owner_id)
		VALUES ($1, 'D-2', 'evaluation', $2) RETURNING id`, e.org, e.marketer.ID).Scan(&otherDeal))

	if got := titles(e.find(e.repTok, "deal_id="+dealID)); len(got) != 1 || got[0] != "Nego" {
		t.Errorf("deal's stage applied: %v", got)
	}
	// An explicit stage overrides the deal's.
	if got := titles(e.find(e.repTok, "deal_id="+dealID+"&stage=evaluation")); len(got) != 1 || got[0] != "Eval" {
		t.Errorf("explicit stage: %v", got)
	}
	// A rep may not search by another rep's deal; marketers may.
	e.fail(e.do("GET", "/api/v1/search?deal_id="+otherDeal, e.repTok, nil), http.StatusNotFound, "not_found")
	if got := titles(e.find(e.marketerTok, "deal_id="+otherDeal)); len(got) != 1 || got[0] != "Eval" {
		t.Errorf("marketer with a deal: %v", got)
	}
	e.fail(e.do("GET", "/api/v1/search?deal_id=nope", e.repTok, nil), http.StatusNotFound, "not_found")
}

func TestSearchBadInput(t *testing.T) {
	e := newEnv(t)
	e.createAsset(e.marketerTok, "a.txt", []byte("pricing security"), field("stages", "evaluation"))
	e.indexAll()
	bad := []struct{ query, field string }{
		{"stage=closing", "stage"},
		{"persona=cfo", "persona"},
		{"industry=mining", "industry"},
		{"product=widget", "product"},
		{"type=hologram", "type"},
		{"limit=101", "limit"},
		{"offset=-1", "offset"},
		{"q=" + strings.Repeat("x", 1001), "q"},
	}
	for _, b := range bad {
		ae := e.fail(e.do("GET", "/api/v1/search?"+b.query, e.repTok, nil), http.StatusBadRequest, "invalid_input")
		if !strings.Contains(ae.Error.Message, b.field) {
			t.Errorf("%s: message %q does not name %s", b.query, ae.Error.Message, b.field)
		}
	}
	hostile := []string{`'; DROP TABLE assets; --`, `org_id = "x" OR 1=1`, "\"unbalanced", "a\x00b", "\\", `pricing") OR (status = "draft`,
		strings.Repeat("pricing ", 120), "!!&|<->:*", "%00%ff"}
	for _, q := range hostile {
		r := e.find(e.repTok, "q="+url.QueryEscape(q))
		_ = r
	}
	e.fail(e.do("GET", "/api/v1/search?q=x", "", nil), http.StatusUnauthorized, "unauthorized")
}
