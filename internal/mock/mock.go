// Package mock holds function-field fakes of the services the HTTP layer
// takes, for handler tests where a real database adds nothing: each
// method calls its Fn field, which a test sets to what it needs (an unset
// one panics, so a test never passes by calling what it did not expect).
package mock

import (
	"context"

	"github.com/stagecraft/stagecraft"
	"github.com/stagecraft/stagecraft/auth"
	"github.com/stagecraft/stagecraft/discover"
	"github.com/stagecraft/stagecraft/share"
)

// Authenticator fakes api.Authenticator.
type Authenticator struct {
	LoginFn                func(ctx context.Context, email, password, clientKey string) (*auth.Session, error)
	AuthenticateFn         func(ctx context.Context, bearer string) (*stagecraft.User, error)
	LogoutFn               func(ctx context.Context, bearer string) error
	ChangePasswordFn       func(ctx context.Context, u *stagecraft.User, bearer, current, next string) error
	RequestPasswordResetFn func(ctx context.Context, email string) error
	ResetPasswordFn        func(ctx context.Context, token, next string) error
	CreateAPITokenFn       func(ctx context.Context, u *stagecraft.User, name string) (*stagecraft.APIToken, string, error)
}

// Login calls LoginFn.
func (a *Authenticator) Login(ctx context.Context, email, password, clientKey string) (*auth.Session, error) {
	return a.LoginFn(ctx, email, password, clientKey)
}

// Authenticate calls AuthenticateFn.
func (a *Authenticator) Authenticate(ctx context.Context, bearer string) (*stagecraft.User, error) {
	return a.AuthenticateFn(ctx, bearer)
}

// Logout calls LogoutFn.
func (a *Authenticator) Logout(ctx context.Context, bearer string) error {
	return a.LogoutFn(ctx, bearer)
}

// ChangePassword calls ChangePasswordFn.
func (a *Authenticator) ChangePassword(ctx context.Context, u *stagecraft.User, bearer, current, next string) error {
	return a.ChangePasswordFn(ctx, u, bearer, current, next)
}

// RequestPasswordReset calls RequestPasswordResetFn.
func (a *Authenticator) RequestPasswordReset(ctx context.Context, email string) error {
	return a.RequestPasswordResetFn(ctx, email)
}

// ResetPassword calls ResetPasswordFn.
func (a *Authenticator) ResetPassword(ctx context.Context, token, next string) error {
	return a.ResetPasswordFn(ctx, token, next)
}

// CreateAPIToken calls CreateAPITokenFn.
func (a *Authenticator) CreateAPIToken(ctx context.Context, u *stagecraft.User, name string) (*stagecraft.APIToken, string, error) {
	return a.CreateAPITokenFn(ctx, u, name)
}

// Finder fakes api.Finder.
type Finder struct {
	FindFn      func(ctx context.Context, user *stagecraft.User, q discover.Query) (*discover.Results, error)
	RecommendFn func(ctx context.Context, user *stagecraft.User, dealID string, limit int) (*discover.Recommendations, error)
}

// Find calls FindFn.
func (f *Finder) Find(ctx context.Context, user *stagecraft.User, q discover.Query) (*discover.Results, error) {
	return f.FindFn(ctx, user, q)
}

// Recommend calls RecommendFn.
func (f *Finder) Recommend(ctx context.Context, user *stagecraft.User, dealID string, limit int) (*discover.Recommendations, error) {
	return f.RecommendFn(ctx, user, dealID, limit)
}

// Sharer fakes api.Sharer.
type Sharer struct {
	CreateLinkFn func(ctx context.Context, user *stagecraft.User, n stagecraft.NewLink) (*stagecraft.Link, error)
	FindLinkFn   func(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Link, error)
	UpdateLinkFn func(ctx context.Context, user *stagecraft.User, id string, u stagecraft.LinkUpdate) (*stagecraft.Link, error)
	VisitsFn     func(ctx context.Context, user *stagecraft.User, linkID, dealID string, limit int, cursor string) ([]*stagecraft.Visit, string, error)
	AdmitFn      func(l *stagecraft.SharedLink, email, passcode string) (string, error)
	AdmittedFn   func(l *stagecraft.SharedLink, admission string) (string, bool)
	InternalFn   func(ctx context.Context, orgID, email string) (bool, error)
	RecordTimeFn func(ctx context.Context, l *stagecraft.SharedLink, r *share.Reading) (*stagecraft.Visit, error)
}

// CreateLink calls CreateLinkFn.
func (s *Sharer) CreateLink(ctx context.Context, user *stagecraft.User, n stagecraft.NewLink) (*stagecraft.Link, error) {
	return s.CreateLinkFn(ctx, user, n)
}

// FindLink calls FindLinkFn.
func (s *Sharer) FindLink(ctx context.Context, user *stagecraft.User, id string) (*stagecraft.Link, error) {
	return s.FindLinkFn(ctx, user, id)
}

// UpdateLink calls UpdateLinkFn.
func (s *Sharer) UpdateLink(ctx context.Context, user *stagecraft.User, id string, u stagecraft.LinkUpdate) (*stagecraft.Link, error) {
	return s.UpdateLinkFn(ctx, user, id, u)
}

// LinkVisits calls VisitsFn with the link.
func (s *Sharer) LinkVisits(ctx context.Context, user *stagecraft.User, linkID string, limit int, cursor string) ([]*stagecraft.Visit, string, error) {
	return s.VisitsFn(ctx, user, linkID, "", limit, cursor)
}

// DealVisits calls VisitsFn with the deal.
func (s *Sharer) DealVisits(ctx context.Context, user *stagecraft.User, dealID string, limit int, cursor string) ([]*stagecraft.Visit, string, error) {
	return s.VisitsFn(ctx, user, "", dealID, limit, cursor)
}

// Admit calls AdmitFn.
func (s *Sharer) Admit(l *stagecraft.SharedLink, email, passcode string) (string, error) {
	return s.AdmitFn(l, email, passcode)
}

// Admitted calls AdmittedFn, or admits everyone to links without
// protection when it is nil.
func (s *Sharer) Admitted(l *stagecraft.SharedLink, admission string) (string, bool) {
	if s.AdmittedFn == nil {
		return "", !l.Protected()
	}
	return s.AdmittedFn(l, admission)
}

// Internal calls InternalFn, or says no when it is nil.
func (s *Sharer) Internal(ctx context.Context, orgID, email string) (bool, error) {
	if s.InternalFn == nil {
		return false, nil
	}
	return s.InternalFn(ctx, orgID, email)
}

// RecordTime calls RecordTimeFn.
func (s *Sharer) RecordTime(ctx context.Context, l *stagecraft.SharedLink, r *share.Reading) (*stagecraft.Visit, error) {
	return s.RecordTimeFn(ctx, l, r)
}
