package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.DealService = (*DB)(nil)

// dealColumns are a deal's columns as scanDeal reads them, from deals d
// joined to its owner u (dealOwnerJoin).
const (
	dealColumns = `d.id, d.org_id, d.external_id, d.name, d.account, d.amount::float8, d.currency, d.stage, d.status,
	       d.owner_id, u.email, d.owner_name, d.personas, d.products, d.industry, d.closed_at,
	       d.created_at, d.updated_at`
	dealOwnerJoin = ` LEFT JOIN users u ON u.id = d.owner_id`
	dealSelect    = `SELECT ` + dealColumns + ` FROM deals d` + dealOwnerJoin
)

func scanDeal(row pgx.Row) (*stagecraft.Deal, error) {
	var d stagecraft.Deal
	var owner, ownerEmail *string
	err := row.Scan(&d.ID, &d.OrgID, &d.ExternalID, &d.Name, &d.Account, &d.Amount, &d.Currency, &d.Stage, &d.Status,
		&owner, &ownerEmail, &d.OwnerName, &d.Personas, &d.Products, &d.Industry, &d.ClosedAt,
		&d.CreatedAt, &d.UpdatedAt)
	if err != nil {
		return nil, err
	}
	d.OwnerID, d.OwnerEmail = deref(owner), deref(ownerEmail)
	return &d, nil
}

// FindDealByID returns one deal of an organisation.
func (db *DB) FindDealByID(ctx context.Context, orgID, id string) (*stagecraft.Deal, error) {
	if !isUUID(id) {
		return nil, stagecraft.Errorf(stagecraft.ENOTFOUND, "Deal not found.")
	}
	d, err := scanDeal(db.Pool.QueryRow(ctx, dealSelect+` WHERE d.id = $1 AND d.org_id = $2`, id, orgID))
	if err != nil {
		return nil, notFound(err, "Deal not found.")
	}
	return d, nil
}

// FindDeals returns a page of an organisation's deals, most recently
// updated first (the deals a rep is working on come first in a picker),
// then by id so that pages neither skip nor repeat a deal.
func (db *DB) FindDeals(ctx context.Context, f stagecraft.DealFilter) ([]*stagecraft.Deal, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	where, args := []string{"d.org_id = $1"}, []any{f.OrgID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	for _, p := range containsPatterns(f.Query) {
		p := arg(p)
		where = append(where, "(d.name ILIKE "+p+" OR d.account ILIKE "+p+" OR d.external_id ILIKE "+p+")")
	}
	if len(f.Statuses) > 0 {
		where = append(where, "d.status = ANY("+arg(f.Statuses)+")")
	}
	if f.OwnerID != "" {
		if !isUUID(f.OwnerID) {
			return []*stagecraft.Deal{}, 0, nil
		}
		where = append(where, "d.owner_id = "+arg(f.OwnerID))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 20
	}
	cond := strings.Join(where, " AND ")
	filterArgs := len(args)
	// The page is chosen, and the matches counted, over narrow rows (id
	// and time); only the page's deals are then read whole, with their
	// owners. Counting whole rows held them all in memory, and past some
	// ten thousand deals on disk.
	rows, err := db.Pool.Query(ctx, `
		WITH page AS (
			SELECT d.id, d.updated_at, count(*) OVER () AS total
			FROM deals d WHERE `+cond+`
			ORDER BY d.updated_at DESC, d.id
			LIMIT `+arg(limit)+` OFFSET `+arg(f.Offset)+`
		)
		SELECT page.total, `+dealColumns+`
		FROM page JOIN deals d ON d.id = page.id`+dealOwnerJoin+`
		ORDER BY page.updated_at DESC, page.id`, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("find deals: %w", mapErr(err))
	}
	defer rows.Close()
	total := 0
	deals := []*stagecraft.Deal{}
	for rows.Next() {
		d, err := scanDeal(prefixScanner{rows, &total})
		if err != nil {
			return nil, 0, fmt.Errorf("find deals: %w", mapErr(err))
		}
		deals = append(deals, d)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, fmt.Errorf("find deals: %w", mapErr(err))
	}
	if len(deals) == 0 && f.Offset > 0 {
		// Past the end the window count is unknown; count separately.
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM deals d WHERE `+cond,
			args[:filterArgs]...).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("count deals: %w", mapErr(err))
		}
	}
	return deals, total, nil
}

// FindDealStageHistory returns a deal's stage history, oldest first.
func (db *DB) FindDealStageHistory(ctx context.Context, orgID, id string) ([]stagecraft.DealStageChange, error) {
	if _, err := db.FindDealByID(ctx, orgID, id); err != nil {
		return nil, err
	}
	rows, err := db.Pool.Query(ctx, `
		SELECT stage, status, seen_at FROM deal_stage_history
		WHERE deal_id = $1 AND org_id = $2 ORDER BY seen_at, id`, id, orgID)
	if err != nil {
		return nil, fmt.Errorf("find stage history: %w", mapErr(err))
	}
	hist, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (stagecraft.DealStageChange, error) {
		var h stagecraft.DealStageChange
		err := r.Scan(&h.Stage, &h.Status, &h.SeenAt)
		return h, err
	})
	if err != nil {
		return nil, fmt.Errorf("find stage history: %w", mapErr(err))
	}
	return hist, nil
}

// dealUpsertAttempts bounds the tries of an upsert that loses a race: a
// concurrent transaction created one of its deals first, or the two
// deadlocked. Each retry starts over and finds the other's rows.
const dealUpsertAttempts = 4

// errDealRaced reports that a deal was created concurrently.
var errDealRaced = errors.New("deal created concurrently")

// UpsertDeals creates or updates deals by external id in one transaction.
//
// Existing deals are locked (in external-id order so that concurrent
// batches do not deadlock each other) FOR NO KEY UPDATE, not FOR UPDATE:
// usage events and links referencing a deal take FOR KEY SHARE on it in
// their foreign-key checks, in their own order, and FOR UPDATE would make
// each wait for the other. New deals are inserted
// with ON CONFLICT (org_id, external_id) DO NOTHING: an insert that finds
// a conflict lost a race with another transaction, and the batch is
// retried, now seeing and locking that transaction's row.
func (db *DB) UpsertDeals(ctx context.Context, orgID string, externalIDs []string, apply stagecraft.DealApplyFunc) ([]stagecraft.DealUpsertResult, error) {
	var results []stagecraft.DealUpsertResult
	var err error
	for attempt := 1; ; attempt++ {
		err = db.inTx(ctx, func(tx pgx.Tx) error {
			var err error
			results, err = upsertDeals(ctx, tx, orgID, externalIDs, apply, db.Now().UTC().Truncate(time.Microsecond))
			return err
		})
		if attempt >= dealUpsertAttempts || !retryableDealErr(err) {
			break
		}
	}
	if err != nil {
		return nil, fmt.Errorf("upsert deals: %w", err)
	}
	return results, nil
}

func retryableDealErr(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40P01" || pgErr.Code == "40001" // deadlock, serialization failure
	}
	return errors.Is(err, errDealRaced)
}

// dealState is one deal of an upsert batch: as stored (nil for a new
// deal), as it is now, and the stage changes seen on the way.
type dealState struct {
	stored  *stagecraft.Deal
	current *stagecraft.Deal
	history []stagecraft.DealStageChange
}

func upsertDeals(ctx context.Context, tx pgx.Tx, orgID string, externalIDs []string,
	apply stagecraft.DealApplyFunc, now time.Time) ([]stagecraft.DealUpsertResult, error) {
	// Hold the organisation against a taxonomy replacement (which takes
	// FOR UPDATE) until the keys checked against it are written.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM organisations WHERE id = $1 FOR KEY SHARE`, orgID); err != nil {
		return nil, fmt.Errorf("lock organisation: %w", err)
	}
	tax, err := findTaxonomy(ctx, tx, orgID)
	if err != nil {
		return nil, err
	}
	states, order, err := lockDeals(ctx, tx, orgID, externalIDs)
	if err != nil {
		return nil, err
	}
	results := make([]stagecraft.DealUpsertResult, len(externalIDs))
	for i, ext := range externalIDs {
		st := states[ext]
		created := st.current == nil
		var d stagecraft.Deal
		if created {
			d = stagecraft.Deal{ID: uuid.NewString(), OrgID: orgID, ExternalID: ext}
		} else {
			d = cloneDeal(st.current)
		}
		if err := apply(i, &d, created, tax); err != nil {
			if _, ok := stagecraft.AsError(err); !ok {
				return nil, err
			}
			results[i].Err = err
			continue
		}
		truncateDealTimes(&d)
		switch {
		case created:
			if d.CreatedAt.IsZero() {
				d.CreatedAt = now
			}
			d.UpdatedAt = now
		case dealChanged(st.current, &d):
			d.UpdatedAt = now
		}
		if created || d.Stage != st.current.Stage {
			st.history = append(st.history, stagecraft.DealStageChange{Stage: d.Stage, Status: d.Status, SeenAt: now})
		}
		st.current = &d
		results[i] = stagecraft.DealUpsertResult{Deal: &d, Created: created}
	}
	if err := writeDeals(ctx, tx, orgID, states, order); err != nil {
		return nil, err
	}
	return results, nil
}

// lockDeals reads and locks the stored deals among externalIDs, returning
// a state per distinct id and the ids in first-seen order.
func lockDeals(ctx context.Context, tx pgx.Tx, orgID string, externalIDs []string) (map[string]*dealState, []string, error) {
	states := make(map[string]*dealState, len(externalIDs))
	var order []string
	for _, ext := range externalIDs {
		if states[ext] == nil {
			states[ext] = &dealState{}
			order = append(order, ext)
		}
	}
	// IN (SELECT unnest(…)) rather than = ANY($2): once the statement is
	// prepared with a generic plan, ANY over a parameter is searched
	// linearly for every deal of the organisation, hundreds of times
	// slower than the hash or index lookups the subquery gets.
	rows, err := tx.Query(ctx, dealSelect+`
		WHERE d.org_id = $1 AND d.external_id IN (SELECT unnest($2::text[]))
		ORDER BY d.external_id FOR NO KEY UPDATE OF d`, orgID, order)
	if err != nil {
		return nil, nil, fmt.Errorf("lock deals: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		d, err := scanDeal(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("lock deals: %w", err)
		}
		states[d.ExternalID].stored, states[d.ExternalID].current = d, d
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("lock deals: %w", err)
	}
	return states, order, nil
}

// writeDeals inserts the new deals and updates the changed ones in one
// round trip, then copies in the stage history.
func writeDeals(ctx context.Context, tx pgx.Tx, orgID string, states map[string]*dealState, order []string) error {
	b := &pgx.Batch{}
	var inserts int
	var history [][]any
	for _, ext := range order {
		st := states[ext]
		d := st.current
		switch {
		case d == nil: // never created: every write of it failed
			continue
		case st.stored == nil:
			inserts++
			b.Queue(`
				INSERT INTO deals (id, org_id, external_id, name, account, amount, currency, stage, status,
				                   owner_id, owner_name, personas, products, industry, closed_at, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
				ON CONFLICT (org_id, external_id) DO NOTHING`,
				d.ID, orgID, d.ExternalID, d.Name, d.Account, d.Amount, d.Currency, d.Stage, d.Status,
				nullable(d.OwnerID), d.OwnerName, d.Personas, d.Products, d.Industry, d.ClosedAt, d.CreatedAt, d.UpdatedAt)
		case dealChanged(st.stored, d):
			b.Queue(`
				UPDATE deals SET name = $2, account = $3, amount = $4, currency = $5, stage = $6, status = $7,
				       owner_id = $8, owner_name = $9, personas = $10, products = $11, industry = $12,
				       closed_at = $13, created_at = $14, updated_at = $15
				WHERE id = $1`,
				d.ID, d.Name, d.Account, d.Amount, d.Currency, d.Stage, d.Status,
				nullable(d.OwnerID), d.OwnerName, d.Personas, d.Products, d.Industry,
				d.ClosedAt, d.CreatedAt, d.UpdatedAt)
		}
		for _, h := range st.history {
			history = append(history, []any{orgID, d.ID, h.Stage, h.Status, h.SeenAt})
		}
	}
	if b.Len() > 0 {
		if err := sendDealBatch(ctx, tx, b, inserts); err != nil {
			return err
		}
	}
	if len(history) > 0 {
		_, err := tx.CopyFrom(ctx, pgx.Identifier{"deal_stage_history"},
			[]string{"org_id", "deal_id", "stage", "status", "seen_at"}, pgx.CopyFromRows(history))
		if err != nil {
			return fmt.Errorf("insert stage history: %w", err)
		}
	}
	return nil
}

// sendDealBatch runs b, whose first inserts statements are inserts, and
// returns errDealRaced when one of them found its deal already created.
func sendDealBatch(ctx context.Context, tx pgx.Tx, b *pgx.Batch, inserts int) error {
	br := tx.SendBatch(ctx, b)
	raced := false
	for i := range b.Len() {
		tag, err := br.Exec()
		if err != nil {
			_ = br.Close()
			return fmt.Errorf("write deals: %w", err)
		}
		if i < inserts && tag.RowsAffected() == 0 {
			raced = true
		}
	}
	if err := br.Close(); err != nil {
		return fmt.Errorf("write deals: %w", err)
	}
	if raced {
		return errDealRaced
	}
	return nil
}

// dealChanged reports whether b differs from a in a stored field.
func dealChanged(a, b *stagecraft.Deal) bool {
	return a.Name != b.Name || a.Account != b.Account || !equalPtr(a.Amount, b.Amount) ||
		a.Currency != b.Currency || a.Stage != b.Stage || a.Status != b.Status ||
		a.OwnerID != b.OwnerID || a.OwnerName != b.OwnerName ||
		!slices.Equal(a.Personas, b.Personas) || !slices.Equal(a.Products, b.Products) ||
		!equalPtr(a.Industry, b.Industry) || !equalTime(a.ClosedAt, b.ClosedAt) || !a.CreatedAt.Equal(b.CreatedAt)
}

func equalPtr[T comparable](a, b *T) bool {
	return a == b || (a != nil && b != nil && *a == *b)
}

func equalTime(a, b *time.Time) bool {
	return a == b || (a != nil && b != nil && a.Equal(*b))
}

// truncateDealTimes rounds times to the column's microseconds, so that a
// deal compares equal to itself read back.
func truncateDealTimes(d *stagecraft.Deal) {
	d.CreatedAt = d.CreatedAt.Truncate(time.Microsecond)
	if d.ClosedAt != nil {
		t := d.ClosedAt.Truncate(time.Microsecond)
		d.ClosedAt = &t
	}
}

func cloneDeal(d *stagecraft.Deal) stagecraft.Deal {
	c := *d
	c.Personas = slices.Clone(d.Personas)
	c.Products = slices.Clone(d.Products)
	if c.Personas == nil {
		c.Personas = []string{}
	}
	if c.Products == nil {
		c.Products = []string{}
	}
	return c
}
