package main

import (
	"context"
	"strings"
	"time"

	"github.com/stagecraft/stagecraft/storage/postgres"
)

// previousWindowUsage is how the scorecard read a window's usage before
// asset_user_days: uses by whole days, and people whose first-to-last use
// span meets the window (an upper bound), with their last use ever.
const previousWindowUsage = `
SELECT a.id, coalesce(du.uses, 0), coalesce(du.opens, 0), coalesce(au.n, 0), au.last
FROM assets a
LEFT JOIN (SELECT asset_id, sum(uses) AS uses, sum(link_opens) AS opens FROM asset_daily_uses
           WHERE org_id = $1 AND day >= ($2::timestamptz AT TIME ZONE 'UTC')::date
             AND day < ($3::timestamptz AT TIME ZONE 'UTC')::date
           GROUP BY asset_id) du ON du.asset_id = a.id
LEFT JOIN (SELECT asset_id, count(*) AS n, max(last_used_at) AS last FROM asset_users
           WHERE org_id = $1 AND last_used_at >= $2 AND first_used_at < $3
           GROUP BY asset_id) au ON au.asset_id = a.id
WHERE a.org_id = $1 AND a.status <> 'archived'`

// exactWindowUsage is the same columns as the scorecard reads them now
// (storage/postgres analytics_window.go), for a window that starts and
// ends within a day ($2, $3): whole days $4 ≤ day < $5 from the rollups,
// the partial days from the events.
const exactWindowUsage = `
SELECT a.id, coalesce(wu.uses, 0), coalesce(wu.opens, 0), coalesce(wu.n, 0), wu.last
FROM assets a
LEFT JOIN (
    WITH edge AS MATERIALIZED (
        SELECT asset_id, user_id, type, occurred_at FROM usage_events
        WHERE org_id = $1 AND NOT bot
          AND ((occurred_at >= $2 AND occurred_at < $4::date::timestamp AT TIME ZONE 'UTC')
            OR (occurred_at >= $5::date::timestamp AT TIME ZONE 'UTC' AND occurred_at < $3))
    ),
    uses AS (
        SELECT asset_id, sum(uses) AS uses, sum(opens) AS opens
        FROM (SELECT asset_id, uses, link_opens AS opens FROM asset_daily_uses
              WHERE org_id = $1 AND day >= $4::date AND day < $5::date
              UNION ALL
              SELECT asset_id, (type <> 'link_open')::int, (type = 'link_open')::int FROM edge) x
        GROUP BY asset_id
    ),
    people AS (
        SELECT asset_id, count(*) AS n, max(last) AS last
        FROM (SELECT asset_id, user_id, max(last_used_at) AS last
              FROM (SELECT asset_id, user_id, last_used_at FROM asset_user_days
                    WHERE org_id = $1 AND day >= $4::date AND day < $5::date
                    UNION ALL
                    SELECT asset_id, user_id, occurred_at FROM edge WHERE user_id IS NOT NULL AND type <> 'link_open') x
              GROUP BY asset_id, user_id) p
        GROUP BY asset_id
    )
    SELECT uses.asset_id, uses.uses, uses.opens, people.n, people.last
    FROM uses LEFT JOIN people ON people.asset_id = uses.asset_id
) wu ON wu.asset_id = a.id
WHERE a.org_id = $1 AND a.status <> 'archived'`

// windowUsage runs one of the window usage queries over [from, to) and
// returns the rows read.
func windowUsage(ctx context.Context, db *postgres.DB, query, org string, from, to time.Time) (int, error) {
	from, to = from.UTC(), to.UTC()
	args := []any{org, from, to}
	if query == exactWindowUsage {
		dayFrom := from.Truncate(24 * time.Hour).Add(24 * time.Hour)
		args = append(args, dayFrom, to.Truncate(24*time.Hour))
	}
	rows, err := db.Pool.Query(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// withoutUserDays returns the rollup function definition def without its
// asset_user_days statement, as it was before that table: false if def
// does not have the statement where expected.
func withoutUserDays(def string) (string, bool) {
	start := strings.Index(def, "    -- People per asset per day (UTC)")
	if start < 0 {
		return "", false
	}
	end := strings.Index(def[start:], "last_used_at = greatest(ud.last_used_at, EXCLUDED.last_used_at);\n")
	if end < 0 {
		return "", false
	}
	end += start + len("last_used_at = greatest(ud.last_used_at, EXCLUDED.last_used_at);\n")
	return def[:start] + def[end:], true
}
