-- Users who can be cut off, sessions that can end, password resets, the
-- audit log, and event ids that belong to their organisation.

-- A disabled user cannot sign in, and their sessions and tokens are
-- refused. last_seen_at is written at most once a minute per user.
ALTER TABLE users ADD COLUMN disabled_at timestamptz;
ALTER TABLE users ADD COLUMN last_seen_at timestamptz;

-- One row per sign-in. A session token (JWT) names its row; the row is
-- what logout, a password change or disabling the user revokes, so a
-- token stops working before it expires.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- Single-use password reset tokens; only their SHA-256 is stored.
CREATE TABLE password_resets (
    token_hash bytea PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- Who changed what, written in the transaction of the change. actor_email
-- is kept as it was, so entries stay readable after the user is renamed
-- or removed.
CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    org_id      uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    at          timestamptz NOT NULL,
    actor_id    uuid REFERENCES users (id) ON DELETE SET NULL,
    actor_email text,
    action      text NOT NULL,
    target_type text NOT NULL,
    target_id   text NOT NULL,
    ip          text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org_idx ON audit_log (org_id, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (org_id, actor_id, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (org_id, target_id, id DESC);

-- An event's id is the client's, unique within its organisation: another
-- organisation's ids must neither collide with it nor be discoverable.
ALTER TABLE usage_events DROP CONSTRAINT usage_events_pkey;
ALTER TABLE usage_events ADD PRIMARY KEY (org_id, id);
