-- Deals as the CRM sees them, their stage history, share links and the
-- columns usage analytics needs on events.

-- A CRM owner who is not (yet) a Stagecraft user is kept by name.
ALTER TABLE deals ADD COLUMN owner_name text NOT NULL DEFAULT '';
ALTER TABLE deals ADD COLUMN products text[] NOT NULL DEFAULT '{}';
CREATE INDEX deals_org_status_idx ON deals (org_id, status, updated_at DESC);

-- Every stage a deal was seen in, stamped when it was seen, so analytics
-- can ask which stage a deal had reached at any time.
CREATE TABLE deal_stage_history (
    id        bigserial PRIMARY KEY,
    org_id    uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    deal_id   uuid NOT NULL REFERENCES deals (id) ON DELETE CASCADE,
    stage     text NOT NULL,
    status    text NOT NULL,
    seen_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deal_stage_history_deal_idx ON deal_stage_history (deal_id, seen_at);

CREATE TABLE share_links (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    asset_id        uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    deal_id         uuid REFERENCES deals (id) ON DELETE SET NULL,
    sharer_id       uuid REFERENCES users (id) ON DELETE SET NULL,
    recipient_email text,
    -- The token is the link's whole secret: 32 random bytes, URL-safe.
    token           text NOT NULL UNIQUE,
    expires_at      timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX share_links_org_asset_idx ON share_links (org_id, asset_id, created_at DESC);
CREATE INDEX share_links_org_deal_idx ON share_links (org_id, deal_id) WHERE deal_id IS NOT NULL;

-- Time a viewer of a shared link spent, per page, per viewing session:
-- beacons add seconds to their row.
CREATE TABLE link_page_time (
    link_id    uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    org_id     uuid NOT NULL,
    session_id text NOT NULL,
    page       integer NOT NULL,
    seconds    integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (link_id, session_id, page)
);

-- Events: the link they came through, and whether a bot (link scanner,
-- unfurler, headless fetcher) caused them; bot events are kept for the
-- record but never counted.
ALTER TABLE usage_events ADD COLUMN link_id uuid REFERENCES share_links (id) ON DELETE SET NULL;
ALTER TABLE usage_events ADD COLUMN bot boolean NOT NULL DEFAULT false;
CREATE INDEX usage_events_org_time_idx ON usage_events (org_id, occurred_at);
CREATE INDEX usage_events_link_idx ON usage_events (link_id) WHERE link_id IS NOT NULL;
