package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// Personal API tokens.

// CreateAPIToken stores the hash of a new personal token.
func (db *DB) CreateAPIToken(ctx context.Context, u *stagecraft.User, name, prefix string, hash []byte) (*stagecraft.APIToken, error) {
	t := stagecraft.APIToken{UserID: u.ID, Name: name, Prefix: prefix}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO api_tokens (org_id, user_id, name, prefix, token_hash)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
			u.OrgID, u.ID, name, prefix, hash).Scan(&t.ID, &t.CreatedAt)
		if err != nil {
			return fmt.Errorf("create api token: %w", err)
		}
		return audit(ctx, tx, u.OrgID, stagecraft.AuditTokenCreated, stagecraft.TargetToken, t.ID,
			map[string]any{"name": name, "owner_email": u.Email})
	})
	if err != nil {
		return nil, mapErr(err)
	}
	return &t, nil
}

//nolint:gosec // G101: column names, not a credential
const apiTokenColumns = `t.id, t.user_id, t.name, t.prefix, t.created_at, t.last_used_at, u.email`

func scanAPIToken(r pgx.CollectableRow) (*stagecraft.APIToken, error) {
	var t stagecraft.APIToken
	err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt, &t.OwnerEmail)
	return &t, err
}

// FindAPITokens lists a user's tokens that are not revoked.
func (db *DB) FindAPITokens(ctx context.Context, userID string) ([]*stagecraft.APIToken, error) {
	tokens, err := db.findAPITokens(ctx, `t.user_id = $1`, userID)
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", err)
	}
	return tokens, nil
}

// FindOrgAPITokens lists the live tokens of an organisation's users.
func (db *DB) FindOrgAPITokens(ctx context.Context, orgID string) ([]*stagecraft.APIToken, error) {
	tokens, err := db.findAPITokens(ctx, `t.org_id = $1`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find organisation's api tokens: %w", err)
	}
	return tokens, nil
}

// findAPITokens lists the live tokens matching scope, newest first.
func (db *DB) findAPITokens(ctx context.Context, scope string, arg any) ([]*stagecraft.APIToken, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT `+apiTokenColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE `+scope+` AND t.revoked_at IS NULL
		ORDER BY t.created_at DESC`, arg)
	if err != nil {
		return nil, mapErr(err)
	}
	tokens, err := pgx.CollectRows(rows, scanAPIToken)
	return tokens, mapErr(err)
}

// RevokeAPIToken revokes one of a user's tokens.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, id string) error {
	return db.revokeAPIToken(ctx, `user_id = $2`, userID, id)
}

// RevokeOrgAPIToken revokes any token of an organisation.
func (db *DB) RevokeOrgAPIToken(ctx context.Context, orgID, id string) error {
	return db.revokeAPIToken(ctx, `org_id = $2`, orgID, id)
}

func (db *DB) revokeAPIToken(ctx context.Context, scope, scopeArg, id string) error {
	if !isUUID(id) {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "API token not found.")
	}
	return db.inTx(ctx, func(tx pgx.Tx) error {
		var orgID, name string
		err := tx.QueryRow(ctx, `
			UPDATE api_tokens SET revoked_at = $3
			WHERE id = $1 AND `+scope+` AND revoked_at IS NULL
			RETURNING org_id, name`, id, scopeArg, db.Now()).Scan(&orgID, &name)
		if err != nil {
			return notFound(fmt.Errorf("revoke api token: %w", err), "API token not found.")
		}
		return audit(ctx, tx, orgID, stagecraft.AuditTokenRevoked, stagecraft.TargetToken, id,
			map[string]any{"name": name})
	})
}

// FindUserByAPITokenHash returns the owner of a live token and notes its
// use. last_used_at is written at most once a minute per token to keep
// token-authenticated traffic from turning every request into a write.
func (db *DB) FindUserByAPITokenHash(ctx context.Context, hash []byte) (*stagecraft.User, error) {
	var tokenID string
	var lastUsed *time.Time
	var u stagecraft.User
	err := db.Pool.QueryRow(ctx, `
		SELECT t.id, t.last_used_at, `+prefixed("u.", userColumns)+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled_at IS NULL`, hash).
		Scan(&tokenID, &lastUsed, &u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.Disabled, &u.LastSeenAt)
	if err != nil {
		return nil, notFound(err, "API token not found.")
	}
	now := db.Now()
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, tokenID, now); err != nil {
			db.log.WarnContext(ctx, "note api token use", slog.Any("error", err))
		}
	}
	db.noteSeen(ctx, &u, now)
	return &u, nil
}
