-- Deals and the usage events recorded against assets and deals.

CREATE TABLE deals (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    external_id text NOT NULL,
    name        text NOT NULL DEFAULT '',
    account     text NOT NULL DEFAULT '',
    amount      numeric(18, 2),
    currency    text NOT NULL DEFAULT 'USD',
    stage       text NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),
    owner_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    personas    text[] NOT NULL DEFAULT '{}',
    industry    text,
    closed_at   timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (org_id, external_id)
);
CREATE INDEX deals_org_owner_idx ON deals (org_id, owner_id, status);
CREATE INDEX deals_personas_idx ON deals USING gin (personas);

CREATE TABLE usage_events (
    -- The client's id when it gave one, so that retries are stored once.
    id             uuid PRIMARY KEY,
    org_id         uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    type           text NOT NULL,
    asset_id       uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    version_id     uuid REFERENCES asset_versions (id) ON DELETE SET NULL,
    deal_id        uuid REFERENCES deals (id) ON DELETE SET NULL,
    user_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    -- The deal's stage when the event was recorded: analytics needs the
    -- stage at use, not the stage the deal reached later.
    stage_at_event text,
    occurred_at    timestamptz NOT NULL,
    recorded_at    timestamptz NOT NULL DEFAULT now(),
    meta           jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX usage_events_asset_idx ON usage_events (org_id, asset_id, occurred_at);
CREATE INDEX usage_events_deal_idx ON usage_events (deal_id, asset_id) WHERE deal_id IS NOT NULL;
