// Package share makes tracked links to collateral: who may share what, on
// which deal, and what a prospect who opens the link is shown.
package share

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/google/uuid"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
)

// AssetFinder finds an asset a user may see (library.Service).
type AssetFinder interface {
	FindAsset(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Asset, error)
}

// OrgSettings tells which email domains are the organisation's own.
type OrgSettings interface {
	InternalDomains(ctx context.Context, orgID string) ([]string, error)
}

// Service shares assets as tracked links, admits their visitors and
// records what they read.
type Service struct {
	Assets   AssetFinder
	Deals    stagecraft.DealService
	Links    stagecraft.LinkService
	Settings OrgSettings
	Now      stagecraft.Clock
	// PublicURL is the base of links in notifications.
	PublicURL string
	// Key signs admissions to protected links.
	Key []byte
}

// CreateLink shares an asset the user may see, optionally on a deal they
// may see (either else ENOTFOUND), recording a share event with it. An
// archived or expired asset is EUNPROCESSABLE: its link would be dead.
func (s *Service) CreateLink(ctx context.Context, user *stagecraft.User, n stagecraft.NewLink) (*stagecraft.Link, error) {
	now := s.Now()
	if err := n.Validate(now); err != nil {
		return nil, err
	}
	for _, f := range []struct{ name, val string }{{"asset_id", n.AssetID}, {"deal_id", n.DealID}} {
		if f.val != "" && (len(f.val) != 36 || uuid.Validate(f.val) != nil) {
			return nil, stagecraft.Errorf(stagecraft.EINVALID, "%s must be a UUID.", f.name).
				WithDetails(map[string]any{"field": f.name})
		}
	}
	a, err := s.Assets.FindAsset(ctx, user, n.AssetID)
	if err != nil {
		return nil, err
	}
	if a.Status == stagecraft.StatusArchived || (a.ExpiresAt != nil && !a.ExpiresAt.After(now)) {
		return nil, stagecraft.Errorf(stagecraft.EUNPROCESSABLE, "This asset is archived or expired and cannot be shared.").
			WithDetails(map[string]any{"field": "asset_id"})
	}
	l := &stagecraft.Link{OrgID: user.OrgID, AssetID: a.ID, SharerID: user.ID, ExpiresAt: n.ExpiresAt,
		RequireEmail: n.RequireEmail, AllowDownload: n.AllowDownload == nil || *n.AllowDownload,
		Notify: n.Notify == nil || *n.Notify}
	if n.Passcode != "" {
		if l.PasscodeHash, err = auth.HashPassword(n.Passcode); err != nil {
			return nil, fmt.Errorf("hash passcode: %w", err)
		}
	}
	if n.DealID != "" {
		d, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, n.DealID)
		if err != nil {
			return nil, err
		}
		l.DealID = &d.ID
	}
	if n.RecipientEmail != "" {
		l.RecipientEmail = &n.RecipientEmail
	}
	if l.Token, err = newLinkToken(); err != nil {
		return nil, fmt.Errorf("create link: %w", err)
	}
	if err := s.Links.CreateLink(ctx, l, a.CurrentVersion.ID); err != nil {
		return nil, err
	}
	return l, nil
}

// newLinkToken returns 32 bytes from crypto/rand in unpadded base64url:
// 43 characters, 256 bits that cannot be guessed.
func newLinkToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
