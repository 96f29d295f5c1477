// Package library runs the collateral workflows that span the database and
// the blob store: streaming uploads into storage and committing their rows,
// new versions, downloads, and sweeping objects orphaned by a crash. It
// keeps the two stores consistent: a row never points at a missing object,
// and an object without a row is deleted.
package library

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"time"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
)

// Service runs collateral workflows.
type Service struct {
	Assets   stagecraft.AssetService
	Taxonomy stagecraft.TaxonomyService
	Events   stagecraft.EventService
	Deals    stagecraft.DealService
	Blobs    stagecraft.BlobStore
	Log      *slog.Logger
	Now      stagecraft.Clock

	// MaxUpload is the largest file accepted, in bytes.
	MaxUpload int64
	// URLTTL is how long a download URL stays valid.
	URLTTL time.Duration
	// OrphanAge is how old an unfinished upload must be before its object
	// is considered abandoned and deleted.
	OrphanAge time.Duration
}

// StoredFile is a file written to the blob store whose row is not yet
// committed. Pass it to CreateAsset or AddVersion, or to Discard.
type StoredFile struct {
	Version stagecraft.AssetVersion
	orgID   string
}

// StoreFile streams r into the blob store as a new version of assetID,
// computing its size and SHA-256 and sniffing its type on the way. The file
// is never held in memory whole. An intent is recorded first so that a
// crash at any point leaves an object that Sweep will find.
func (s *Service) StoreFile(ctx context.Context, user *stagecraft.User, assetID, filename string, r io.Reader) (*StoredFile, error) {
	versionID := uuid.NewString()
	key := fmt.Sprintf("orgs/%s/assets/%s/%s", user.OrgID, assetID, versionID)
	filename = SanitizeFilename(filename)

	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(SniffLen)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	if len(head) == 0 {
		return nil, stagecraft.Errorf(stagecraft.EINVALID, "file is empty.").
			WithDetails(map[string]any{"field": "file"})
	}
	contentType := Detect(head, filename)

	if err := s.Assets.BeginUpload(ctx, user.OrgID, key); err != nil {
		return nil, err
	}
	h := sha256.New()
	body := &limitedReader{r: io.TeeReader(br, h), max: s.MaxUpload}
	size, err := s.Blobs.Put(ctx, key, body, -1, contentType)
	if err != nil {
		s.discard(ctx, key)
		if body.exceeded {
			return nil, tooLarge(s.MaxUpload)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("upload cancelled: %w", ctx.Err())
		}
		return nil, fmt.Errorf("store file: %w", err)
	}
	return &StoredFile{orgID: user.OrgID, Version: stagecraft.AssetVersion{
		ID:          versionID,
		AssetID:     assetID,
		Filename:    filename,
		ContentType: contentType,
		Size:        size,
		SHA256:      hexSum(h),
		UploadedBy:  user.ID,
		BlobKey:     key,
	}}, nil
}

// Discard deletes a stored file whose row will not be committed.
func (s *Service) Discard(ctx context.Context, f *StoredFile) {
	if f != nil {
		s.discard(ctx, f.Version.BlobKey)
	}
}

// discard deletes an object and then its intent. It runs even when the
// request was cancelled; if the store is down the intent stays, and Sweep
// deletes the object later.
func (s *Service) discard(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := s.Blobs.Delete(ctx, key); err != nil {
		s.Log.WarnContext(ctx, "discard upload: object left for the sweeper", slog.String("key", key), slog.Any("error", err))
		return
	}
	if err := s.Assets.EndUpload(ctx, key); err != nil {
		s.Log.WarnContext(ctx, "discard upload: intent left for the sweeper", slog.String("key", key), slog.Any("error", err))
	}
}

// NewAssetID returns the id for an asset about to be uploaded.
func NewAssetID() string { return uuid.NewString() }

// CreateAsset validates meta against the organisation's taxonomy and
// commits the asset with f as its first version. On any error f is
// discarded, so nothing is left behind.
func (s *Service) CreateAsset(ctx context.Context, user *stagecraft.User, assetID string, meta stagecraft.AssetMeta, f *StoredFile) (*stagecraft.Asset, error) {
	a, err := s.createAsset(ctx, user, assetID, meta, f)
	if err != nil {
		s.Discard(ctx, f)
		return nil, err
	}
	return a, nil
}

func (s *Service) createAsset(ctx context.Context, user *stagecraft.User, assetID string, meta stagecraft.AssetMeta, f *StoredFile) (*stagecraft.Asset, error) {
	if err := s.CheckMeta(ctx, user.OrgID, &meta); err != nil {
		return nil, err
	}
	a := &stagecraft.Asset{
		ID: assetID, OrgID: user.OrgID, Title: meta.Title, Description: meta.Description,
		Type: TypeOf(f.Version.ContentType), Status: meta.Status,
		Stages: meta.Stages, Personas: meta.Personas, Industries: meta.Industries,
		Products: meta.Products, Tags: meta.Tags, ExpiresAt: meta.ExpiresAt, OwnerID: user.ID,
	}
	if a.Title == "" {
		// A default the indexer replaces with the title the document gives
		// itself, while nobody has edited it (see stagecraft.DefaultTitle).
		a.Title, a.TitleFromFilename = stagecraft.TitleFromFilename(f.Version.Filename), true
	}
	if err := s.Assets.CreateAsset(ctx, a, &f.Version); err != nil {
		return nil, fmt.Errorf("create asset: %w", err)
	}
	return a, nil
}

// CheckMeta fills defaults and validates meta against the org's taxonomy.
func (s *Service) CheckMeta(ctx context.Context, orgID string, meta *stagecraft.AssetMeta) error {
	if meta.Status == "" {
		meta.Status = stagecraft.StatusPublished
	}
	for _, l := range []*[]string{&meta.Stages, &meta.Personas, &meta.Industries, &meta.Products, &meta.Tags} {
		*l = stagecraft.CleanList(*l)
	}
	tax, err := s.Taxonomy.FindTaxonomy(ctx, orgID)
	if err != nil {
		return err
	}
	return meta.Validate(tax)
}

// AddVersion commits f as the asset's new current version. On any error f
// is discarded.
func (s *Service) AddVersion(ctx context.Context, user *stagecraft.User, f *StoredFile) (*stagecraft.Asset, error) {
	a, err := s.Assets.AddVersion(ctx, user.OrgID, &f.Version)
	if err != nil {
		s.Discard(ctx, f)
		return nil, err
	}
	return a, nil
}

// FindAsset returns an asset the user may see, or ENOTFOUND.
func (s *Service) FindAsset(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Asset, error) {
	a, err := s.Assets.FindAssetByID(ctx, user.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !a.VisibleTo(user, s.Now()) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Asset not found.")
	}
	return a, nil
}

// DownloadURL returns a short-lived URL of the asset's current file and
// when it expires, and records a download event, on dealID when given
// (a deal the user may see).
func (s *Service) DownloadURL(ctx context.Context, user *stagecraft.User, assetID, dealID string) (string, time.Time, error) {
	a, err := s.FindAsset(ctx, user, assetID)
	if err != nil {
		return "", time.Time{}, err
	}
	v := a.CurrentVersion
	expires := s.Now().Add(s.URLTTL).UTC()
	url, err := s.Blobs.SignedURL(ctx, v.BlobKey, s.URLTTL, v.Filename, v.ContentType)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("sign download url: %w", err)
	}
	e := &stagecraft.Event{
		OrgID: user.OrgID, Type: stagecraft.EventDownload, AssetID: a.ID, VersionID: v.ID,
		DealID: dealID, UserID: user.ID, OccurredAt: s.Now().UTC(),
	}
	e.ScopeTo(user)
	if err := s.Events.RecordEvent(ctx, e); err != nil {
		return "", time.Time{}, fmt.Errorf("record download: %w", err)
	}
	return url, expires, nil
}

// OpenThumbnail opens the preview image of an asset the user may see.
// Returns ENOTFOUND when the asset has none (yet). The caller closes it.
func (s *Service) OpenThumbnail(ctx context.Context, user *stagecraft.User, assetID string) (io.ReadCloser, stagecraft.BlobInfo, error) {
	a, err := s.FindAsset(ctx, user, assetID)
	if err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	if a.ThumbnailKey == "" {
		return nil, stagecraft.BlobInfo{}, stagecraft.Errorf(stagecraft.ENOTFOUND, "This asset has no thumbnail.")
	}
	return s.Blobs.Open(ctx, a.ThumbnailKey)
}

// OpenVersion opens a version's file. The caller has checked that it may
// be read (the user sees its asset, or a share link admits to it) and
// closes it.
func (s *Service) OpenVersion(ctx context.Context, v *stagecraft.AssetVersion) (io.ReadCloser, stagecraft.BlobInfo, error) {
	return s.Blobs.Open(ctx, v.BlobKey)
}

// VersionURL returns a short-lived URL of a version's file, offered as a
// download; the caller has checked that it may be read.
func (s *Service) VersionURL(ctx context.Context, v *stagecraft.AssetVersion) (string, error) {
	url, err := s.Blobs.SignedURL(ctx, v.BlobKey, s.URLTTL, v.Filename, v.ContentType)
	if err != nil {
		return "", fmt.Errorf("sign url: %w", err)
	}
	return url, nil
}

// AttachToDeal records that the user attached an asset to a deal, both
// of which they may see (else ENOTFOUND), as an attach event at the
// deal's current stage.
func (s *Service) AttachToDeal(ctx context.Context, user *stagecraft.User, dealID, assetID string) (*stagecraft.Event, error) {
	d, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, dealID)
	if err != nil {
		return nil, err
	}
	a, err := s.FindAsset(ctx, user, assetID)
	if err != nil {
		return nil, err
	}
	ev := &stagecraft.Event{OrgID: user.OrgID, Type: stagecraft.EventAttach, AssetID: a.ID,
		VersionID: a.CurrentVersion.ID, DealID: d.ID, UserID: user.ID, OccurredAt: s.Now().UTC()}
	if err := s.Events.RecordEvent(ctx, ev); err != nil {
		return nil, fmt.Errorf("attach: %w", err)
	}
	return ev, nil
}

// Sweep deletes objects whose uploads were abandoned (the server crashed
// or the store was down when a failed upload was cleaned up) and returns
// how many it removed.
func (s *Service) Sweep(ctx context.Context) (int, error) {
	keys, err := s.Assets.FindStaleUploads(ctx, s.Now().Add(-s.OrphanAge), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range keys {
		if err := s.Blobs.Delete(ctx, key); err != nil {
			return n, fmt.Errorf("sweep %s: %w", key, err)
		}
		if err := s.Assets.EndUpload(ctx, key); err != nil {
			return n, fmt.Errorf("sweep %s: %w", key, err)
		}
		n++
	}
	return n, nil
}

func tooLarge(limit int64) error {
	return stagecraft.Errorf(stagecraft.ETOOLARGE, "file is larger than the %d MB limit.", limit>>20).
		WithDetails(map[string]any{"field": "file", "max_bytes": limit})
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

// limitedReader fails once more than max bytes have been read, so an
// oversized upload is cut off as it streams rather than after it lands.
type limitedReader struct {
	r        io.Reader
	max, n   int64
	exceeded bool
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.exceeded {
		return 0, tooLarge(l.max)
	}
	if int64(len(p)) > l.max-l.n+1 {
		p = p[:l.max-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.max {
		l.exceeded = true
		return n, tooLarge(l.max)
	}
	return n, err
}
