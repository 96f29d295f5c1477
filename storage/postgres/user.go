package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.UserService = (*DB)(nil)

const userColumns = `id, org_id, email, name, role, created_at`

func scanUser(row pgx.Row) (*stagecraft.User, error) {
	var u stagecraft.User
	if err := row.Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.CreatedAt); err != nil {
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
	return u, nil
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

// UpdateUser changes a user's name or role. A demotion first locks the
// organisation's admins (see lockAdmins), so the last one cannot be
// demoted, even by two admins demoting each other at the same moment.
func (db *DB) UpdateUser(ctx context.Context, orgID, id string, upd stagecraft.UserUpdate) (*stagecraft.User, error) {
	if err := upd.Validate(); err != nil {
		return nil, err
	}
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "User not found.")
	}
	var u *stagecraft.User
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if upd.Role != nil && *upd.Role != stagecraft.RoleAdmin {
			admins, err := lockAdmins(ctx, tx, orgID)
			if err != nil {
				return err
			}
			if len(admins) == 1 && admins[0] == id {
				return stagecraft.Errorf(stagecraft.ECONFLICT,
					"An organisation needs at least one admin: make another user an admin first.")
			}
		}
		var role *string
		if upd.Role != nil {
			r := string(*upd.Role)
			role = &r
		}
		var err error
		u, err = scanUser(tx.QueryRow(ctx, `
			UPDATE users SET name = coalesce($3, name), role = coalesce($4, role), updated_at = $5
			WHERE id = $1 AND org_id = $2
			RETURNING `+userColumns,
			id, orgID, upd.Name, role, db.Now()))
		if err != nil {
			return notFound(fmt.Errorf("update user: %w", err), "User not found.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}

// lockAdmins locks the rows of orgID's admins until tx ends and returns
// their ids. Every caller locks them in id order, so two demotions
// cannot deadlock: the later one waits for the earlier one's commit, and
// then no longer counts the user it demoted (under READ COMMITTED a
// locked row is read again and must still match the WHERE clause). NO
// KEY UPDATE, like the UPDATE that follows, leaves foreign-key checks of
// rows that point at users unblocked.
func lockAdmins(ctx context.Context, tx pgx.Tx, orgID string) ([]string, error) {
	rows, err := tx.Query(ctx, `
		SELECT id FROM users WHERE org_id = $1 AND role = 'admin'
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

// FindCredentialByEmail returns a user and their password hash.
func (db *DB) FindCredentialByEmail(ctx context.Context, email string) (*stagecraft.Credential, error) {
	var u stagecraft.User
	var hash string
	err := db.Pool.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.CreatedAt, &hash)
	if err != nil {
		return nil, notFound(err, "User not found.")
	}
	return &stagecraft.Credential{User: &u, PasswordHash: hash}, nil
}

// CreateAPIToken stores the hash of a new personal token.
func (db *DB) CreateAPIToken(ctx context.Context, u *stagecraft.User, name, prefix string, hash []byte) (*stagecraft.APIToken, error) {
	t := stagecraft.APIToken{UserID: u.ID, Name: name, Prefix: prefix}
	err := db.Pool.QueryRow(ctx, `
		INSERT INTO api_tokens (org_id, user_id, name, prefix, token_hash)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`,
		u.OrgID, u.ID, name, prefix, hash).Scan(&t.ID, &t.CreatedAt)
	if err != nil {
		return nil, fmt.Errorf("create api token: %w", mapErr(err))
	}
	return &t, nil
}

// FindAPITokens lists a user's tokens that are not revoked.
func (db *DB) FindAPITokens(ctx context.Context, userID string) ([]*stagecraft.APIToken, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT id, user_id, name, prefix, created_at, last_used_at
		FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL
		ORDER BY created_at DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", mapErr(err))
	}
	tokens, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.APIToken, error) {
		var t stagecraft.APIToken
		err := r.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &t.LastUsedAt)
		return &t, err
	})
	if err != nil {
		return nil, fmt.Errorf("find api tokens: %w", mapErr(err))
	}
	return tokens, nil
}

// RevokeAPIToken revokes one of a user's tokens.
func (db *DB) RevokeAPIToken(ctx context.Context, userID, id string) error {
	if !isUUID(id) {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "API token not found.")
	}
	tag, err := db.Pool.Exec(ctx, `
		UPDATE api_tokens SET revoked_at = $3
		WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL`, id, userID, db.Now())
	if err != nil {
		return fmt.Errorf("revoke api token: %w", mapErr(err))
	}
	if tag.RowsAffected() == 0 {
		return stagecraft.Errorf(stagecraft.ENOTFOUND, "API token not found.")
	}
	return nil
}

// FindUserByAPITokenHash returns the owner of a live token and notes its
// use. last_used_at is written at most once a minute per token to keep
// token-authenticated traffic from turning every request into a write.
func (db *DB) FindUserByAPITokenHash(ctx context.Context, hash []byte) (*stagecraft.User, error) {
	var tokenID string
	var lastUsed *time.Time
	var u stagecraft.User
	err := db.Pool.QueryRow(ctx, `
		SELECT t.id, t.last_used_at, u.id, u.org_id, u.email, u.name, u.role, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND t.revoked_at IS NULL`, hash).
		Scan(&tokenID, &lastUsed, &u.ID, &u.OrgID, &u.Email, &u.Name, &u.Role, &u.CreatedAt)
	if err != nil {
		return nil, notFound(err, "API token not found.")
	}
	now := db.Now()
	if lastUsed == nil || now.Sub(*lastUsed) > time.Minute {
		if _, err := db.Pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, tokenID, now); err != nil {
			db.log.WarnContext(ctx, "note api token use", slog.Any("error", err))
		}
	}
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
