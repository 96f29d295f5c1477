package postgres

import (
	"context"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.DealService = (*DB)(nil)

// FindDealByID returns one deal of an organisation.
func (db *DB) FindDealByID(ctx context.Context, orgID, id string) (*stagecraft.Deal, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
	}
	var d stagecraft.Deal
	var owner, ownerEmail *string
	err := db.Pool.QueryRow(ctx, `
		SELECT d.id, d.org_id, d.external_id, d.name, d.account, d.amount::float8, d.currency, d.stage, d.status,
		       d.owner_id, u.email, d.personas, d.industry, d.closed_at, d.created_at, d.updated_at
		FROM deals d LEFT JOIN users u ON u.id = d.owner_id
		WHERE d.id = $1 AND d.org_id = $2`, id, orgID).
		Scan(&d.ID, &d.OrgID, &d.ExternalID, &d.Name, &d.Account, &d.Amount, &d.Currency, &d.Stage, &d.Status,
			&owner, &ownerEmail, &d.Personas, &d.Industry, &d.ClosedAt, &d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return nil, notFound(err, "Deal not found.")
	}
	d.OwnerID, d.OwnerEmail = deref(owner), deref(ownerEmail)
	return &d, nil
}
