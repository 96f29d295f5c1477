package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// TestEventBatchIsolatesFailures sends the writer requests that the
// database refuses (a NUL inside meta, which the API would have caught,
// sent here straight to the store) among good ones from another
// organisation. However the requests are batched together, each good one
// is stored and each bad one fails alone, as invalid input.
func TestEventBatchIsolatesFailures(t *testing.T) {
	f := newFixture(t)
	other := addOrg(t, f.db, "Other")
	good := createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.Title = "Good" })
	bad := createAsset(t, other, other.marketer, func(a *stagecraft.Asset) { a.Title = "Bad" })
	ctx := context.Background()
	event := func(org, asset, user string, meta map[string]any) *stagecraft.Event {
		return &stagecraft.Event{ID: uuid.NewString(), OrgID: org, Type: stagecraft.EventView, AssetID: asset,
			UserID: user, OccurredAt: time.Now().UTC(), Meta: meta}
	}

	const goodRequests, badRequests = 40, 20
	var wg sync.WaitGroup
	goodErrs := make(chan error, goodRequests)
	badErrs := make(chan error, badRequests)
	for i := range goodRequests + badRequests {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i < goodRequests {
				outcomes, err := f.db.RecordEvents(ctx, []*stagecraft.Event{
					event(f.org.ID, good.ID, f.rep.ID, map[string]any{"n": i}),
					event(f.org.ID, good.ID, f.rep.ID, nil),
				})
				if err == nil && (len(outcomes) != 2 || outcomes[0] != stagecraft.EventAccepted || outcomes[1] != stagecraft.EventAccepted) {
					t.Errorf("good request outcomes %v", outcomes)
				}
				goodErrs <- err
				return
			}
			_, err := f.db.RecordEvents(ctx, []*stagecraft.Event{event(other.org.ID, bad.ID, other.rep.ID, map[string]any{"x": "a\x00b"})})
			badErrs <- err
		}()
	}
	wg.Wait()
	close(goodErrs)
	close(badErrs)
	for err := range goodErrs {
		if err != nil {
			t.Errorf("a good request failed: %v", err)
		}
	}
	for err := range badErrs {
		if stagecraft.ErrorCode(err) != stagecraft.EINVALID {
			t.Errorf("a refused request: %v (code %q), want invalid input", err, stagecraft.ErrorCode(err))
		}
	}
	var n int
	must(t, f.db.Pool.QueryRow(ctx, `SELECT count(*) FROM usage_events WHERE asset_id = $1`, good.ID).Scan(&n))
	if n != 2*goodRequests {
		t.Errorf("%d good events stored, want %d", n, 2*goodRequests)
	}
}
