package postgres

import (
	"strings"
	"time"
)

// A scorecard window [from, to) is read in two parts: the whole UTC days
// inside it from the daily rollups (asset_daily_uses, asset_user_days), and
// the part of a day at either end that the window cuts, from usage_events
// itself. The rollups are by day, so reading them alone would count a
// whole day for a window that starts or ends within it; the events of at
// most two partial days make every number exact to the instant, for about
// the cost of reading those days' events through the (org, time) index.

// usageWindow is a window split into whole days and partial-day edges.
type usageWindow struct {
	// dayFrom ≤ day < dayTo are the whole days (UTC midnights); nil is
	// unbounded. noDays is set when the window holds no whole day.
	dayFrom, dayTo *time.Time
	noDays         bool
	// edges are the [start, end) ranges read from the events: at most two,
	// disjoint from each other and from the whole days.
	edges [][2]time.Time
}

// splitWindow splits [from, to) (either may be nil) at UTC midnights.
func splitWindow(from, to *time.Time) usageWindow {
	var w usageWindow
	if from != nil {
		f := from.UTC()
		d := f.Truncate(24 * time.Hour)
		if d.Before(f) {
			d = d.Add(24 * time.Hour)
		}
		w.dayFrom = &d
	}
	if to != nil {
		d := to.UTC().Truncate(24 * time.Hour)
		w.dayTo = &d
	}
	if w.dayFrom != nil && w.dayTo != nil && !w.dayFrom.Before(*w.dayTo) {
		// Within one day, or across one midnight without a whole day: the
		// events of the window are all there is.
		w.noDays = true
		w.edges = [][2]time.Time{{*from, *to}}
		return w
	}
	if from != nil && from.Before(*w.dayFrom) {
		w.edges = append(w.edges, [2]time.Time{*from, *w.dayFrom})
	}
	if to != nil && w.dayTo.Before(*to) {
		w.edges = append(w.edges, [2]time.Time{*w.dayTo, *to})
	}
	return w
}

// usageWindowSQL returns the joins that give each asset its usage in the
// window (of assetID alone, if not empty), as columns wu.uses, wu.opens,
// wu.n (people) and wu.last (the last use by a person in the window).
func usageWindowSQL(q *queryArgs, from, to *time.Time, assetID string) string {
	w := splitWindow(from, to)
	days := []string{"org_id = $1"}
	events := []string{"org_id = $1", "NOT bot"}
	if assetID != "" {
		a := q.add(assetID)
		days = append(days, "asset_id = "+a)
		events = append(events, "asset_id = "+a)
	}
	if w.noDays {
		days = append(days, "false")
	}
	if w.dayFrom != nil && !w.noDays {
		days = append(days, "day >= "+q.add(*w.dayFrom)+"::date")
	}
	if w.dayTo != nil && !w.noDays {
		days = append(days, "day < "+q.add(*w.dayTo)+"::date")
	}
	edges := []string{"false"}
	for _, e := range w.edges {
		edges = append(edges, "(occurred_at >= "+q.add(e[0])+" AND occurred_at < "+q.add(e[1])+")")
	}
	events = append(events, "("+strings.Join(edges, " OR ")+")")
	dayWhere := strings.Join(days, " AND ")
	return `
		LEFT JOIN (
		    WITH edge AS MATERIALIZED (
		        SELECT asset_id, user_id, type, occurred_at FROM usage_events
		        WHERE ` + strings.Join(events, " AND ") + `
		    ),
		    uses AS (
		        SELECT asset_id, sum(uses) AS uses, sum(opens) AS opens
		        FROM (SELECT asset_id, uses, link_opens AS opens FROM asset_daily_uses WHERE ` + dayWhere + `
		              UNION ALL
		              SELECT asset_id, (type <> 'link_open')::int, (type = 'link_open')::int FROM edge) x
		        GROUP BY asset_id
		    ),
		    -- Distinct people by grouping on (asset, person) first: two
		    -- hash aggregates, where count(DISTINCT) would sort every row.
		    people AS (
		        SELECT asset_id, count(*) AS n, max(last) AS last
		        FROM (SELECT asset_id, user_id, max(last_used_at) AS last
		              FROM (SELECT asset_id, user_id, last_used_at FROM asset_user_days WHERE ` + dayWhere + `
		                    UNION ALL
		                    SELECT asset_id, user_id, occurred_at FROM edge
		                    WHERE user_id IS NOT NULL AND type <> 'link_open') x
		              GROUP BY asset_id, user_id) p
		        GROUP BY asset_id
		    )
		    SELECT uses.asset_id, uses.uses, uses.opens, people.n, people.last
		    FROM uses LEFT JOIN people ON people.asset_id = uses.asset_id
		) wu ON wu.asset_id = a.id`
}
