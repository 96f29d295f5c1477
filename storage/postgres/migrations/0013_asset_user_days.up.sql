-- Who used an asset on which day (UTC), for the scorecard's time window.
--
-- asset_users keeps one row per (asset, person) with the first and last
-- use: counting the rows whose span meets a window counts people who used
-- the asset before and after the window but not inside it. A row per
-- (asset, person, day) with uses makes the count exact for whole days;
-- analytics.go reads the events of the window's partial first and last
-- days, so the window [from, to) is exact to the instant.
--
-- Kept by the usage rollup trigger in the transaction of every insert,
-- with the same rules as asset_users: no bot events, no link opens, only
-- events with a person. usage_events is only ever inserted into; rows
-- leave with their asset, person or organisation.
CREATE TABLE asset_user_days (
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    day          date NOT NULL,
    asset_id     uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uses         integer NOT NULL,
    last_used_at timestamptz NOT NULL,
    -- The window reads a range of days of one organisation, grouped by
    -- asset: the key serves it without touching the table's other rows.
    PRIMARY KEY (org_id, day, asset_id, user_id)
);
-- For the cascade when an asset is deleted.
CREATE INDEX asset_user_days_asset_idx ON asset_user_days (asset_id);

-- The usage rollup as in 0007_outcomes, plus asset_user_days.
CREATE OR REPLACE FUNCTION usage_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows are written in key order so that concurrent batches lock them
    -- in the same order and cannot deadlock.
    WITH batch AS (
        SELECT org_id, asset_id, deal_id,
               min(occurred_at) AS first_used_at,
               (array_agg(stage_at_event ORDER BY occurred_at))[1] AS first_stage,
               count(*) AS uses, max(occurred_at) AS last_used_at
        FROM new_events
        WHERE deal_id IS NOT NULL AND NOT bot
        GROUP BY org_id, asset_id, deal_id
    ), up AS (
        INSERT INTO asset_deal_uses AS u (org_id, asset_id, deal_id, first_used_at, first_stage, uses, last_used_at)
        SELECT org_id, asset_id, deal_id, first_used_at, first_stage, uses, last_used_at
        FROM batch
        ORDER BY asset_id, deal_id
        ON CONFLICT (asset_id, deal_id) DO UPDATE SET
            first_stage   = CASE WHEN EXCLUDED.first_used_at < u.first_used_at THEN EXCLUDED.first_stage ELSE u.first_stage END,
            first_used_at = least(u.first_used_at, EXCLUDED.first_used_at),
            uses          = u.uses + EXCLUDED.uses,
            last_used_at  = greatest(u.last_used_at, EXCLUDED.last_used_at)
        RETURNING u.org_id, u.asset_id, u.deal_id, u.first_used_at
    )
    -- The stored first use equals the batch's exactly when the batch
    -- created the row or moved its first use earlier (or tied with it,
    -- which marks a deal needlessly but harmlessly).
    INSERT INTO analytics_dirty (org_id, deal_id)
    SELECT DISTINCT up.org_id, up.deal_id
    FROM up JOIN batch b ON b.asset_id = up.asset_id AND b.deal_id = up.deal_id
    WHERE up.first_used_at = b.first_used_at;

    INSERT INTO asset_daily_uses AS d (org_id, asset_id, day, uses, link_opens)
    SELECT org_id, asset_id, (occurred_at AT TIME ZONE 'UTC')::date,
           count(*) FILTER (WHERE type <> 'link_open'), count(*) FILTER (WHERE type = 'link_open')
    FROM new_events
    WHERE NOT bot
    GROUP BY 1, 2, 3
    ORDER BY 2, 3
    ON CONFLICT (asset_id, day) DO UPDATE SET
        uses = d.uses + EXCLUDED.uses, link_opens = d.link_opens + EXCLUDED.link_opens;

    -- People per asset per day (UTC): what makes unique_users and
    -- last_used_at in a time window exact (analytics_window.go).
    INSERT INTO asset_user_days AS ud (org_id, day, asset_id, user_id, uses, last_used_at)
    SELECT org_id, (occurred_at AT TIME ZONE 'UTC')::date, asset_id, user_id, count(*), max(occurred_at)
    FROM new_events
    WHERE NOT bot AND user_id IS NOT NULL AND type <> 'link_open'
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (org_id, day, asset_id, user_id) DO UPDATE SET
        uses = ud.uses + EXCLUDED.uses,
        last_used_at = greatest(ud.last_used_at, EXCLUDED.last_used_at);

    -- Per asset: uses, link opens, the last use by a person, and people
    -- who used it — one more when the batch inserted an asset_users row,
    -- which it did exactly when the row's count is the batch's own.
    WITH users AS (
        SELECT org_id, asset_id, user_id, count(*) AS uses, min(occurred_at) AS first_used_at, max(occurred_at) AS last_used_at
        FROM new_events
        WHERE NOT bot AND user_id IS NOT NULL AND type <> 'link_open'
        GROUP BY org_id, asset_id, user_id
    ), up AS (
        INSERT INTO asset_users AS au (org_id, asset_id, user_id, uses, first_used_at, last_used_at)
        SELECT org_id, asset_id, user_id, uses, first_used_at, last_used_at FROM users
        ORDER BY asset_id, user_id
        ON CONFLICT (asset_id, user_id) DO UPDATE SET
            uses = au.uses + EXCLUDED.uses,
            first_used_at = least(au.first_used_at, EXCLUDED.first_used_at),
            last_used_at = greatest(au.last_used_at, EXCLUDED.last_used_at)
        RETURNING au.asset_id, au.user_id, au.uses
    ), new_users AS (
        SELECT up.asset_id, count(*) AS n
        FROM up JOIN users b ON b.asset_id = up.asset_id AND b.user_id = up.user_id
        WHERE up.uses = b.uses
        GROUP BY up.asset_id
    ), per_asset AS (
        SELECT org_id, asset_id,
               count(*) FILTER (WHERE type <> 'link_open') AS uses,
               count(*) FILTER (WHERE type = 'link_open') AS link_opens,
               max(occurred_at) FILTER (WHERE type <> 'link_open' AND user_id IS NOT NULL) AS last_used_at
        FROM new_events
        WHERE NOT bot
        GROUP BY org_id, asset_id
    )
    INSERT INTO asset_totals AS t (org_id, asset_id, uses, link_opens, users, last_used_at)
    SELECT p.org_id, p.asset_id, p.uses, p.link_opens, coalesce(n.n, 0), p.last_used_at
    FROM per_asset p LEFT JOIN new_users n ON n.asset_id = p.asset_id
    ORDER BY p.asset_id
    ON CONFLICT (asset_id) DO UPDATE SET
        uses = t.uses + EXCLUDED.uses,
        link_opens = t.link_opens + EXCLUDED.link_opens,
        users = t.users + EXCLUDED.users,
        last_used_at = greatest(t.last_used_at, EXCLUDED.last_used_at);
    RETURN NULL;
END
$$;

-- Events recorded before this table existed.
INSERT INTO asset_user_days (org_id, day, asset_id, user_id, uses, last_used_at)
SELECT org_id, (occurred_at AT TIME ZONE 'UTC')::date, asset_id, user_id, count(*), max(occurred_at)
FROM usage_events
WHERE NOT bot AND user_id IS NOT NULL AND type <> 'link_open'
GROUP BY 1, 2, 3, 4;
