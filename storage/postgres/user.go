package postgres

import (
	"context"
	"fmt"
	"strings"

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

// FindUsers returns a page of an organisation's users, by name (or
// email, for a user without a name, so each sits where lists show them),
// then email and id, so that pages neither skip nor repeat anyone.
func (db *DB) FindUsers(ctx context.Context, f stagecraft.UserFilter) ([]*stagecraft.User, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	where, args := []string{"org_id = $1"}, []any{f.OrgID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	for _, p := range containsPatterns(f.Query) {
		p := arg(p)
		where = append(where, "(name ILIKE "+p+" OR email ILIKE "+p+")")
	}
	if f.Role != "" {
		where = append(where, "role = "+arg(f.Role))
	}
	if f.Disabled != nil {
		where = append(where, "(disabled_at IS NOT NULL) = "+arg(*f.Disabled))
	}
	if f.Email != "" {
		where = append(where, "email = "+arg(f.Email))
	}
	cond := strings.Join(where, " AND ")
	filterArgs := len(args)
	// lower(): the database's collation may order by bytes (C), which
	// would put every capital before every lower-case letter.
	q := `SELECT ` + userColumns + `, count(*) OVER () FROM users WHERE ` + cond +
		` ORDER BY lower(coalesce(nullif(name, ''), email)), email, id`
	if f.Limit > 0 {
		q += " LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	}
	rows, err := db.Pool.Query(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", mapErr(err))
	}
	total := 0
	users, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.User, error) { return scanUser(r, &total) })
	if err != nil {
		return nil, 0, fmt.Errorf("find users: %w", mapErr(err))
	}
	if len(users) == 0 && f.Limit > 0 && f.Offset > 0 {
		// Past the end the window count is unknown; count separately.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE `+cond, args[:filterArgs]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count users: %w", mapErr(err))
		}
	}
	return users, total, nil
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

// notFound maps err, replacing the message of ENOTFOUND with msg.
func notFound(err error, msg string) error {
	err = mapErr(err)
	if stagecraft.ErrorCode(err) == stagecraft.ENOTFOUND {
		return &stagecraft.Error{Code: stagecraft.ENOTFOUND, Message: msg, Err: err}
	}
	return err
}

// containsPatterns turns search text into one ILIKE pattern per distinct
// word, matching the word anywhere, with LIKE's wildcards (% and _) and
// its escape character (\, PostgreSQL's default) escaped so that they
// match themselves.
func containsPatterns(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(q) {
		if seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, "%"+likeEscaper.Replace(w)+"%")
	}
	return out
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// prefixed qualifies each column of a comma-separated list with p.
func prefixed(p, cols string) string {
	parts := strings.Split(cols, ", ")
	for i, c := range parts {
		parts[i] = p + c
	}
	return strings.Join(parts, ", ")
}
