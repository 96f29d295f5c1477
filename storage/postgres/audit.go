package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.AuditService = (*DB)(nil)

// audit writes an entry in tx, the transaction of the change it records,
// so that an entry exists if and only if its change committed. The actor
// and their address come from ctx (the signed-in user, the request's
// client address); a change nobody signed in made has no actor.
func audit(ctx context.Context, tx pgx.Tx, orgID, action, targetType, targetID string, details map[string]any) error {
	return insertAudit(ctx, tx, &stagecraft.AuditEntry{OrgID: orgID, Action: action,
		TargetType: targetType, TargetID: targetID, Details: details})
}

func insertAudit(ctx context.Context, q querier, e *stagecraft.AuditEntry) error {
	if u := stagecraft.UserFromContext(ctx); u != nil && e.ActorID == "" {
		e.ActorID, e.ActorEmail = u.ID, u.Email
	}
	if e.IP == "" {
		e.IP = stagecraft.ClientIPFromContext(ctx)
	}
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	raw, err := json.Marshal(details)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	var id int64
	err = q.QueryRow(ctx, `
		INSERT INTO audit_log (org_id, at, actor_id, actor_email, action, target_type, target_id, ip, details)
		VALUES ($1, now(), $2, $3, $4, $5, $6, $7, $8)
		RETURNING id, at`,
		e.OrgID, nullable(e.ActorID), nullable(e.ActorEmail), e.Action, e.TargetType, e.TargetID, e.IP, raw,
	).Scan(&id, &e.At)
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	e.ID = strconv.FormatInt(id, 10)
	return nil
}

// RecordAudit writes an entry on its own.
func (db *DB) RecordAudit(ctx context.Context, e *stagecraft.AuditEntry) error {
	return mapErr(insertAudit(ctx, db.Pool, e))
}

// FindAuditEntries lists an organisation's entries, newest first. The
// cursor is the id of the last entry of the previous page: ids only
// grow, so a page never repeats or skips an entry written meanwhile.
func (db *DB) FindAuditEntries(ctx context.Context, f stagecraft.AuditFilter) ([]*stagecraft.AuditEntry, string, error) {
	where := []string{"org_id = $1"}
	args := []any{f.OrgID}
	add := func(clause string, arg any) {
		args = append(args, arg)
		where = append(where, fmt.Sprintf(clause, len(args)))
	}
	if f.ActorID != "" {
		if !isUUID(f.ActorID) {
			return []*stagecraft.AuditEntry{}, "", nil // nobody has that id
		}
		add("actor_id = $%d", f.ActorID)
	}
	if f.Action != "" {
		add("action = $%d", f.Action)
	}
	if f.TargetID != "" {
		add("target_id = $%d", f.TargetID)
	}
	if f.From != nil {
		add("at >= $%d", *f.From)
	}
	if f.To != nil {
		add("at < $%d", *f.To)
	}
	if f.Cursor != "" {
		after, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || after <= 0 {
			return nil, "", &stagecraft.Error{Code: stagecraft.EINVALID, Message: "cursor is not one this server gave.",
				Details: map[string]any{"field": "cursor"}}
		}
		add("id < $%d", after)
	}
	limit := f.Limit
	if limit <= 0 || limit > stagecraft.MaxAuditPage {
		limit = stagecraft.MaxAuditPage
	}
	args = append(args, limit+1)
	rows, err := db.Pool.Query(ctx, `
		SELECT id, org_id, at, coalesce(actor_id::text, ''), coalesce(actor_email, ''), action,
		       target_type, target_id, ip, details
		FROM audit_log
		WHERE `+strings.Join(where, " AND ")+`
		ORDER BY id DESC
		LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, "", fmt.Errorf("find audit entries: %w", mapErr(err))
	}
	entries, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*stagecraft.AuditEntry, error) {
		var e stagecraft.AuditEntry
		var id int64
		err := r.Scan(&id, &e.OrgID, &e.At, &e.ActorID, &e.ActorEmail, &e.Action,
			&e.TargetType, &e.TargetID, &e.IP, &e.Details)
		e.ID = strconv.FormatInt(id, 10)
		return &e, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("find audit entries: %w", mapErr(err))
	}
	next := ""
	if len(entries) > limit {
		entries = entries[:limit]
		next = entries[limit-1].ID
	}
	return entries, next, nil
}
