-- Link protection, and visits: one visitor's reading of one link.

-- What a sharer controls per link. The passcode is kept only as an
-- argon2id hash; passcode_set_at changes with it, so that admissions
-- granted under an old passcode end when it changes.
ALTER TABLE share_links
    ADD COLUMN require_email   boolean NOT NULL DEFAULT false,
    ADD COLUMN passcode_hash   text,
    ADD COLUMN passcode_set_at timestamptz,
    ADD COLUMN allow_download  boolean NOT NULL DEFAULT true,
    ADD COLUMN notify          boolean NOT NULL DEFAULT true,
    ADD COLUMN updated_at      timestamptz;

-- A visit groups the viewing sessions (page loads) of one visitor of one
-- link that are less than 30 minutes apart. The visitor is the admitted
-- email when the link asks for one, else a random id kept in a cookie of
-- the link's path. Visits of bots are never stored; visits of the
-- organisation's own people (internal domains) are stored and flagged.
CREATE TABLE link_visits (
    id            uuid PRIMARY KEY,
    org_id        uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    link_id       uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    -- the link's asset, kept here for the asset's reading analytics
    asset_id      uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    visitor_key   text NOT NULL,
    visitor_email text,
    -- the version shown, and its number of pages then: completion is
    -- measured against it even after a new version is uploaded
    version_id    uuid REFERENCES asset_versions (id) ON DELETE SET NULL,
    page_count    integer NOT NULL DEFAULT 1 CHECK (page_count >= 1),
    started_at    timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    seconds       integer NOT NULL DEFAULT 0,
    -- pages with time > 0, over the visit's sessions
    pages_read    integer NOT NULL DEFAULT 0,
    device        text NOT NULL CHECK (device IN ('desktop', 'mobile', 'tablet')),
    is_return     boolean NOT NULL DEFAULT false,
    internal      boolean NOT NULL DEFAULT false
);
CREATE INDEX link_visits_link_idx ON link_visits (org_id, link_id, started_at DESC, id);
CREATE INDEX link_visits_visitor_idx ON link_visits (link_id, visitor_key, last_seen_at DESC);
CREATE INDEX link_visits_asset_idx ON link_visits (org_id, asset_id, started_at);

ALTER TABLE viewer_sessions ADD COLUMN visit_id uuid REFERENCES link_visits (id) ON DELETE CASCADE;
CREATE INDEX viewer_sessions_visit_idx ON viewer_sessions (visit_id) WHERE visit_id IS NOT NULL;

-- Sessions recorded before visits existed become one anonymous visit
-- each, so their reading stays visible per link.
INSERT INTO link_visits (id, org_id, link_id, asset_id, visitor_key, version_id, page_count,
                         started_at, last_seen_at, seconds, device, pages_read)
SELECT gen_random_uuid(), s.org_id, s.link_id, l.asset_id, 'session:' || s.session_id, a.current_version_id,
       greatest(coalesce(v.page_count, 1), coalesce((SELECT max(p.page) FROM link_page_time p
           WHERE p.link_id = s.link_id AND p.session_id = s.session_id), 1)),
       s.started_at, s.updated_at, s.credited, 'desktop',
       (SELECT count(*) FROM link_page_time p WHERE p.link_id = s.link_id AND p.session_id = s.session_id AND p.seconds > 0)
FROM viewer_sessions s
JOIN share_links l ON l.id = s.link_id
JOIN assets a ON a.id = l.asset_id
LEFT JOIN asset_versions v ON v.id = a.current_version_id;
UPDATE viewer_sessions s SET visit_id = lv.id
FROM link_visits lv
WHERE lv.link_id = s.link_id AND lv.visitor_key = 'session:' || s.session_id;

-- bot now means "never counted": a bot or link scanner, or a visitor from
-- the organisation's own domains. Counting queries need no change.
COMMENT ON COLUMN usage_events.bot IS
    'excluded from every count: a bot, link scanner or headless fetcher, or a visitor from an internal domain (meta.excluded says which)';
