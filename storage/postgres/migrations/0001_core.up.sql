-- Organisations, users, credentials and the taxonomy.
-- Every tenant-owned row carries org_id; every query filters on it.

CREATE TABLE organisations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id        uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- Sign-in is by email alone, so an address belongs to one organisation.
    email         text NOT NULL UNIQUE CHECK (email = lower(email)),
    name          text NOT NULL DEFAULT '',
    role          text NOT NULL CHECK (role IN ('admin', 'marketer', 'rep')),
    password_hash text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX users_org_idx ON users (org_id, email);

CREATE TABLE api_tokens (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    -- The first characters of the token, shown in lists to tell tokens apart.
    prefix       text NOT NULL,
    -- SHA-256 of the whole token. Tokens carry 256 random bits, so a fast
    -- hash is enough: there is nothing to brute-force.
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id) WHERE revoked_at IS NULL;

-- Failed sign-ins per key (an email or a client address), shared by every
-- server replica so that throttling holds behind a load balancer.
CREATE TABLE login_throttle (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    window_start timestamptz NOT NULL,
    locked_until timestamptz
);

CREATE TABLE taxonomy_terms (
    org_id   uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    facet    text NOT NULL CHECK (facet IN ('stages', 'personas', 'industries', 'products')),
    key      text NOT NULL,
    label    text NOT NULL,
    position integer NOT NULL,
    PRIMARY KEY (org_id, facet, key)
);
