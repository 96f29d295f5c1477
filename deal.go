package stagecraft

import (
	"context"
	"time"
)

// Deal statuses: a deal is open until it is won or lost.
const (
	DealOpen = "open"
	DealWon  = "won"
	DealLost = "lost"
)

// Deal is an opportunity from the CRM that collateral is used on.
type Deal struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"-"`
	ExternalID string     `json:"external_id"`
	Name       string     `json:"name"`
	Account    string     `json:"account"`
	Amount     *float64   `json:"amount"`
	Currency   string     `json:"currency"`
	Stage      string     `json:"stage"`
	Status     string     `json:"status"`
	OwnerID    string     `json:"owner_id"`
	OwnerEmail string     `json:"owner_email"`
	Personas   []string   `json:"personas"`
	Industry   *string    `json:"industry"`
	ClosedAt   *time.Time `json:"closed_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}

// VisibleTo reports whether u may see the deal: reps see their own deals,
// marketers and admins all of their organisation's.
func (d *Deal) VisibleTo(u *User) bool {
	return d.OrgID == u.OrgID && (u.Role != RoleRep || d.OwnerID == u.ID)
}

// DealService stores deals.
type DealService interface {
	// FindDealByID returns ENOTFOUND unless the deal exists in orgID.
	FindDealByID(ctx context.Context, orgID, id string) (*Deal, error)
}
