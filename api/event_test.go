package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft/api"
)

func ev(id, typ, asset string, extra ...string) map[string]any {
	e := map[string]any{"id": id, "type": typ, "asset_id": asset, "occurred_at": time.Now().UTC().Format(time.RFC3339)}
	for i := 0; i+1 < len(extra); i += 2 {
		e[extra[i]] = extra[i+1]
	}
	return e
}

func TestEvents(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	ctx := context.Background()
	var dealID, rivalDeal string
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage, owner_id) VALUES ($1, 'D1', 'proposal', $2) RETURNING id`,
		e.org, e.rep.ID).Scan(&dealID))
	rivalOrg, _, rivalTok := e.newOrg("Rival")
	must(t, e.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage) VALUES ($1, 'R1', 'discovery') RETURNING id`,
		rivalOrg).Scan(&rivalDeal))
	rivalAsset := e.createAsset(rivalTok, "r.txt", []byte("theirs"))

	id1, id2 := uuid.NewString(), uuid.NewString()
	future := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	body := map[string]any{"events": []any{
		ev(id1, "view", a.ID, "deal_id", dealID),                  // 0 ok
		ev(id2, "present", a.ID),                                  // 1 ok
		ev(id1, "view", a.ID, "deal_id", dealID),                  // 2 duplicate within the request
		ev(uuid.NewString(), "teleport", a.ID),                    // 3 unknown type
		ev(uuid.NewString(), "view", rivalAsset.ID),               // 4 another org's asset
		ev(uuid.NewString(), "view", a.ID, "deal_id", rivalDeal),  // 5 another org's deal
		ev(uuid.NewString(), "view", a.ID, "occurred_at", future), // 6 future
		ev("not-a-uuid", "view", a.ID),                            // 7 bad id
		ev(uuid.NewString(), "link_open", a.ID),                   // 8 server-only type
		map[string]any{"id": uuid.NewString(), "type": "view"},    // 9 no asset
		"a string", // 10 not an object
		ev(uuid.NewString(), "view", a.ID, "deal_id", "00000000-0000-0000-0000-000000000000"), // 11 unknown deal
	}}
	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", e.repTok, body), http.StatusAccepted, &r)
	if r.Accepted != 2 || r.Duplicates != 1 {
		t.Errorf("accepted %d duplicates %d, want 2 and 1", r.Accepted, r.Duplicates)
	}
	var idx []int
	for _, rej := range r.Rejected {
		idx = append(idx, rej.Index)
		if rej.Error == "" {
			t.Errorf("item %d rejected without a reason", rej.Index)
		}
	}
	if fmt.Sprint(idx) != "[3 4 5 6 7 8 9 10 11]" {
		t.Errorf("rejected %v (%+v)", idx, r.Rejected)
	}
	var stage, user string
	must(t, e.db.Pool.QueryRow(ctx, `SELECT stage_at_event, user_id FROM usage_events WHERE id = $1`, id1).Scan(&stage, &user))
	if stage != "proposal" || user != e.rep.ID {
		t.Errorf("stored stage %q user %q", stage, user)
	}
	// A retry of the whole request stores nothing twice.
	e.json(e.do("POST", "/api/v1/events", e.repTok, body), http.StatusAccepted, &r)
	if r.Accepted != 0 || r.Duplicates != 3 {
		t.Errorf("retry: accepted %d duplicates %d", r.Accepted, r.Duplicates)
	}
	var n int
	must(t, e.db.Pool.QueryRow(ctx, `SELECT count(*) FROM usage_events WHERE org_id = $1`, e.org).Scan(&n))
	if n != 2 {
		t.Errorf("%d events stored, want 2", n)
	}

	// The deal moves on; new events carry the new stage, old ones keep theirs.
	_, err := e.db.Pool.Exec(ctx, `UPDATE deals SET stage = 'negotiation' WHERE id = $1`, dealID)
	must(t, err)
	id3 := uuid.NewString()
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{ev(id3, "share", a.ID, "deal_id", dealID)}}),
		http.StatusAccepted, &r)
	must(t, e.db.Pool.QueryRow(ctx, `SELECT stage_at_event FROM usage_events WHERE id = $1`, id3).Scan(&stage))
	if stage != "negotiation" {
		t.Errorf("new event stage %q", stage)
	}
}

func TestEventsBadRequests(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	var many []any
	for range 1001 {
		many = append(many, ev(uuid.NewString(), "view", a.ID))
	}
	e.fail(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": many}), http.StatusRequestEntityTooLarge, "too_large")
	e.fail(e.do("POST", "/api/v1/events", e.repTok, `{"events": [`), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/events", e.repTok, `{}`), http.StatusBadRequest, "invalid_input")
	e.fail(e.do("POST", "/api/v1/events", e.repTok, `{"events": {}}`), http.StatusBadRequest, "invalid_input")
	huge := `{"events": [{"id": "` + strings.Repeat("x", 5<<20) + `"}]}`
	e.fail(e.do("POST", "/api/v1/events", e.repTok, huge), http.StatusRequestEntityTooLarge, "too_large")
	e.fail(e.do("POST", "/api/v1/events", "", map[string]any{"events": []any{}}), http.StatusUnauthorized, "unauthorized")
	var r api.EventsResponse
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{}}), http.StatusAccepted, &r)
	big := ev(uuid.NewString(), "view", a.ID)
	big["meta"] = map[string]any{"x": strings.Repeat("y", 5000)}
	e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{big}}), http.StatusAccepted, &r)
	if len(r.Rejected) != 1 || !strings.Contains(r.Rejected[0].Error, "meta") {
		t.Errorf("oversized meta: %+v", r)
	}
}

// TestEventsGroupCommit sends many small requests at once: every one is
// answered, every event stored exactly once.
func TestEventsGroupCommit(t *testing.T) {
	e := newEnv(t)
	a := e.createAsset(e.marketerTok, "a.txt", []byte("deck"))
	const clients, perClient = 16, 20
	var wg sync.WaitGroup
	var mu sync.Mutex
	accepted := 0
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range perClient {
				var r api.EventsResponse
				e.json(e.do("POST", "/api/v1/events", e.repTok, map[string]any{"events": []any{ev(uuid.NewString(), "view", a.ID)}}),
					http.StatusAccepted, &r)
				mu.Lock()
				accepted += r.Accepted
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	var n int
	must(t, e.db.Pool.QueryRow(context.Background(), `SELECT count(*) FROM usage_events WHERE org_id = $1`, e.org).Scan(&n))
	if accepted != clients*perClient || n != accepted {
		t.Errorf("accepted %d, stored %d, want %d", accepted, n, clients*perClient)
	}
}
