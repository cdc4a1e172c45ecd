-- The LPA store's data: current documents, their static (as-created) copies, scanned images,
-- the change log and the event log. Documents are kept as the JSON the API serves, as the real
-- store keeps them in DynamoDB.

CREATE TABLE lpas (
    uid             TEXT PRIMARY KEY,
    document        JSONB NOT NULL,
    static_document JSONB NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE images (
    path  TEXT PRIMARY KEY,
    bytes BYTEA NOT NULL
);

-- position orders the log exactly, even for updates applied within the same second.
CREATE TABLE lpa_changes (
    position BIGSERIAL PRIMARY KEY,
    id       UUID NOT NULL UNIQUE,
    uid      TEXT NOT NULL REFERENCES lpas (uid),
    record   JSONB NOT NULL
);
CREATE INDEX lpa_changes_by_uid ON lpa_changes (uid, position);

CREATE TABLE events (
    sequence BIGSERIAL PRIMARY KEY,
    event    JSONB NOT NULL
);
