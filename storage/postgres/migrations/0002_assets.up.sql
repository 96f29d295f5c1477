-- Collateral, its versions, and the intents that let us clean up objects
-- orphaned by a crash between writing a blob and committing its row.

CREATE TABLE assets (
    id                  uuid PRIMARY KEY,
    org_id              uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title               text NOT NULL,
    title_from_filename boolean NOT NULL DEFAULT false,
    description         text NOT NULL DEFAULT '',
    type                text NOT NULL,
    status              text NOT NULL CHECK (status IN ('draft', 'published', 'archived')),
    stages              text[] NOT NULL DEFAULT '{}',
    personas            text[] NOT NULL DEFAULT '{}',
    industries          text[] NOT NULL DEFAULT '{}',
    products            text[] NOT NULL DEFAULT '{}',
    tags                text[] NOT NULL DEFAULT '{}',
    expires_at          timestamptz,
    owner_id            uuid REFERENCES users (id) ON DELETE SET NULL,
    current_version_id  uuid,
    index_status        text NOT NULL DEFAULT 'pending' CHECK (index_status IN ('pending', 'indexed', 'failed')),
    index_error         text,
    thumbnail_key       text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assets_org_updated_idx ON assets (org_id, updated_at DESC, id);
CREATE INDEX assets_stages_idx ON assets USING gin (stages);
CREATE INDEX assets_personas_idx ON assets USING gin (personas);

CREATE TABLE asset_versions (
    id           uuid PRIMARY KEY,
    org_id       uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    asset_id     uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    number       integer NOT NULL,
    filename     text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL,
    page_count   integer,
    blob_key     text NOT NULL UNIQUE,
    uploaded_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (asset_id, number)
);

-- The asset row and its first version are inserted in one transaction, so
-- the reference to the current version is checked at commit.
ALTER TABLE assets ADD CONSTRAINT assets_current_version_fk
    FOREIGN KEY (current_version_id) REFERENCES asset_versions (id) DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE upload_intents (
    blob_key   text PRIMARY KEY,
    org_id     uuid NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX upload_intents_created_idx ON upload_intents (created_at);
