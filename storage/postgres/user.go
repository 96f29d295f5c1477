package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.UserService = (*DB)(nil)

const userColumns = `id, org_id, email, name, role, created_at, disabled_at IS NOT NULL, last_seen_at`

func scanUser(row pgx.Row, extra ...any) (*stagecraft.User, error) {
	var u stagecraft.User
	dest := append([]any{&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &u.Disabled, &u.LastSeenAt}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	return &u, nil
}

// CreateOrganisation creates an organisation, its default taxonomy and its
// first admin in one transaction.
func (db *DB) CreateOrganisation(ctx context.Context, name string, admin stagecraft.NewUser, passwordHash string) (*stagecraft.Organisation, *stagecraft.User, error) {
	var org stagecraft.Organisation
	var user *stagecraft.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx,
			`INSERT INTO organisations (name) VALUES ($1) RETURNING id, name, created_at`, name,
		).Scan(&org.ID, &org.Name, &org.CreatedAt); err != nil {
			return fmt.Errorf("insert organisation: %w", err)
		}
		tax := stagecraft.DefaultTaxonomy()
		if err := replaceTerms(ctx, tx, org.ID, &tax); err != nil {
			return err
		}
		admin.Role = stagecraft.RoleAdmin
		u, err := createUser(ctx, tx, org.ID, admin, passwordHash)
		user = u
		return err
	})
	if err != nil {
		return nil, nil, userErr(err, admin.Email)
	}
	return &org, user, nil
}

// CountOrganisations returns the number of organisations.
func (db *DB) CountOrganisations(ctx context.Context) (int, error) {
	var n int
	if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM organisations`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count organisations: %w", mapErr(err))
	}
	return n, nil
}

// CreateUser adds a user to an organisation.
func (db *DB) CreateUser(ctx context.Context, orgID string, n stagecraft.NewUser, passwordHash string) (*stagecraft.User, error) {
	var u *stagecraft.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		u, err = createUser(ctx, tx, orgID, n, passwordHash)
		return err
	})
	return u, userErr(err, n.Email)
}

func createUser(ctx context.Context, tx pgx.Tx, orgID string, n stagecraft.NewUser, passwordHash string) (*stagecraft.User, error) {
	row := tx.QueryRow(ctx, `
		INSERT INTO users (org_id, email, name, role, password_hash)
		VALUES ($1, $2, $3, $4, $5)
		RETURNING `+userColumns,
		orgID, n.Email, n.Name, n.Role, passwordHash)
	u, err := scanUser(row)
	if err != nil {
		return nil, fmt.Errorf("insert user: %w", err)
	}
	err = audit(ctx, tx, orgID, stagecraft.AuditUserCreated, stagecraft.TargetUser, u.ID,
		map[string]any{"email": u.Email, "role": u.Role})
	return u, err
}

func userErr(err error, email string) error {
	err = mapErr(err)
	if stagecraft.ErrorCode(err) == stagecraft.ECONFLICT {
		return &stagecraft.Error{Code: stagecraft.ECONFLICT,
			Message: fmt.Sprintf("A user with email %s already exists.", email), Err: err}
	}
	return err
}

// FindUsers lists an organisation's users.
func (db *DB) FindUsers(ctx context.Context, orgID string) ([]*stagecraft.User, error) {
	rows, err := db.Pool.Query(ctx, `SELECT `+userColumns+` FROM users WHERE org_id = $1 ORDER BY email`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find users: %w", mapErr(err))
	}
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.User, error) { return scanUser(r) })
	if err != nil {
		return nil, fmt.Errorf("find users: %w", mapErr(err))
	}
	return users, nil
}

// FindUserByID returns a user by id.
func (db *DB) FindUserByID(ctx context.Context, id string) (*stagecraft.User, error) {
	u, err := scanUser(db.Pool.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if err != nil {
		return nil, notFound(err, "User not found.")
	}
	return u, nil
}

// UpdateUser changes a user's name, role or disabled state. Demoting or
// disabling first locks the organisation's active admins (see
// lockAdmins), so the last one cannot be removed, even by two admins
// acting on each other at the same moment. Disabling ends the user's
// sessions in the same transaction; enabling does not bring them back.
func (db *DB) UpdateUser(ctx context.Context, orgID, id string, upd stagecraft.UserUpdate) (*stagecraft.User, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	var u *stagecraft.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		demote := upd.Role != nil && *upd.Role != stagecraft.RoleAdmin
		disable := upd.Disabled != nil && *upd.Disabled
		if demote || disable {
			admins, err := lockAdmins(ctx, tx, orgID)
			if err != nil {
				return err
			}
			if len(admins) == 1 && admins[0] == id {
				return stagecraft.Errorf(stagecraft.ECONFLICT,
					"An organisation needs at least one active admin: make another user an admin first.")
			}
		}
		before, err := scanUser(tx.QueryRow(ctx,
			`SELECT `+userColumns+` FROM users WHERE id = $1 AND org_id = $2 FOR NO KEY UPDATE`, id, orgID))
		if err != nil {
			return notFound(fmt.Errorf("update user: %w", err), "User not found.")
		}
		var role *string
		if upd.Role != nil {
			r := string(*upd.Role)
			role = &r
		}
		now := db.Now()
		u, err = scanUser(tx.QueryRow(ctx, `
			UPDATE users SET name = coalesce($3, name), role = coalesce($4, role),
			    disabled_at = CASE WHEN $5::bool IS NULL THEN disabled_at
			                       WHEN $5 THEN coalesce(disabled_at, $6) ELSE NULL END,
			    updated_at = $6
			WHERE id = $1 AND org_id = $2
			RETURNING `+userColumns,
			id, orgID, upd.Name, role, upd.Disabled, now))
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if u.Disabled && !before.Disabled {
			if err := revokeSessions(ctx, tx, id, "", now); err != nil {
				return err
			}
		}
		return auditUserChanges(ctx, tx, before, u)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// auditUserChanges records what an update changed: user.updated with the
// changed fields, and user.disabled or user.enabled.
func auditUserChanges(ctx context.Context, tx pgx.Tx, before, after *stagecraft.User) error {
	changes := map[string]any{}
	if before.Name != after.Name {
		changes["name"] = map[string]any{"from": before.Name, "to": after.Name}
	}
	if before.Role != after.Role {
		changes["role"] = map[string]any{"from": before.Role, "to": after.Role}
	}
	if len(changes) > 0 {
		if err := audit(ctx, tx, after.OrgID, stagecraft.AuditUserUpdated, stagecraft.TargetUser, after.ID, changes); err != nil {
			return err
		}
	}
	details := map[string]any{"email": after.Email}
	switch {
	case after.Disabled && !before.Disabled:
		return audit(ctx, tx, after.OrgID, stagecraft.AuditUserDisabled, stagecraft.TargetUser, after.ID, details)
	case !after.Disabled && before.Disabled:
		return audit(ctx, tx, after.OrgID, stagecraft.AuditUserEnabled, stagecraft.TargetUser, after.ID, details)
	}
	return nil
}

// lockAdmins locks the rows of orgID's active (enabled) admins until tx
// ends and returns their ids. Every caller locks them in id order, so two demotions
// cannot deadlock: the later one waits for the earlier one's commit, and
// then no longer counts the user it demoted (under READ COMMITTED a
// locked row is read again and must still match the WHERE clause). NO
// KEY UPDATE, like the UPDATE that follows, leaves foreign-key checks of
// rows that point at users unblocked.
func lockAdmins(ctx context.Context, tx pgx.Tx, orgID string) ([]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT id FROM users WHERE org_id = $1 AND role = 'admin' AND disabled_at IS NULL
		ORDER BY id FOR NO KEY UPDATE`, orgID)
	if err != nil {
		return nil, fmt.Errorf("lock admins: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("lock admins: %w", err)
	}
	return ids, nil
}

// FindCredentialByEmail returns an enabled user and their password hash.
func (db *DB) FindCredentialByEmail(ctx context.Context, email string) (*stagecraft.Credential, error) {
	return db.findCredential(ctx, `email = $1`, email)
}

// FindCredentialByID returns an enabled user and their password hash.
func (db *DB) FindCredentialByID(ctx context.Context, id string) (*stagecraft.Credential, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	return db.findCredential(ctx, `id = $1`, id)
}

func (db *DB) findCredential(ctx context.Context, where string, arg any) (*stagecraft.Credential, error) {
	var hash string
	u, err := scanUser(db.Pool.QueryRow(ctx,
		`SELECT `+userColumns+`, password_hash FROM users WHERE `+where+` AND disabled_at IS NULL`, arg), &hash)
	if err != nil {
		return nil, notFound(err, "User not found.")
	}
	return &stagecraft.Credential{User: u, PasswordHash: hash}, nil
}

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
	rows, err := db.Pool.Query(ctx, `
		SELECT `+apiTokenColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.user_id = $1 AND t.revoked_at IS NULL
		ORDER BY t.created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", mapErr(err))
	}
	tokens, err := pgx.CollectRows(rows, scanAPIToken)
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", mapErr(err))
	}
	return tokens, nil
}

// FindOrgAPITokens lists the live tokens of an organisation's users.
func (db *DB) FindOrgAPITokens(ctx context.Context, orgID string) ([]*stagecraft.APIToken, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT `+apiTokenColumns+`
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.org_id = $1 AND t.revoked_at IS NULL
		ORDER BY t.created_at DESC`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find organisation's api tokens: %w", mapErr(err))
	}
	tokens, err := pgx.CollectRows(rows, scanAPIToken)
	if err != nil {
		return nil, fmt.Errorf("find organisation's api tokens: %w", mapErr(err))
	}
	return tokens, nil
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

// notFound maps err, replacing the message of ENOTFOUND with msg.
func notFound(err error, msg string) error {
	err = mapErr(err)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return &stagecraft.Error{Code: stagecraft.ENOTFOUND, Message: msg, Err: err}
	}
	return err
}

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = p + c
	}
	return strings.Join(parts, ", ")
}
