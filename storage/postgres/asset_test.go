package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// createAsset inserts an asset (with an upload intent, as the library does)
// owned by u, after letting edit adjust it.
func createAsset(t *testing.T, f *fixture, u *stagecraft.User, edit func(*stagecraft.Asset)) *stagecraft.Asset {
	t.Helper()
	ctx := context.Background()
	a := &stagecraft.Asset{ID: uuid.NewString(), OrgID: u.OrgID, Title: "Deck", Type: stagecraft.TypeDeck,
		Status: stagecraft.StatusPublished, Stages: []string{}, Personas: []string{}, Industries: []string{},
		Products: []string{}, Tags: []string{}, OwnerID: u.ID}
	if edit != nil {
		edit(a)
	}
	v := &stagecraft.AssetVersion{ID: uuid.NewString(), AssetID: a.ID, Filename: "deck.pptx",
		ContentType: "application/pdf", Size: 10, SHA256: "abc", UploadedBy: u.ID,
		BlobKey: "orgs/" + u.OrgID + "/assets/" + a.ID + "/" + uuid.NewString()}
	if err := f.db.BeginUpload(ctx, u.OrgID, v.BlobKey); err != nil {
		t.Fatal(err)
	}
	if err := f.db.CreateAsset(ctx, a, v); err != nil {
		t.Fatalf("create asset: %v", err)
	}
	return a
}

func TestCreateAndFindAsset(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.Stages = []string{"evaluation"} })
	got, err := f.db.FindAssetByID(ctx, f.org.ID, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Deck" || got.CurrentVersion.Number != 1 || got.IndexStatus != stagecraft.IndexPending ||
		!slices.Equal(got.Stages, []string{"evaluation"}) || got.OwnerID != f.marketer.ID {
		t.Errorf("asset = %+v, version %+v", got, got.CurrentVersion)
	}
	// The intent is cleared with the commit: the sweeper must not touch it.
	stale, err := f.db.FindStaleUploads(ctx, time.Now().Add(time.Hour), 10)
	if err != nil || len(stale) != 0 {
		t.Errorf("stale uploads = %v, %v", stale, err)
	}

	other := addOrg(t, f.db, "Other")
	_, err = f.db.FindAssetByID(ctx, other.org.ID, a.ID)
	mustCode(t, err, stagecraft.ENOTFOUND)
	_, err = f.db.FindAssetByID(ctx, f.org.ID, "nope")
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestCreateAssetWithoutIntentIsRefused(t *testing.T) {
	f := newFixture(t)
	a := &stagecraft.Asset{ID: uuid.NewString(), OrgID: f.org.ID, Title: "x", Type: stagecraft.TypeText,
		Status: stagecraft.StatusDraft, OwnerID: f.marketer.ID}
	v := &stagecraft.AssetVersion{ID: uuid.NewString(), AssetID: a.ID, Filename: "x", ContentType: "text/plain",
		Size: 1, SHA256: "x", BlobKey: "swept-away"}
	// No BeginUpload: as if the sweeper had judged the upload abandoned.
	mustCode(t, f.db.CreateAsset(context.Background(), a, v), stagecraft.ECONFLICT)
	_, err := f.db.FindAssetByID(context.Background(), f.org.ID, a.ID)
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestFindAssetsFilters(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	past := time.Now().Add(-time.Hour)
	pub := createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.Stages = []string{"discovery"}; a.Personas = []string{"champion"} })
	draft := createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.Status = stagecraft.StatusDraft; a.Stages = []string{"discovery"} })
	expired := createAsset(t, f, f.marketer, func(a *stagecraft.Asset) { a.ExpiresAt = &past; a.Personas = []string{"champion"} })
	addOrg(t, f.db, "Other")

	now := time.Now()
	tests := []struct {
		name   string
		filter stagecraft.AssetFilter
		want   []string
	}{
		{"all", stagecraft.AssetFilter{}, []string{expired.ID, draft.ID, pub.ID}},
		{"status", stagecraft.AssetFilter{Statuses: []stagecraft.AssetStatus{stagecraft.StatusDraft}}, []string{draft.ID}},
		{"stage", stagecraft.AssetFilter{Stages: []string{"discovery"}}, []string{draft.ID, pub.ID}},
		{"persona", stagecraft.AssetFilter{Personas: []string{"champion"}}, []string{expired.ID, pub.ID}},
		{"stage and persona", stagecraft.AssetFilter{Stages: []string{"discovery"}, Personas: []string{"champion"}}, []string{pub.ID}},
		{"visible to reps", stagecraft.AssetFilter{VisibleAt: &now}, []string{pub.ID}},
		{"page", stagecraft.AssetFilter{Limit: 1, Offset: 1}, []string{draft.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.filter.OrgID = f.org.ID
			got, total, err := f.db.FindAssets(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, a := range got {
				ids = append(ids, a.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("ids = %v, want %v", ids, tt.want)
			}
			if tt.filter.Limit == 0 && total != len(tt.want) {
				t.Errorf("total = %d, want %d", total, len(tt.want))
			}
			if tt.name == "page" && total != 3 {
				t.Errorf("total = %d, want 3 for the whole match", total)
			}
		})
	}
	_, total, err := f.db.FindAssets(ctx, stagecraft.AssetFilter{OrgID: f.org.ID, Offset: 50})
	if err != nil || total != 3 {
		t.Errorf("past the end: total = %d, %v; want 3", total, err)
	}
}

func TestAddVersionAndUpdate(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.marketer, nil)
	v := &stagecraft.AssetVersion{ID: uuid.NewString(), AssetID: a.ID, Filename: "v2.pdf", ContentType: "application/pdf",
		Size: 20, SHA256: "def", UploadedBy: f.marketer.ID, BlobKey: "k2-" + uuid.NewString()}
	if err := f.db.BeginUpload(ctx, f.org.ID, v.BlobKey); err != nil {
		t.Fatal(err)
	}
	got, err := f.db.AddVersion(ctx, f.org.ID, v)
	if err != nil {
		t.Fatal(err)
	}
	if got.CurrentVersion.ID != v.ID || got.CurrentVersion.Number != 2 {
		t.Errorf("current = %+v", got.CurrentVersion)
	}
	vs, err := f.db.FindVersions(ctx, f.org.ID, a.ID)
	if err != nil || len(vs) != 2 || vs[0].Number != 2 {
		t.Fatalf("versions = %v, %v", vs, err)
	}

	upd, err := f.db.UpdateAsset(ctx, f.org.ID, a.ID, func(a *stagecraft.Asset) error {
		a.Title = "Renamed"
		return nil
	})
	if err != nil || upd.Title != "Renamed" {
		t.Fatalf("update = %+v, %v", upd, err)
	}
	// An error from fn leaves the row as it was.
	_, err = f.db.UpdateAsset(ctx, f.org.ID, a.ID, func(a *stagecraft.Asset) error {
		a.Title = "Lost"
		return stagecraft.Errorf(stagecraft.EINVALID, "no")
	})
	mustCode(t, err, stagecraft.EINVALID)
	again, _ := f.db.FindAssetByID(ctx, f.org.ID, a.ID)
	if again.Title != "Renamed" {
		t.Errorf("title = %q after a failed update", again.Title)
	}

	other := addOrg(t, f.db, "Other")
	_, err = f.db.UpdateAsset(ctx, other.org.ID, a.ID, func(*stagecraft.Asset) error { return nil })
	mustCode(t, err, stagecraft.ENOTFOUND)
	_, err = f.db.FindVersions(ctx, other.org.ID, a.ID)
	mustCode(t, err, stagecraft.ENOTFOUND)
}

func TestRecordEventSnapshotsDealStage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	a := createAsset(t, f, f.rep, nil)
	var dealID string
	if err := f.db.Pool.QueryRow(ctx, `INSERT INTO deals (org_id, external_id, stage) VALUES ($1, 'D1', 'proposal') RETURNING id`,
		f.org.ID).Scan(&dealID); err != nil {
		t.Fatal(err)
	}
	e := &stagecraft.Event{OrgID: f.org.ID, Type: stagecraft.EventDownload, AssetID: a.ID, DealID: dealID, UserID: f.rep.ID}
	if err := f.db.RecordEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	var stage string
	if err := f.db.Pool.QueryRow(ctx, `SELECT stage_at_event FROM usage_events WHERE id = $1`, e.ID).Scan(&stage); err != nil || stage != "proposal" {
		t.Errorf("stage_at_event = %q, %v", stage, err)
	}
	other := addOrg(t, f.db, "Other")
	err := f.db.RecordEvent(ctx, &stagecraft.Event{OrgID: other.org.ID, Type: stagecraft.EventDownload, AssetID: a.ID, DealID: dealID})
	mustCode(t, err, stagecraft.ENOTFOUND)
}
