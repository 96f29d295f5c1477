package postgres

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.EventService = (*DB)(nil)

// RecordEvent stores one event with its deal's stage at this moment.
func (db *DB) RecordEvent(ctx context.Context, e *stagecraft.Event) error {
	if e.ID == "" {
		e.ID = uuid.NewString()
	}
	if e.OccurredAt.IsZero() {
		e.OccurredAt = db.Now().UTC()
	}
	meta, err := json.Marshal(e.Meta)
	if err != nil || e.Meta == nil {
		meta = []byte("{}")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if e.DealID != "" {
			if !isUUID(e.DealID) {
				return stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
			}
			err := tx.QueryRow(ctx, `
				SELECT stage FROM deals
				WHERE id = $1 AND org_id = $2 AND ($3::uuid IS NULL OR owner_id = $3)`,
				e.DealID, e.OrgID, nullable(e.RepScope)).Scan(&e.StageAtEvent)
			if err != nil {
				return notFound(err, "Deal not found.")
			}
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO usage_events (id, org_id, type, asset_id, version_id, deal_id, user_id,
			                          stage_at_event, occurred_at, recorded_at, meta)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (org_id, id) DO NOTHING`,
			e.ID, e.OrgID, e.Type, e.AssetID, nullable(e.VersionID), nullable(e.DealID), nullable(e.UserID),
			nullable(e.StageAtEvent), e.OccurredAt, db.Now().UTC(), meta)
		if err != nil {
			return fmt.Errorf("insert event: %w", err)
		}
		return nil
	})
}
