package stagecraft

import (
	"context"
	"time"
)

// IndexJob asks for an asset to be (re)indexed. Jobs are deduplicated per
// asset: asking again while one waits or runs bumps RequestedAt.
type IndexJob struct {
	// Kind is JobIndex or JobPreview; an asset has at most one job of
	// each kind.
	Kind        string
	AssetID     string
	OrgID       string
	RequestedAt time.Time
	Attempts    int
}

// AssetText is the text extracted from one version, kept so that metadata
// changes and index rebuilds need not parse the file again.
type AssetText struct {
	VersionID string
	OrgID     string
	Title     string
	Body      string
	Language  string
	Pages     *int
	Truncated bool
	// Failed is set when the file could not be read; Note says why.
	Failed bool
	// Note says why there is no (or only partial) text, for users.
	Note string
}

// IndexResult is the outcome of indexing one version of an asset.
type IndexResult struct {
	OrgID     string
	AssetID   string
	VersionID string
	Status    string // IndexIndexed or IndexFailed
	// Error is shown to users as index_error: why indexing failed, or why
	// only the metadata could be indexed.
	Error        string
	ThumbnailKey string
	Pages        *int
	// DocumentTitle replaces a title that was defaulted from the file name.
	DocumentTitle string
}

// IndexStore is what the indexer needs of the database.
type IndexStore interface {
	// ClaimIndexJob leases the next due job of kind (JobIndex or
	// JobPreview) to worker for lease, or returns nil when none is due.
	// Expired leases of dead workers are taken over.
	ClaimIndexJob(ctx context.Context, kind, worker string, lease time.Duration) (*IndexJob, error)
	// CompleteIndexJob removes the job, unless it was requested again
	// while it ran, in which case it is released to run again.
	CompleteIndexJob(ctx context.Context, job *IndexJob) error
	// RetryIndexJob releases the job to run again at retryAt.
	RetryIndexJob(ctx context.Context, job *IndexJob, retryAt time.Time, cause string) error
	// EnqueueAllIndexJobs asks for every asset to be indexed again, and
	// with forgetText also drops the extracted text so files are read
	// again. Returns how many assets were enqueued.
	EnqueueAllIndexJobs(ctx context.Context, forgetText bool) (int, error)
	// CountIndexJobs returns how many index jobs (JobIndex) wait or run.
	CountIndexJobs(ctx context.Context) (int, error)

	FindAssetByID(ctx context.Context, orgID, id string) (*Asset, error)
	// FindAssetText returns the cached text of a version, or ENOTFOUND.
	FindAssetText(ctx context.Context, versionID string) (*AssetText, error)
	SaveAssetText(ctx context.Context, t *AssetText) error
	// SaveIndexResult records the outcome on the asset, if the version is
	// still its current one.
	SaveIndexResult(ctx context.Context, r *IndexResult) error
}
