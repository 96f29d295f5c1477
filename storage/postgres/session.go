package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

// Sessions, password changes and resets.

// ChangePassword stores a new hash and ends the user's other sessions.
func (db *DB) ChangePassword(ctx context.Context, userID, passwordHash, keepSession string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.Now()
		var orgID string
		err := tx.QueryRow(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1 RETURNING org_id`,
			userID, passwordHash, now).Scan(&orgID)
		if err != nil {
			return notFound(fmt.Errorf("change password: %w", err), "User not found.")
		}
		if err := revokeSessions(ctx, tx, userID, keepSession, now); err != nil {
			return err
		}
		return audit(ctx, tx, orgID, stagecraft.AuditPasswordChanged, stagecraft.TargetUser, userID, nil)
	})
}

// CreateSession records a sign-in.
func (db *DB) CreateSession(ctx context.Context, u *stagecraft.User, expires time.Time) (string, error) {
	var id string
	err := db.Pool.QueryRow(ctx, `
		INSERT INTO sessions (org_id, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		u.OrgID, u.ID, db.Now(), expires).Scan(&id)
	if err != nil {
		return "", fmt.Errorf("create session: %w", mapErr(err))
	}
	return id, nil
}

// FindUserBySession returns the user of a live session and notes that
// they were seen, at most once a minute, so that busy clients do not turn
// every request into a write.
func (db *DB) FindUserBySession(ctx context.Context, sessionID string) (*stagecraft.User, error) {
	if !isUUID(sessionID) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Session not found.")
	}
	now := db.Now()
	u, err := scanUser(db.Pool.QueryRow(ctx, `
		SELECT `+prefixed("u.", userColumns)+`
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2 AND u.disabled_at IS NULL`,
		sessionID, now))
	if err != nil {
		return nil, notFound(err, "Session not found.")
	}
	db.noteSeen(ctx, u, now)
	return u, nil
}

// noteSeen sets last_seen_at when it is over a minute old. A failure only
// costs the note.
func (db *DB) noteSeen(ctx context.Context, u *stagecraft.User, now time.Time) {
	if u.LastSeenAt != nil && now.Sub(*u.LastSeenAt) < time.Minute {
		return
	}
	if _, err := db.Pool.Exec(ctx, `UPDATE users SET last_seen_at = $2 WHERE id = $1`, u.ID, now); err != nil {
		db.log.WarnContext(ctx, "note user seen", slog.Any("error", err))
		return
	}
	u.LastSeenAt = &now
}

// RevokeSession ends one session.
func (db *DB) RevokeSession(ctx context.Context, sessionID string) error {
	if !isUUID(sessionID) {
		return nil
	}
	_, err := db.Pool.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`,
		sessionID, db.Now())
	if err != nil {
		return fmt.Errorf("revoke session: %w", mapErr(err))
	}
	return nil
}

// revokeSessions ends every live session of userID but keep.
func revokeSessions(ctx context.Context, tx pgx.Tx, userID, keep string, now time.Time) error {
	_, err := tx.Exec(ctx, `
		UPDATE sessions SET revoked_at = $3
		WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2)`,
		userID, nullable(keep), now)
	if err != nil {
		return fmt.Errorf("revoke sessions: %w", err)
	}
	return nil
}

// CreatePasswordReset stores a reset token's hash.
func (db *DB) CreatePasswordReset(ctx context.Context, userID string, hash []byte, expires time.Time) error {
	_, err := db.Pool.Exec(ctx, `
		INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
		hash, userID, db.Now(), expires)
	if err != nil {
		return fmt.Errorf("create password reset: %w", mapErr(err))
	}
	return nil
}

var errBadResetToken = &stagecraft.Error{Code: stagecraft.EINVALID,
	Message: "This password reset link is invalid, used or expired; ask for a new one.",
	Details: map[string]any{"field": "token"}}

// ResetPassword uses a reset token: in one transaction it marks the token
// used (locking it, so two uses at once cannot both succeed), sets the
// password and ends the user's sessions.
func (db *DB) ResetPassword(ctx context.Context, hash []byte, passwordHash string) (*stagecraft.User, error) {
	var u *stagecraft.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		now := db.Now()
		var userID string
		err := tx.QueryRow(ctx, `
			UPDATE password_resets SET used_at = $2
			WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
			RETURNING user_id`, hash, now).Scan(&userID)
		if errors.Is(err, pgx.ErrNoRows) {
			return errBadResetToken
		} else if err != nil {
			return fmt.Errorf("use password reset: %w", err)
		}
		u, err = scanUser(tx.QueryRow(ctx, `
			UPDATE users SET password_hash = $2, updated_at = $3
			WHERE id = $1 AND disabled_at IS NULL RETURNING `+userColumns, userID, passwordHash, now))
		if errors.Is(err, pgx.ErrNoRows) {
			return errBadResetToken // disabled since the link was sent
		} else if err != nil {
			return fmt.Errorf("reset password: %w", err)
		}
		// Other links sent to the user are spent too.
		if _, err := tx.Exec(ctx, `
			UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL`, userID, now); err != nil {
			return fmt.Errorf("spend password resets: %w", err)
		}
		if err := revokeSessions(ctx, tx, userID, "", now); err != nil {
			return err
		}
		// The user acted, through the link: they are the entry's actor.
		return audit(stagecraft.NewContextWithUser(ctx, u), tx, u.OrgID,
			stagecraft.AuditPasswordReset, stagecraft.TargetUser, u.ID, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
