-- Usage rollups for analytics, kept current by a statement trigger on
-- usage_events: every insert path (the group-commit writer, downloads,
-- link opens) updates them in its own transaction, so the scorecard reads
-- one row per (asset, deal) instead of scanning every event. Bot events
-- count nowhere.

-- Each deal an asset was used on: when first (and at which of the deal's
-- stages), how often, when last.
CREATE TABLE asset_deal_uses (
    org_id        uuid NOT NULL,
    asset_id      uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    deal_id       uuid NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    first_used_at timestamptz NOT NULL,
    first_stage   text,
    uses          integer NOT NULL,
    last_used_at  timestamptz NOT NULL,
    PRIMARY KEY (asset_id, deal_id)
);
CREATE INDEX asset_deal_uses_org_idx ON asset_deal_uses (org_id, asset_id);
CREATE INDEX asset_deal_uses_deal_idx ON asset_deal_uses (deal_id);

-- Uses and human link opens per asset per day (UTC).
CREATE TABLE asset_daily_uses (
    org_id     uuid NOT NULL,
    asset_id   uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    day        date NOT NULL,
    uses       integer NOT NULL DEFAULT 0,
    link_opens integer NOT NULL DEFAULT 0,
    PRIMARY KEY (asset_id, day)
);
CREATE INDEX asset_daily_uses_org_day_idx ON asset_daily_uses (org_id, day);

-- Who used an asset, and how often.
CREATE TABLE asset_users (
    org_id        uuid NOT NULL,
    asset_id      uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    uses          integer NOT NULL,
    first_used_at timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL,
    PRIMARY KEY (asset_id, user_id)
);

CREATE FUNCTION usage_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Rows are written in key order so that concurrent batches lock them
    -- in the same order and cannot deadlock.
    INSERT INTO asset_deal_uses AS u (org_id, asset_id, deal_id, first_used_at, first_stage, uses, last_used_at)
    SELECT org_id, asset_id, deal_id,
           min(occurred_at),
           (array_agg(stage_at_event ORDER BY occurred_at))[1],
           count(*), max(occurred_at)
    FROM new_events
    WHERE deal_id IS NOT NULL AND NOT bot
    GROUP BY org_id, asset_id, deal_id
    ORDER BY asset_id, deal_id
    ON CONFLICT (asset_id, deal_id) DO UPDATE SET
        first_stage   = CASE WHEN EXCLUDED.first_used_at < u.first_used_at THEN EXCLUDED.first_stage ELSE u.first_stage END,
        first_used_at = least(u.first_used_at, EXCLUDED.first_used_at),
        uses          = u.uses + EXCLUDED.uses,
        last_used_at  = greatest(u.last_used_at, EXCLUDED.last_used_at);

    INSERT INTO asset_daily_uses AS d (org_id, asset_id, day, uses, link_opens)
    SELECT org_id, asset_id, (occurred_at AT TIME ZONE 'UTC')::date,
           count(*) FILTER (WHERE type <> 'link_open'), count(*) FILTER (WHERE type = 'link_open')
    FROM new_events
    WHERE NOT bot
    GROUP BY 1, 2, 3
    ORDER BY 2, 3
    ON CONFLICT (asset_id, day) DO UPDATE SET
        uses = d.uses + EXCLUDED.uses, link_opens = d.link_opens + EXCLUDED.link_opens;

    INSERT INTO asset_users AS au (org_id, asset_id, user_id, uses, first_used_at, last_used_at)
    SELECT org_id, asset_id, user_id, count(*), min(occurred_at), max(occurred_at)
    FROM new_events
    WHERE NOT bot AND user_id IS NOT NULL AND type <> 'link_open'
    GROUP BY org_id, asset_id, user_id
    ORDER BY asset_id, user_id
    ON CONFLICT (asset_id, user_id) DO UPDATE SET
        uses = au.uses + EXCLUDED.uses,
        first_used_at = least(au.first_used_at, EXCLUDED.first_used_at),
        last_used_at = greatest(au.last_used_at, EXCLUDED.last_used_at);
    RETURN NULL;
END
$$;

CREATE TRIGGER usage_events_rollup AFTER INSERT ON usage_events
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION usage_rollup();

-- Events recorded before the rollups existed.
INSERT INTO asset_deal_uses (org_id, asset_id, deal_id, first_used_at, first_stage, uses, last_used_at)
SELECT org_id, asset_id, deal_id, min(occurred_at), (array_agg(stage_at_event ORDER BY occurred_at))[1], count(*), max(occurred_at)
FROM usage_events WHERE deal_id IS NOT NULL AND NOT bot
GROUP BY org_id, asset_id, deal_id;
INSERT INTO asset_daily_uses (org_id, asset_id, day, uses, link_opens)
SELECT org_id, asset_id, (occurred_at AT TIME ZONE 'UTC')::date,
       count(*) FILTER (WHERE type <> 'link_open'), count(*) FILTER (WHERE type = 'link_open')
FROM usage_events WHERE NOT bot GROUP BY 1, 2, 3;
INSERT INTO asset_users (org_id, asset_id, user_id, uses, first_used_at, last_used_at)
SELECT org_id, asset_id, user_id, count(*), min(occurred_at), max(occurred_at)
FROM usage_events WHERE NOT bot AND user_id IS NOT NULL AND type <> 'link_open'
GROUP BY org_id, asset_id, user_id;
