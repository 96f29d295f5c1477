-- Outcome rollups: the scorecard's influence counts and stage-matched
-- baselines from a few rows per asset instead of one per (asset, deal).
--
-- What a deal contributes depends on the deal (status, close time, amount,
-- personas, the furthest stage it reached) and on each asset's first use
-- on it. Whatever changes one of those marks the deal in analytics_dirty,
-- in the transaction of the change; a refresher (storage/postgres
-- analytics_refresh.go) takes marked deals out of the rollups as they were
-- counted and puts them back as they are now. Only the refresher writes the
-- rollups, one at a time per organisation, so ingest never waits on a
-- shared counter row and the counts never drift: each rollup is always the
-- sum of the per-deal rows recorded next to it.

-- Deals whose contribution may have changed. Not unique: marking is a
-- plain insert that never waits; the refresher reads each deal once.
-- No foreign keys: a deleted deal must still be taken out of the counts.
CREATE TABLE analytics_dirty (
    id      bigserial PRIMARY KEY,
    org_id  uuid NOT NULL,
    deal_id uuid NOT NULL
);
CREATE INDEX analytics_dirty_org_idx ON analytics_dirty (org_id, id);

-- Closed deals as stage_outcomes counted them. reach_stage is the furthest
-- stage (by the taxonomy's order) the deal was ever seen in, '' if none is
-- in the taxonomy.
CREATE TABLE deal_outcomes (
    deal_id     uuid PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status      text NOT NULL,
    reach_stage text NOT NULL
);

-- Closed deals of the organisation by furthest stage and outcome: the
-- baselines' denominators.
CREATE TABLE stage_outcomes (
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    reach_stage text NOT NULL,
    status      text NOT NULL,
    deals       integer NOT NULL,
    PRIMARY KEY (org_id, reach_stage, status)
);

-- Every deal an asset influenced (used before the close), as asset_outcomes
-- counted it. first_stage is the deal's stage at the first use ('' when
-- unknown); reach_stage is '' for open deals, whose furthest stage does not
-- enter any baseline; revenue is the amount of a won deal, else 0; personas
-- are the deal's, each once. The time-window scorecard and the per-asset
-- detail read these rows.
CREATE TABLE asset_deal_outcomes (
    asset_id      uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    deal_id       uuid NOT NULL,
    org_id        uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    first_used_at timestamptz NOT NULL,
    first_stage   text NOT NULL,
    reach_stage   text NOT NULL,
    status        text NOT NULL,
    revenue       numeric NOT NULL,
    personas      text[] NOT NULL,
    PRIMARY KEY (asset_id, deal_id)
);
CREATE INDEX asset_deal_outcomes_deal_idx ON asset_deal_outcomes (deal_id);
CREATE INDEX asset_deal_outcomes_org_time_idx ON asset_deal_outcomes (org_id, first_used_at);

-- Influenced deals per asset by stage at first use, furthest stage and
-- outcome, with their won revenue. Rows with persona '' count every deal;
-- a persona's rows count the deals that have it (with reach_stage '': the
-- baselines always compare against all deals), for the persona filter.
CREATE TABLE asset_outcomes (
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    asset_id    uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    persona     text NOT NULL,
    first_stage text NOT NULL,
    reach_stage text NOT NULL,
    status      text NOT NULL,
    deals       integer NOT NULL,
    revenue     numeric NOT NULL,
    PRIMARY KEY (asset_id, persona, first_stage, reach_stage, status)
);
CREATE INDEX asset_outcomes_org_idx ON asset_outcomes (org_id, persona);

-- All-time usage per asset, for the scorecard without a time window:
-- summing asset_daily_uses and asset_users for every asset would read
-- millions of rows per request.
CREATE TABLE asset_totals (
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    asset_id     uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    uses         bigint NOT NULL,
    link_opens   bigint NOT NULL,
    users        integer NOT NULL,
    last_used_at timestamptz
);
CREATE INDEX asset_totals_org_idx ON asset_totals (org_id);

-- Marking. A deal changes what it contributes when its outcome, close
-- time, amount, stage or personas change, when it is deleted, and when a
-- stage is added to its history; a new deal only once it is closed (an
-- open deal without uses contributes nothing). Taxonomy replacements that
-- reorder stages mark the organisation's closed deals (taxonomy.go).
CREATE FUNCTION analytics_mark_deal() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO analytics_dirty (org_id, deal_id) VALUES (OLD.org_id, OLD.id);
    ELSE
        INSERT INTO analytics_dirty (org_id, deal_id) VALUES (NEW.org_id, NEW.id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER deals_analytics_insert AFTER INSERT ON deals
    FOR EACH ROW WHEN (NEW.status <> 'open') EXECUTE FUNCTION analytics_mark_deal();
CREATE TRIGGER deals_analytics_update AFTER UPDATE ON deals
    FOR EACH ROW WHEN ((OLD.status, OLD.closed_at, OLD.amount, OLD.stage, OLD.personas)
                       IS DISTINCT FROM (NEW.status, NEW.closed_at, NEW.amount, NEW.stage, NEW.personas))
    EXECUTE FUNCTION analytics_mark_deal();
CREATE TRIGGER deals_analytics_delete AFTER DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION analytics_mark_deal();

CREATE FUNCTION analytics_mark_history() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO analytics_dirty (org_id, deal_id) SELECT DISTINCT org_id, deal_id FROM new_rows;
    RETURN NULL;
END
$$;

CREATE TRIGGER deal_stage_history_analytics AFTER INSERT ON deal_stage_history
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION analytics_mark_history();

-- The usage rollup now also keeps asset_totals, and marks the deals on
-- which an asset was used for the first time, or earlier than the first use known so far: the only
-- uses that change what a deal contributes. A use later than the first
-- (most of them) marks nothing.
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

-- Deals that existed before the rollups: counted by the first refresh.
INSERT INTO analytics_dirty (org_id, deal_id)
SELECT org_id, id FROM deals
WHERE status <> 'open' OR EXISTS (SELECT 1 FROM asset_deal_uses u WHERE u.deal_id = deals.id)
ORDER BY org_id, id;

INSERT INTO asset_totals (org_id, asset_id, uses, link_opens, users, last_used_at)
SELECT d.org_id, d.asset_id, d.uses, d.link_opens, coalesce(u.users, 0), u.last_used_at
FROM (SELECT org_id, asset_id, sum(uses) AS uses, sum(link_opens) AS link_opens FROM asset_daily_uses GROUP BY org_id, asset_id) d
LEFT JOIN (SELECT asset_id, count(*) AS users, max(last_used_at) AS last_used_at FROM asset_users GROUP BY asset_id) u
       ON u.asset_id = d.asset_id;
