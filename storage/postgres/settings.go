package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.OrgSettingsService = (*DB)(nil)

func findOrgSettings(ctx context.Context, q querier, orgID string, lock bool) (*stagecraft.OrgSettings, error) {
	if !isUUID(orgID) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Organisation not found.")
	}
	forUpdate := ""
	if lock {
		forUpdate = " FOR UPDATE OF o"
	}
	var s stagecraft.OrgSettings
	err := q.QueryRow(ctx, `
		SELECT o.id, o.name, coalesce(s.logo_url, ''), coalesce(s.internal_domains, '{}'),
		       coalesce(s.review_days, $2), coalesce(s.password_login, true), coalesce(s.updated_at, o.created_at)
		FROM organisations o LEFT JOIN org_settings s ON s.org_id = o.id
		WHERE o.id = $1`+forUpdate, orgID, stagecraft.DefaultReviewDays).
		Scan(&s.OrgID, &s.Name, &s.LogoURL, &s.InternalDomains, &s.ReviewDays, &s.PasswordLogin, &s.UpdatedAt)
	if err != nil {
		return nil, fmt.Errorf("find organisation settings: %w", mapErr(err))
	}
	if s.InternalDomains == nil {
		s.InternalDomains = []string{}
	}
	return &s, nil
}

// FindOrgSettings returns an organisation's settings (defaults for those
// never set). Returns ENOTFOUND for an unknown organisation.
func (db *DB) FindOrgSettings(ctx context.Context, orgID string) (*stagecraft.OrgSettings, error) {
	return findOrgSettings(ctx, db.Pool, orgID, false)
}

// InternalDomains returns the organisation's internal email domains
// (lower case, without "@"): a visitor whose email is in one of them (see
// stagecraft.IsInternalEmail) never notifies and never counts as a
// prospect.
func (db *DB) InternalDomains(ctx context.Context, orgID string) ([]string, error) {
	s, err := db.FindOrgSettings(ctx, orgID)
	if err != nil {
		return nil, err
	}
	return s.InternalDomains, nil
}

// UpdateOrgSettings changes the fields set in upd, records
// settings.updated with the fields changed in the same transaction, and
// returns the whole settings.
func (db *DB) UpdateOrgSettings(ctx context.Context, orgID string, upd stagecraft.OrgSettingsUpdate) (*stagecraft.OrgSettings, error) {
	upd.Normalize()
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	var out *stagecraft.OrgSettings
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		cur, err := findOrgSettings(ctx, tx, orgID, true)
		if err != nil {
			return err
		}
		s := upd.Apply(*cur)
		s.UpdatedAt = db.Now()
		if s.Name != cur.Name {
			if _, err := tx.Exec(ctx, `UPDATE organisations SET name = $2 WHERE id = $1`, orgID, s.Name); err != nil {
				return fmt.Errorf("rename organisation: %w", err)
			}
		}
		_, err = tx.Exec(ctx, `
			INSERT INTO org_settings (org_id, logo_url, internal_domains, review_days, password_login, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (org_id) DO UPDATE SET logo_url = excluded.logo_url,
				internal_domains = excluded.internal_domains, review_days = excluded.review_days,
				password_login = excluded.password_login, updated_at = excluded.updated_at`,
			orgID, s.LogoURL, s.InternalDomains, s.ReviewDays, s.PasswordLogin, s.UpdatedAt)
		if err != nil {
			return fmt.Errorf("update organisation settings: %w", err)
		}
		if err := audit(ctx, tx, orgID, stagecraft.AuditSettingsUpdated, stagecraft.TargetSettings, orgID,
			settingsChanges(cur, &s)); err != nil {
			return err
		}
		out = &s
		return nil
	})
	return out, err
}

// settingsChanges names the fields that changed, with their new values.
func settingsChanges(before, after *stagecraft.OrgSettings) map[string]any {
	d := map[string]any{}
	if before.Name != after.Name {
		d["name"] = after.Name
	}
	if before.LogoURL != after.LogoURL {
		d["logo_url"] = after.LogoURL
	}
	if fmt.Sprint(before.InternalDomains) != fmt.Sprint(after.InternalDomains) {
		d["internal_domains"] = after.InternalDomains
	}
	if before.ReviewDays != after.ReviewDays {
		d["review_days"] = after.ReviewDays
	}
	if before.PasswordLogin != after.PasswordLogin {
		d["password_login"] = after.PasswordLogin
	}
	return d
}
