package library

import (
	"context"
	"io"

	"github.com/stagecraft/stagecraft"
)

// OpenPage opens the image (JPEG) of page n (1-based) of a version. The
// caller has checked that the version may be read (the user sees its
// asset, or a share link admits to it) and closes the reader. Returns
// ENOTFOUND when the version's previews are not ready or it has no such
// page.
func (s *Service) OpenPage(ctx context.Context, v *stagecraft.AssetVersion, page int) (io.ReadCloser, stagecraft.BlobInfo, error) {
	p := v.Preview
	if p.Status != stagecraft.PreviewReady || page < 1 || page > p.Pages {
		return nil, stagecraft.BlobInfo{}, stagecraft.Errorf(stagecraft.ENOTFOUND, "This page has no preview.")
	}
	return s.Blobs.Open(ctx, stagecraft.PageKey(v.BlobKey, page))
}

// OpenRendition opens the PDF to show for a version: the file itself when
// it is a PDF, else the PDF converted from it once its previews are ready.
// The caller has checked that the version may be read and closes the
// reader. Returns ENOTFOUND when there is none (yet).
func (s *Service) OpenRendition(ctx context.Context, v *stagecraft.AssetVersion) (io.ReadCloser, stagecraft.BlobInfo, error) {
	switch {
	case stagecraft.PreviewSourceOf(v.ContentType) == stagecraft.PreviewSourcePDF:
		return s.Blobs.Open(ctx, v.BlobKey)
	case v.Preview.Status == stagecraft.PreviewReady && v.Preview.RenditionKey != "":
		return s.Blobs.Open(ctx, v.Preview.RenditionKey)
	}
	return nil, stagecraft.BlobInfo{}, stagecraft.Errorf(stagecraft.ENOTFOUND, "This file has no PDF version (yet).")
}

// OpenAssetPage opens the image of page n of the current version of an
// asset the user may see. Returns ENOTFOUND for an asset the user may not
// see, and as OpenPage does.
func (s *Service) OpenAssetPage(ctx context.Context, user *stagecraft.User, assetID string, page int) (io.ReadCloser, stagecraft.BlobInfo, error) {
	a, err := s.FindAsset(ctx, user, assetID)
	if err != nil {
		return nil, stagecraft.BlobInfo{}, err
	}
	return s.OpenPage(ctx, a.CurrentVersion, page)
}
