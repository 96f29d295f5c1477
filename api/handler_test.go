package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/api"
	"github.com/stagecraft/stagecraft/discover"
	"github.com/stagecraft/stagecraft/internal/mock"
)

// Handler tests over fakes: what the HTTP layer itself does — reading
// parameters, calling the one service, mapping its answer and errors —
// with no database behind it.

var fakeUser = &stagecraft.User{ID: "11111111-1111-4111-8111-111111111111", OrgID: "22222222-2222-4222-8222-222222222222",
	Email: "rep@example.com", Role: stagecraft.RoleRep}

func fakeServer(t *testing.T, s *api.Server) http.Handler {
	t.Helper()
	s.Auth = &mock.Authenticator{AuthenticateFn: func(_ context.Context, bearer string) (*stagecraft.User, error) {
		if bearer != "good" {
			return nil, stagecraft.Errorf(stagecraft.EUNAUTHORIZED, "The access token is missing, invalid or expired.")
		}
		return fakeUser, nil
	}}
	s.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	s.PublicURL = "https://hub.example.com"
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func serve(h http.Handler, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer good")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w
}

func TestSearchHandler(t *testing.T) {
	var got discover.Query
	var calls int
	finder := &mock.Finder{FindFn: func(_ context.Context, u *stagecraft.User, q discover.Query) (*discover.Results, error) {
		calls++
		got = q
		if u != fakeUser {
			t.Errorf("user %+v", u)
		}
		switch q.Text {
		case "gone":
			return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
		case "bad stage":
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "stage: unknown value.").WithDetails(map[string]any{"field": "stage"})
		case "down":
			return nil, stagecraft.Unavailable("search", io.ErrUnexpectedEOF)
		case "bug":
			return nil, io.ErrClosedPipe
		}
		a := &stagecraft.Asset{ID: "33333333-3333-4333-8333-333333333333", Title: "Deck", ThumbnailKey: "k",
			CurrentVersion: &stagecraft.AssetVersion{ID: "v"}}
		return &discover.Results{Total: 1, Facets: map[string]map[string]int{"stages": {"evaluation": 1}},
			Hits: []discover.Hit{{Asset: a, Score: 2, Highlights: map[string]string{"title": "<mark>Deck</mark>"}}}}, nil
	}}
	h := fakeServer(t, &api.Server{Finder: finder})

	tests := []struct {
		name, query string
		status      int
		want        discover.Query
		errField    string
	}{
		{"lists and defaults", "q=deck&stage=evaluation,proposal&stage=closing&persona=cfo", http.StatusOK,
			discover.Query{Text: "deck", Stages: []string{"evaluation", "proposal", "closing"}, Personas: []string{"cfo"}, Limit: 20}, ""},
		{"deal and paging", "q=x&deal_id=d1&limit=5&offset=10&type=pdf,deck", http.StatusOK,
			discover.Query{Text: "x", DealID: "d1", Limit: 5, Offset: 10, Types: []stagecraft.AssetType{"pdf", "deck"}}, ""},
		{"unknown deal", "q=gone", http.StatusNotFound, discover.Query{Text: "gone", Limit: 20}, ""},
		{"unknown stage", "q=bad+stage", http.StatusBadRequest, discover.Query{Text: "bad stage", Limit: 20}, "stage"},
		{"backend down", "q=down", http.StatusServiceUnavailable, discover.Query{Text: "down", Limit: 20}, ""},
		{"a bug", "q=bug", http.StatusInternalServerError, discover.Query{Text: "bug", Limit: 20}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(h, "GET", "/api/v1/search?"+tt.query, "")
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.status, w.Body)
			}
			// nil and empty lists read alike.
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("query %+v, want %+v", got, tt.want)
			}
			switch {
			case w.Code == http.StatusOK:
				var r api.SearchResponse
				must(t, json.Unmarshal(w.Body.Bytes(), &r))
				if len(r.Hits) != 1 || r.Hits[0].Asset.ThumbnailURL == nil ||
					*r.Hits[0].Asset.ThumbnailURL != "https://hub.example.com/api/v1/assets/33333333-3333-4333-8333-333333333333/thumbnail" ||
					r.Facets["stages"]["evaluation"] != 1 || r.Total != 1 {
					t.Errorf("response %s", w.Body)
				}
			case w.Code == http.StatusServiceUnavailable && w.Header().Get("Retry-After") == "":
				t.Error("503 without Retry-After")
			case w.Code == http.StatusInternalServerError && strings.Contains(w.Body.String(), "closed pipe"):
				t.Errorf("the cause of a 500 leaked: %s", w.Body)
			case tt.errField != "" && !strings.Contains(w.Body.String(), `"field":"`+tt.errField+`"`):
				t.Errorf("error does not name %s: %s", tt.errField, w.Body)
			}
		})
	}

	// Bad input is refused before the service is asked.
	calls = 0
	for _, q := range []string{"type=spaceship", "limit=0", "limit=101", "offset=-1"} {
		if w := serve(h, "GET", "/api/v1/search?"+q, ""); w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d", q, w.Code)
		}
	}
	if calls != 0 {
		t.Errorf("the service was called %d times for refused input", calls)
	}
	if w := serve(h, "GET", "/api/v1/search?q=x", ""); w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
	}
}

func TestRecommendationsHandler(t *testing.T) {
	var gotDeal string
	var gotLimit int
	finder := &mock.Finder{RecommendFn: func(_ context.Context, _ *stagecraft.User, dealID string, limit int) (*discover.Recommendations, error) {
		gotDeal, gotLimit = dealID, limit
		if dealID == "theirs" {
			return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
		}
		return &discover.Recommendations{Deal: &stagecraft.Deal{ID: dealID, Stage: "proposal", Personas: []string{"cfo"}}}, nil
	}}
	h := fakeServer(t, &api.Server{Finder: finder})
	w := serve(h, "GET", "/api/v1/recommendations?deal_id=mine&limit=3", "")
	if w.Code != http.StatusOK || gotDeal != "mine" || gotLimit != 3 {
		t.Fatalf("status %d deal %q limit %d", w.Code, gotDeal, gotLimit)
	}
	if want := `{"deal_id":"mine","items":[],"personas":["cfo"],"stage":"proposal"}`; strings.TrimSpace(w.Body.String()) != want {
		t.Errorf("body %s, want %s", w.Body, want)
	}
	for path, status := range map[string]int{
		"/api/v1/recommendations":                        http.StatusBadRequest,
		"/api/v1/recommendations?deal_id=x&limit=51":     http.StatusBadRequest,
		"/api/v1/recommendations?deal_id=x&limit=ten":    http.StatusBadRequest,
		"/api/v1/recommendations?deal_id=theirs":         http.StatusNotFound,
		"/api/v1/recommendations?deal_id=mine&limit=50":  http.StatusOK,
		"/api/v1/recommendations?deal_id=mine&limit=1&x": http.StatusOK,
	} {
		if w := serve(h, "GET", path, ""); w.Code != status {
			t.Errorf("%s: %d, want %d", path, w.Code, status)
		}
	}
}

func TestLinkCreateHandler(t *testing.T) {
	var got stagecraft.NewLink
	sharer := &mock.Sharer{CreateLinkFn: func(_ context.Context, u *stagecraft.User, n stagecraft.NewLink) (*stagecraft.Link, error) {
		got = n
		if n.AssetID == "archived" {
			return nil, stagecraft.Errorf(stagecraft.EUNPROCESSABLE, "This asset is archived or expired and cannot be shared.")
		}
		return &stagecraft.Link{ID: "l1", Token: "tok", AssetID: n.AssetID, SharerID: u.ID, CreatedAt: time.Unix(0, 0).UTC()}, nil
	}}
	h := fakeServer(t, &api.Server{Sharer: sharer})

	w := serve(h, "POST", "/api/v1/links", `{"asset_id":" a1 ","deal_id":"d1","recipient_email":"Buyer@Example.com","expires_at":"2030-01-31T17:00:00+01:00"}`)
	if w.Code != http.StatusCreated {
		t.Fatalf("status %d: %s", w.Code, w.Body)
	}
	wantExp := time.Date(2030, 1, 31, 16, 0, 0, 0, time.UTC)
	if got.AssetID != "a1" || got.DealID != "d1" || got.RecipientEmail != "Buyer@Example.com" || got.ExpiresAt == nil || !got.ExpiresAt.Equal(wantExp) {
		t.Errorf("new link %+v", got)
	}
	var l api.LinkResponse
	must(t, json.Unmarshal(w.Body.Bytes(), &l))
	if l.URL != "https://hub.example.com/l/tok" || l.SharerID != fakeUser.ID {
		t.Errorf("link %+v", l)
	}

	for body, status := range map[string]int{
		`{"asset_id":"a1","expires_at":"tomorrow"}`: http.StatusBadRequest,
		`{"asset_id":"a1","colour":"red"}`:          http.StatusBadRequest,
		`{"asset_id":"archived"}`:                   http.StatusUnprocessableEntity,
		`not json`:                                  http.StatusBadRequest,
	} {
		if w := serve(h, "POST", "/api/v1/links", body); w.Code != status {
			t.Errorf("%s: %d, want %d: %s", body, w.Code, status, w.Body)
		}
	}
}
