package postgres

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/stagecraft/stagecraft"
)

var _ stagecraft.TaxonomyService = (*DB)(nil)

// FindTaxonomy returns an organisation's taxonomy.
func (db *DB) FindTaxonomy(ctx context.Context, orgID string) (*stagecraft.Taxonomy, error) {
	return findTaxonomy(ctx, db.Pool, orgID)
}

// querier is what both a pool and a transaction can run.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func findTaxonomy(ctx context.Context, q querier, orgID string) (*stagecraft.Taxonomy, error) {
	rows, err := q.Query(ctx, `
		SELECT facet, key, label, position FROM taxonomy_terms
		WHERE org_id = $1 ORDER BY facet, position, key`, orgID)
	if err != nil {
		return nil, fmt.Errorf("find taxonomy: %w", mapErr(err))
	}
	defer rows.Close()
	t := stagecraft.Taxonomy{}
	for rows.Next() {
		var facet string
		var term stagecraft.Term
		if err := rows.Scan(&facet, &term.Key, &term.Label, &term.Order); err != nil {
			return nil, fmt.Errorf("find taxonomy: %w", mapErr(err))
		}
		switch facet {
		case stagecraft.FacetStages:
			t.Stages = append(t.Stages, term)
		case stagecraft.FacetPersonas:
			t.Personas = append(t.Personas, term)
		case stagecraft.FacetIndustries:
			t.Industries = append(t.Industries, term)
		case stagecraft.FacetProducts:
			t.Products = append(t.Products, term)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("find taxonomy: %w", mapErr(err))
	}
	t.Normalize()
	return &t, nil
}

// ReplaceTaxonomy replaces an organisation's taxonomy, refusing to drop keys
// that assets or deals still use.
func (db *DB) ReplaceTaxonomy(ctx context.Context, orgID string, t *stagecraft.Taxonomy) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		// Lock the organisation so that two replacements, or a replacement
		// and an asset write checking keys, do not interleave.
		if _, err := tx.Exec(ctx, `SELECT 1 FROM organisations WHERE id = $1 FOR UPDATE`, orgID); err != nil {
			return fmt.Errorf("lock organisation: %w", err)
		}
		old, err := findTaxonomy(ctx, tx, orgID)
		if err != nil {
			return err
		}
		inUse := map[string][]string{}
		for _, facet := range stagecraft.Facets {
			removed := difference(old.Keys(facet), t.Keys(facet))
			if len(removed) == 0 {
				continue
			}
			used, err := keysInUse(ctx, tx, orgID, facet, removed)
			if err != nil {
				return err
			}
			if len(used) > 0 {
				inUse[facet] = used
			}
		}
		if len(inUse) > 0 {
			var parts []string
			for _, facet := range stagecraft.Facets {
				if keys := inUse[facet]; len(keys) > 0 {
					parts = append(parts, facet+": "+strings.Join(keys, ", "))
				}
			}
			return stagecraft.Errorf(stagecraft.ECONFLICT,
				"These keys are still used by assets or deals and cannot be removed: %s.", strings.Join(parts, "; ")).
				WithDetails(map[string]any{"in_use": inUse})
		}
		if _, err := tx.Exec(ctx, `DELETE FROM taxonomy_terms WHERE org_id = $1`, orgID); err != nil {
			return fmt.Errorf("clear taxonomy: %w", err)
		}
		if err := replaceTerms(ctx, tx, orgID, t); err != nil {
			return err
		}
		if err := audit(ctx, tx, orgID, stagecraft.AuditTaxonomyUpdated, stagecraft.TargetTaxonomy, orgID,
			taxonomyChanges(old, t)); err != nil {
			return err
		}
		// A closed deal's furthest stage depends on the funnel's order (and
		// on which of the stages it was seen in are known): recount them.
		if !slices.Equal(funnelOrder(old), funnelOrder(t)) {
			if _, err := tx.Exec(ctx, `INSERT INTO analytics_dirty (org_id, deal_id)
				SELECT org_id, id FROM deals WHERE org_id = $1 AND status <> 'open'`, orgID); err != nil {
				return fmt.Errorf("mark deals for analytics: %w", err)
			}
		}
		return nil
	})
}

// taxonomyChanges names, per facet, the keys added and removed.
func taxonomyChanges(old, t *stagecraft.Taxonomy) map[string]any {
	details := map[string]any{}
	for _, facet := range stagecraft.Facets {
		added, removed := difference(t.Keys(facet), old.Keys(facet)), difference(old.Keys(facet), t.Keys(facet))
		if len(added)+len(removed) > 0 {
			details[facet] = map[string]any{"added": added, "removed": removed}
		}
	}
	if !slices.Equal(funnelOrder(old), funnelOrder(t)) {
		details["stages_order"] = funnelOrder(t)
	}
	return details
}

// funnelOrder returns the stage keys in the funnel's order.
func funnelOrder(t *stagecraft.Taxonomy) []string {
	stages := slices.Clone(t.Stages)
	slices.SortStableFunc(stages, func(a, b stagecraft.Term) int { return a.Order - b.Order })
	keys := make([]string, len(stages))
	for i, s := range stages {
		keys[i] = s.Key
	}
	return keys
}

func replaceTerms(ctx context.Context, tx pgx.Tx, orgID string, t *stagecraft.Taxonomy) error {
	var rows [][]any
	for _, facet := range stagecraft.Facets {
		for _, term := range t.Terms(facet) {
			rows = append(rows, []any{orgID, facet, term.Key, term.Label, term.Order})
		}
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"taxonomy_terms"},
		[]string{"org_id", "facet", "key", "label", "position"}, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("insert taxonomy: %w", err)
	}
	return nil
}

// keysInUse returns which of keys of facet are used by the org's assets or deals.
func keysInUse(ctx context.Context, tx pgx.Tx, orgID, facet string, keys []string) ([]string, error) {
	// facet is one of the fixed names, never user input, so it may be
	// spliced into the query as a column name.
	q := fmt.Sprintf(`SELECT DISTINCT k FROM assets, unnest(%s) AS k WHERE org_id = $1 AND k = ANY($2)`, facet)
	switch facet {
	case stagecraft.FacetStages:
		q += ` UNION SELECT stage FROM deals WHERE org_id = $1 AND stage = ANY($2)`
	case stagecraft.FacetPersonas:
		q += ` UNION SELECT DISTINCT k FROM deals, unnest(personas) AS k WHERE org_id = $1 AND k = ANY($2)`
	case stagecraft.FacetIndustries:
		q += ` UNION SELECT industry FROM deals WHERE org_id = $1 AND industry = ANY($2)`
	}
	rows, err := tx.Query(ctx, q, orgID, keys)
	if err != nil {
		return nil, fmt.Errorf("find %s in use: %w", facet, err)
	}
	used, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("find %s in use: %w", facet, err)
	}
	sort.Strings(used)
	return used, nil
}

func difference(a, b []string) []string {
	in := map[string]bool{}
	for _, v := range b {
		in[v] = true
	}
	var out []string
	for _, v := range a {
		if !in[v] {
			out = append(out, v)
		}
	}
	return out
}
