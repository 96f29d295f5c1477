package meili

import (
	"context"
	"fmt"
	"strings"

	"github.com/meilisearch/meilisearch-go"

	"github.com/stagecraft/stagecraft"
)

const (
	primaryKey = "id"
	// noExpiry is expires_at_ts of a document that never expires
	// (9999-12-31T23:59:59Z), so that visibility filters need no EXISTS.
	noExpiry int64 = 253402300799
	// batchSize is the number of documents sent in one request.
	batchSize = 500
)

// document is what the Meilisearch index stores for one asset.
type document struct {
	ID          string   `json:"id"`
	OrgID       string   `json:"org_id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Tags        []string `json:"tags"`
	Body        string   `json:"body"`
	Language    string   `json:"language"`
	Type        string   `json:"type"`
	Status      string   `json:"status"`
	Stages      []string `json:"stages"`
	Personas    []string `json:"personas"`
	Industries  []string `json:"industries"`
	Products    []string `json:"products"`
	ExpiresAtTS int64    `json:"expires_at_ts"`
	UpdatedAtTS int64    `json:"updated_at_ts"`
}

// markerStripper removes the highlight markers from indexed text, so that a
// document cannot forge <mark> tags in its own highlights.
var markerStripper = strings.NewReplacer(highlightPre, "", highlightPost, "")

// toDocument converts d. It fails when d has no organisation or its asset
// id is not a valid Meilisearch document id (one bad id would fail the
// whole batch).
func toDocument(d *stagecraft.SearchDoc) (document, error) {
	if d.OrgID == "" {
		return document{}, fmt.Errorf("meili: document %q has no organisation", d.AssetID)
	}
	if !validDocumentID(d.AssetID) {
		return document{}, fmt.Errorf("meili: asset id %q is not a valid Meilisearch document id", d.AssetID)
	}
	expires := noExpiry
	if d.ExpiresAt != nil {
		expires = min(d.ExpiresAt.Unix(), noExpiry)
	}
	return document{
		ID:          d.AssetID,
		OrgID:       d.OrgID,
		Title:       markerStripper.Replace(d.Title),
		Description: markerStripper.Replace(d.Description),
		Tags:        cleanList(d.Tags),
		Body:        markerStripper.Replace(d.Body),
		Language:    d.Language,
		Type:        string(d.Type),
		Status:      string(d.Status),
		Stages:      cleanList(d.Stages),
		Personas:    cleanList(d.Personas),
		Industries:  cleanList(d.Industries),
		Products:    cleanList(d.Products),
		ExpiresAtTS: expires,
		UpdatedAtTS: d.UpdatedAt.Unix(),
	}, nil
}

// cleanList strips highlight markers and returns a non-nil list, so that
// the JSON holds [] rather than null.
func cleanList(in []string) []string {
	out := make([]string, 0, len(in))
	for _, v := range in {
		if v = markerStripper.Replace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// validDocumentID reports whether id is a Meilisearch document id:
// 1 to 511 bytes of a-z, A-Z, 0-9, '-' and '_'.
func validDocumentID(id string) bool {
	if id == "" || len(id) > 511 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if !isDocumentIDByte(id[i]) {
			return false
		}
	}
	return true
}

func isDocumentIDByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// Index adds or replaces docs, in batches, and waits until Meilisearch has
// indexed them, so a search right after finds them. A failed task returns
// its error message.
func (ix *Index) Index(ctx context.Context, docs ...*stagecraft.SearchDoc) error {
	all := make([]document, 0, len(docs))
	for _, d := range docs {
		if d == nil {
			continue
		}
		doc, err := toDocument(d)
		if err != nil {
			return err
		}
		all = append(all, doc)
	}
	// A fresh IndexManager per call: AddDocuments stores the primary key
	// option in the manager without a lock, a data race when shared.
	index := ix.client.Index(ix.uid)
	pk := primaryKey
	tasks := make([]*meilisearch.TaskInfo, 0, len(all)/batchSize+1)
	for start := 0; start < len(all); start += batchSize {
		batch := all[start:min(start+batchSize, len(all))]
		cctx, cancel := ix.callContext(ctx)
		task, err := index.AddDocumentsWithContext(cctx, batch, &meilisearch.DocumentOptions{PrimaryKey: &pk})
		cancel()
		if err != nil {
			return translate(err, fmt.Sprintf("add %d documents", len(batch)))
		}
		tasks = append(tasks, task)
	}
	for _, task := range tasks {
		if err := ix.wait(ctx, task, "index documents"); err != nil {
			return err
		}
	}
	return nil
}

// Delete removes the document of assetID if it belongs to orgID, and waits
// for the deletion. A missing document is not an error.
func (ix *Index) Delete(ctx context.Context, orgID, assetID string) error {
	if orgID == "" || assetID == "" {
		return fmt.Errorf("meili: delete needs an organisation and an asset id")
	}
	cctx, cancel := ix.callContext(ctx)
	task, err := ix.client.Index(ix.uid).DeleteDocumentsByFilterWithContext(cctx, deleteFilter(orgID, assetID), nil)
	cancel()
	if err != nil {
		return translate(err, "delete document "+assetID)
	}
	return ix.wait(ctx, task, "delete document "+assetID)
}
