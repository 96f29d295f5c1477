package stagecraft

import (
	"context"
	"strconv"
	"strings"
)

// PreviewStatus is where the page previews of a version are.
type PreviewStatus string

// Preview statuses.
const (
	// PreviewNone: the file's type has no page previews (images, video,
	// text, archives).
	PreviewNone PreviewStatus = "none"
	// PreviewPending: a preview job waits or runs.
	PreviewPending PreviewStatus = "pending"
	// PreviewReady: every page (up to the page limit) has an image.
	PreviewReady PreviewStatus = "ready"
	// PreviewFailed: the file could not be converted or rendered (damaged,
	// password-protected, too large, too slow); Error says why.
	PreviewFailed PreviewStatus = "failed"
	// PreviewUnavailable: the converter (LibreOffice) or renderer
	// (poppler) is not installed; retried once it is.
	PreviewUnavailable PreviewStatus = "unavailable"
)

// PageSize is the size of one page image, in pixels.
type PageSize struct {
	Width  int
	Height int
}

// Preview is what is known of a version's page previews.
type Preview struct {
	Status PreviewStatus
	// Pages is the number of page images (1..Pages), 0 unless ready.
	Pages int
	// Error says, for users, why there is no preview, or why only the
	// first pages have one.
	Error string
	// PageSizes holds the pixel size of each page image, in page order,
	// so that viewers can lay out placeholders before images load.
	PageSizes []PageSize
	// RenditionKey is the blob key of the PDF converted from the file;
	// "" for PDFs (the original is shown) and until converted.
	RenditionKey string
}

// PreviewSource says how a file gets page previews.
type PreviewSource int

// Preview sources.
const (
	// PreviewSourceNone: no page previews for this type.
	PreviewSourceNone PreviewSource = iota
	// PreviewSourcePDF: the file is a PDF; its pages are rendered as is.
	PreviewSourcePDF
	// PreviewSourceConvert: the file is converted to PDF first
	// (LibreOffice), then rendered.
	PreviewSourceConvert
)

// convertible are the content types converted to PDF for previews: decks,
// documents and spreadsheets in Microsoft Office (current and legacy),
// OpenDocument and RTF formats.
var convertible = map[string]bool{
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": true,
	"application/vnd.ms-powerpoint":                                             true,
	"application/vnd.oasis.opendocument.presentation":                           true,
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   true,
	"application/msword":                      true,
	"application/vnd.oasis.opendocument.text": true,
	"application/rtf":                         true,
	"text/rtf":                                true,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": true,
	"application/vnd.ms-excel":                       true,
	"application/vnd.oasis.opendocument.spreadsheet": true,
}

// PreviewSourceOf returns how a file of contentType gets page previews.
func PreviewSourceOf(contentType string) PreviewSource {
	base, _, _ := strings.Cut(contentType, ";")
	base = strings.ToLower(strings.TrimSpace(base))
	switch {
	case base == "application/pdf":
		return PreviewSourcePDF
	case convertible[base]:
		return PreviewSourceConvert
	}
	return PreviewSourceNone
}

// InitialPreviewStatus is the preview status of a newly uploaded file of
// contentType: pending when a preview job will make one, else none.
func InitialPreviewStatus(contentType string) PreviewStatus {
	if PreviewSourceOf(contentType) == PreviewSourceNone {
		return PreviewNone
	}
	return PreviewPending
}

// Blob keys of a version's previews, next to its file: the converted PDF
// at "<key>.preview.pdf" and page n (1-based) at "<key>.pages/<n>.jpg".
// Each version has its own key, so the objects never change once written
// and may be cached.

// RenditionKey returns the blob key of the PDF converted from the file at
// versionKey.
func RenditionKey(versionKey string) string { return versionKey + ".preview.pdf" }

// PageKey returns the blob key of the image of page n of the version at
// versionKey.
func PageKey(versionKey string, n int) string {
	return versionKey + ".pages/" + strconv.Itoa(n) + ".jpg"
}

// Index job kinds: each kind has its own workers, so that a slow
// conversion never delays search indexing.
const (
	JobIndex   = "index"
	JobPreview = "preview"
)

// PreviewResult is the outcome of a preview job for one version.
type PreviewResult struct {
	OrgID     string
	AssetID   string
	VersionID string
	Preview   Preview
	// ThumbnailKey, when set, becomes the asset's thumbnail if it has
	// none (decks and documents get theirs from the first page).
	ThumbnailKey string
	// PageCount, when set, becomes the version's page count if unknown.
	PageCount *int
}

// PreviewStore is what the preview worker needs of the database, beside
// the job queue of IndexStore.
type PreviewStore interface {
	// SavePreviewResult records the outcome on the version, and fills
	// the asset's thumbnail and the version's page count where missing.
	SavePreviewResult(ctx context.Context, r *PreviewResult) error
	// EnqueuePreviews asks for previews of the current versions whose
	// preview status is one of statuses, returning how many it enqueued.
	EnqueuePreviews(ctx context.Context, statuses ...PreviewStatus) (int, error)
}
