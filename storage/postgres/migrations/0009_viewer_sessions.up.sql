-- Viewing sessions of shared links: when each began and how many seconds
-- its beacons have been credited. A session is never credited more time
-- than has passed since it began, over all its pages, so beacons sent in
-- a burst (or for several pages at once) cannot inflate viewing time.
-- Sessions under way when this runs start afresh, which only bounds them
-- more tightly.
CREATE TABLE viewer_sessions (
    link_id    uuid NOT NULL REFERENCES share_links (id) ON DELETE CASCADE,
    session_id text NOT NULL,
    org_id     uuid NOT NULL,
    -- the first beacon's arrival less the seconds it reported
    started_at timestamptz NOT NULL,
    credited   integer NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (link_id, session_id)
);
