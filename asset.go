package stagecraft

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// AssetType is the kind of collateral, derived from the file's content.
type AssetType string

// Asset types.
const (
	TypePDF         AssetType = "pdf"
	TypeDeck        AssetType = "deck"
	TypeDocument    AssetType = "document"
	TypeSpreadsheet AssetType = "spreadsheet"
	TypeImage       AssetType = "image"
	TypeVideo       AssetType = "video"
	TypeText        AssetType = "text"
	TypeLink        AssetType = "link"
	TypeOther       AssetType = "other"
)

// AssetStatus is where an asset is in its life.
type AssetStatus string

// Asset statuses.
const (
	StatusDraft     AssetStatus = "draft"
	StatusPublished AssetStatus = "published"
	StatusArchived  AssetStatus = "archived"
)

// Valid reports whether s is a known status.
func (s AssetStatus) Valid() bool {
	return s == StatusDraft || s == StatusPublished || s == StatusArchived
}

// Index statuses of an asset's current version.
const (
	IndexPending = "pending"
	IndexIndexed = "indexed"
	IndexFailed  = "failed"
)

// Asset is a piece of collateral with its current version.
type Asset struct {
	ID             string
	OrgID          string
	Title          string
	Description    string
	Type           AssetType
	Status         AssetStatus
	Stages         []string
	Personas       []string
	Industries     []string
	Products       []string
	Tags           []string
	ExpiresAt      *time.Time
	OwnerID        string
	CurrentVersion *AssetVersion
	IndexStatus    string
	IndexError     *string
	CreatedAt      time.Time
	UpdatedAt      time.Time

	// TitleFromFilename is true while the title is the file name chosen by
	// default, so the indexer may replace it with the document's own title.
	TitleFromFilename bool
	// ThumbnailKey is the blob key of the preview image, if any.
	ThumbnailKey string
}

// AssetVersion is one uploaded file of an asset.
type AssetVersion struct {
	ID          string
	AssetID     string
	Number      int
	Filename    string
	ContentType string
	Size        int64
	SHA256      string
	PageCount   *int
	UploadedBy  string
	CreatedAt   time.Time

	// BlobKey is where the file lives in the blob store.
	BlobKey string
	// Preview is the state of the version's page previews.
	Preview Preview
}

// VisibleTo reports whether u may see the asset at time now: reps see only
// published assets that have not expired.
func (a *Asset) VisibleTo(u *User, now time.Time) bool {
	if u.OrgID != a.OrgID {
		return false
	}
	if u.Role != RoleRep {
		return true
	}
	return a.Status == StatusPublished && (a.ExpiresAt == nil || a.ExpiresAt.After(now))
}

// AssetMeta is the editable metadata of an asset, used on create.
type AssetMeta struct {
	Title       string
	Description string
	Status      AssetStatus
	Stages      []string
	Personas    []string
	Industries  []string
	Products    []string
	Tags        []string
	ExpiresAt   *time.Time
}

// Validate checks lengths and statuses, and the taxonomy keys against tax.
func (m *AssetMeta) Validate(tax *Taxonomy) error {
	// Limits count characters, as the messages say (and as the web app
	// counts them), not bytes: a title in Greek is as long as one in English.
	if utf8.RuneCountInString(m.Title) > MaxTitleChars {
		return fieldError("title", "title must be at most %d characters.", MaxTitleChars)
	}
	if utf8.RuneCountInString(m.Description) > MaxDescriptionChars {
		return fieldError("description", "description must be at most %d characters.", MaxDescriptionChars)
	}
	if !m.Status.Valid() {
		return Errorf(EINVALID, "status must be one of draft, published, archived.")
	}
	if err := checkTags(m.Tags); err != nil {
		return err
	}
	return checkFacets(tax, m.Stages, m.Personas, m.Industries, m.Products)
}

func checkFacets(tax *Taxonomy, stages, personas, industries, products []string) error {
	for _, c := range []struct {
		facet string
		keys  []string
	}{
		{FacetStages, stages}, {FacetPersonas, personas},
		{FacetIndustries, industries}, {FacetProducts, products},
	} {
		if err := tax.CheckKeys(c.facet, c.facet, c.keys); err != nil {
			return err
		}
	}
	return nil
}

// Limits of an asset's text, in characters. The web app checks the same
// limits with the same messages before it sends a change.
const (
	MaxTitleChars       = 300
	MaxDescriptionChars = 5000
	MaxTags             = 50
	MaxTagChars         = 60
)

func checkTags(tags []string) error {
	if len(tags) > MaxTags {
		return fieldError("tags", "tags: at most %d tags.", MaxTags)
	}
	for _, t := range tags {
		if utf8.RuneCountInString(t) > MaxTagChars {
			return fieldError("tags", "tags: %q is longer than %d characters.", t, MaxTagChars)
		}
	}
	return nil
}

// fieldError is an EINVALID error naming the field it is about, so a form
// can show the message beside that field.
func fieldError(field, format string, args ...any) *Error {
	return Errorf(EINVALID, format, args...).WithDetails(map[string]any{"field": field})
}

// AssetUpdate is a partial update: nil fields are left alone.
type AssetUpdate struct {
	Title       *string      `json:"title"`
	Description *string      `json:"description"`
	Status      *AssetStatus `json:"status"`
	Stages      *[]string    `json:"stages"`
	Personas    *[]string    `json:"personas"`
	Industries  *[]string    `json:"industries"`
	Products    *[]string    `json:"products"`
	Tags        *[]string    `json:"tags"`
	// ExpiresAt is set when the request names expires_at; a nil *time.Time
	// inside clears the expiry.
	ExpiresAt **time.Time `json:"-"`
}

// Apply validates upd and applies it to a.
func (upd *AssetUpdate) Apply(a *Asset, tax *Taxonomy) error {
	m := AssetMeta{
		Title: a.Title, Description: a.Description, Status: a.Status,
		Stages: a.Stages, Personas: a.Personas, Industries: a.Industries,
		Products: a.Products, Tags: a.Tags, ExpiresAt: a.ExpiresAt,
	}
	if upd.Title != nil {
		m.Title = strings.TrimSpace(*upd.Title)
		if m.Title == "" {
			return fieldError("title", "title must not be empty.")
		}
	}
	if upd.Description != nil {
		m.Description = strings.TrimSpace(*upd.Description)
	}
	if upd.Status != nil {
		m.Status = *upd.Status
	}
	set := func(dst *[]string, src *[]string) {
		if src != nil {
			*dst = CleanList(*src)
		}
	}
	set(&m.Stages, upd.Stages)
	set(&m.Personas, upd.Personas)
	set(&m.Industries, upd.Industries)
	set(&m.Products, upd.Products)
	set(&m.Tags, upd.Tags)
	if upd.ExpiresAt != nil {
		m.ExpiresAt = *upd.ExpiresAt
	}
	// A title the update leaves alone is not judged again: one set by an
	// earlier version of the indexer may be longer than today's limit, and
	// must not stop the asset's tags or status from changing.
	checked := m
	if upd.Title == nil {
		checked.Title = ""
	}
	if err := checked.Validate(tax); err != nil {
		return err
	}
	if upd.Title != nil {
		a.TitleFromFilename = false
	}
	a.Title, a.Description, a.Status = m.Title, m.Description, m.Status
	a.Stages, a.Personas, a.Industries, a.Products, a.Tags = m.Stages, m.Personas, m.Industries, m.Products, m.Tags
	a.ExpiresAt = m.ExpiresAt
	return nil
}

// CleanList trims values, drops empty ones and duplicates, and keeps order.
// It never returns nil, so JSON shows [] rather than null.
func CleanList(in []string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, v := range in {
		v = strings.TrimSpace(v)
		if v == "" || seen[v] {
			continue
		}
		seen[v] = true
		out = append(out, v)
	}
	return out
}

// AssetFilter selects assets. Zero values do not filter.
type AssetFilter struct {
	OrgID    string
	Statuses []AssetStatus
	Stages   []string
	Personas []string
	// VisibleAt, when set, keeps only published assets unexpired at that
	// time (what a rep may see).
	VisibleAt *time.Time
	Limit     int
	Offset    int
}

// AssetService stores assets and their versions.
type AssetService interface {
	// BeginUpload records the intent to write blobKey before any byte is
	// written, so that an object orphaned by a crash can be found and
	// removed later. CreateAsset and AddVersion clear the intent in the same
	// transaction that makes the object reachable.
	BeginUpload(ctx context.Context, orgID, blobKey string) error
	// EndUpload clears an intent whose object was deleted or never written.
	EndUpload(ctx context.Context, blobKey string) error
	// FindStaleUploads returns blob keys of intents older than before.
	FindStaleUploads(ctx context.Context, before time.Time, limit int) ([]string, error)

	// CreateAsset inserts a and its first version v, making v current.
	CreateAsset(ctx context.Context, a *Asset, v *AssetVersion) error
	// AddVersion adds v to the asset and makes it current, returning the
	// updated asset. Returns ENOTFOUND for an unknown asset.
	AddVersion(ctx context.Context, orgID string, v *AssetVersion) (*Asset, error)
	// FindAssetByID returns ENOTFOUND unless the asset exists in orgID.
	FindAssetByID(ctx context.Context, orgID, id string) (*Asset, error)
	// FindAssetsByIDs returns the org's assets among ids, by id.
	FindAssetsByIDs(ctx context.Context, orgID string, ids []string) (map[string]*Asset, error)
	// FindAssets returns a page of assets and the total matching.
	FindAssets(ctx context.Context, f AssetFilter) ([]*Asset, int, error)
	// FindVersions lists an asset's versions, newest first.
	FindVersions(ctx context.Context, orgID, assetID string) ([]*AssetVersion, error)
	// UpdateAsset runs fn on the asset under a row lock and saves the result.
	UpdateAsset(ctx context.Context, orgID, id string, fn func(*Asset) error) (*Asset, error)
}
