// Package stagecraft holds the domain of the Stagecraft content hub: the
// types of organisations, users, collateral and taxonomy, the services that
// act on them, and the error codes shared by every layer. It has no I/O
// dependencies; adapters (storage/postgres, storage/blob, api, indexer)
// import it, never the other way round.
package stagecraft

import (
	"context"
	"time"
)

// Role is a user's role within an organisation.
type Role string

// Roles, from most to least privileged.
const (
	RoleAdmin    Role = "admin"
	RoleMarketer Role = "marketer"
	RoleRep      Role = "rep"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleMarketer, RoleRep:
		return true
	}
	return false
}

// CanManageAssets reports whether the role may create and edit collateral.
func (r Role) CanManageAssets() bool { return r == RoleAdmin || r == RoleMarketer }

// Organisation is a tenant. Every other row belongs to exactly one.
type Organisation struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Clock returns the current time. Services take one so tests can fix time.
type Clock func() time.Time

type contextKey int

const userContextKey contextKey = iota

// NewContextWithUser returns a context carrying the authenticated user.
func NewContextWithUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userContextKey, u)
}

// UserFromContext returns the authenticated user, or nil.
func UserFromContext(ctx context.Context) *User {
	u, _ := ctx.Value(userContextKey).(*User)
	return u
}
