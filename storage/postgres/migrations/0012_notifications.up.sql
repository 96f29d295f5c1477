-- Notifications (the in-app bell), each user's choice of how to hear of
-- them, the organisation's settings, and the delivery log of the one
-- outbound path (email, Slack-format webhooks, later signed webhooks).
-- River's own tables (river_job and friends) are created by rivermigrate
-- beside these; the jobs they hold point at deliveries by id.

CREATE TABLE notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id     uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    type       text NOT NULL CHECK (length(type) BETWEEN 1 AND 100),
    title      text NOT NULL,
    body       text NOT NULL DEFAULT '',
    url        text NOT NULL DEFAULT '',
    data       jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at    timestamptz,
    -- True while the notification waits for its owner's daily digest.
    digest_pending boolean NOT NULL DEFAULT false
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE INDEX notifications_digest_idx ON notifications (user_id, created_at) WHERE digest_pending;

-- A user without a row has the defaults: instant email, no Slack, every
-- type on.
CREATE TABLE notification_settings (
    user_id           uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    org_id            uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email             text NOT NULL DEFAULT 'instant' CHECK (email IN ('instant', 'daily', 'off')),
    slack_webhook_url text,
    -- Types turned off or on explicitly; a type not named is on.
    types             jsonb NOT NULL DEFAULT '{}',
    -- Set when the Slack URL answered 4xx: no more messages go there until
    -- the user gives a URL again.
    slack_failed_at   timestamptz,
    slack_error       text,
    -- When the last daily digest was sent.
    digest_sent_at    timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- An organisation without a row has the defaults.
CREATE TABLE org_settings (
    org_id           uuid PRIMARY KEY REFERENCES organisations (id) ON DELETE CASCADE,
    logo_url         text NOT NULL DEFAULT '',
    internal_domains text[] NOT NULL DEFAULT '{}',
    review_days      integer NOT NULL DEFAULT 180 CHECK (review_days BETWEEN 1 AND 3650),
    password_login   boolean NOT NULL DEFAULT true,
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- One row per message sent, or to be sent, through a channel. The queue
-- job that carries it names the row; the row records how it went.
CREATE TABLE deliveries (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id          uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('email', 'slack', 'webhook')),
    -- The address (email) or URL the message goes to.
    target          text NOT NULL,
    -- The notifications the message is about: one, or a digest's many.
    notification_ids uuid[] NOT NULL DEFAULT '{}',
    -- What to send for deliveries not rendered from notifications.
    payload         jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'retrying', 'sent', 'failed')),
    attempt         integer NOT NULL DEFAULT 0,
    error           text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    next_attempt_at timestamptz,
    sent_at         timestamptz
);
CREATE INDEX deliveries_org_idx ON deliveries (org_id, created_at DESC, id DESC);
CREATE INDEX deliveries_failed_idx ON deliveries (org_id, status) WHERE status IN ('retrying', 'failed');

-- Every attempt of every delivery, with its outcome.
CREATE TABLE delivery_attempts (
    delivery_id uuid NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    attempt     integer NOT NULL,
    at          timestamptz NOT NULL DEFAULT now(),
    ok          boolean NOT NULL,
    status_code integer,
    error       text NOT NULL DEFAULT '',
    PRIMARY KEY (delivery_id, attempt)
);
