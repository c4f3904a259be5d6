-- Facts about this instance (e.g. that it holds demonstration data).
CREATE TABLE instance_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Sides, organisations, people, users, sign-in sessions and API tokens.
-- Portable SQL: TEXT ids (UUID v7), TEXT timestamps in UTC with a fixed width, BIGINT flags.

CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    side TEXT NOT NULL CHECK (side IN ('BY', 'KHV')),
    code TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name_full_ru TEXT NOT NULL,
    name_short_ru TEXT NOT NULL,
    name_full_en TEXT,
    name_short_en TEXT,
    address TEXT,
    phone TEXT,
    email TEXT,
    website TEXT,
    search TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX organisations_side ON organisations (side, name_short_ru);

CREATE TABLE people (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    full_name_ru TEXT NOT NULL,
    full_name_en TEXT,
    position_ru TEXT,
    position_en TEXT,
    email TEXT,
    phone TEXT,
    search TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX people_organisation ON people (organisation_id);

CREATE TABLE users (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    login TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'executor', 'observer')),
    side TEXT CHECK (side IN ('BY', 'KHV')),
    organisation_id TEXT REFERENCES organisations (id),
    locale TEXT NOT NULL DEFAULT 'ru',
    disabled BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    label TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at TEXT
);

-- The audit log. `seq` is handed out from audit_head inside the writing transaction, which
-- also serialises appends, so the chain has no gaps and no forks on either backend.
CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
    before_json TEXT,
    after_json TEXT,
    reason TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id, seq);

CREATE TABLE audit_head (
    id BIGINT PRIMARY KEY CHECK (id = 1),
    last_seq BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
