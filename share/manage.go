package share

import (
	"context"
	"fmt"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
)

// sharerScope is the sharer a user's link actions are limited to: reps
// manage the links they shared, marketers and admins every link.
func sharerScope(user *stagecraft.User) string {
	if user.Role == stagecraft.RoleRep {
		return user.ID
	}
	return ""
}

// FindLink returns a link the user may manage, else ENOTFOUND.
func (s *Service) FindLink(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Link, error) {
	l, err := s.Links.FindLink(ctx, user.OrgID, id)
	if err != nil {
		return nil, err
	}
	if sc := sharerScope(user); sc != "" && l.SharerID != sc {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Link not found.")
	}
	return l, nil
}

// UpdateLink changes a link's protection and expiry: the sharer,
// marketers and admins may.
func (s *Service) UpdateLink(ctx context.Context, user *stagecraft.User, id string, u stagecraft.LinkUpdate) (*stagecraft.Link, error) {
	if err := u.Validate(s.Now()); err != nil {
		return nil, err
	}
	if u.Passcode != nil {
		h := ""
		if *u.Passcode != "" {
			var err error
			if h, err = auth.HashPassword(*u.Passcode); err != nil {
				return nil, fmt.Errorf("hash passcode: %w", err)
			}
		}
		u.PasscodeHash = &h
	}
	return s.Links.UpdateLink(ctx, user.OrgID, id, sharerScope(user), &u)
}

// LinkVisits lists the visits of a link the user may manage.
func (s *Service) LinkVisits(ctx context.Context, user *stagecraft.User, linkID string, limit int, cursor string) ([]*stagecraft.Visit, string, error) {
	if _, err := s.FindLink(ctx, user, linkID); err != nil {
		return nil, "", err
	}
	return s.Links.FindVisits(ctx, stagecraft.VisitFilter{OrgID: user.OrgID, LinkID: linkID, Limit: limit, Cursor: cursor})
}

// DealVisits lists the visits of every link of a deal the user may see.
func (s *Service) DealVisits(ctx context.Context, user *stagecraft.User, dealID string, limit int, cursor string) ([]*stagecraft.Visit, string, error) {
	d, err := stagecraft.FindVisibleDeal(ctx, s.Deals, user, dealID)
	if err != nil {
		return nil, "", err
	}
	return s.Links.FindVisits(ctx, stagecraft.VisitFilter{OrgID: user.OrgID, DealID: d.ID, Limit: limit, Cursor: cursor})
}
