-- Files attached to measures. The bytes live under the data folder, named by their SHA-256,
-- so the same file uploaded twice is stored once.
CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    uploaded_by TEXT,
    uploaded_at TEXT NOT NULL
);
CREATE INDEX attachments_measure ON attachments (measure_id, uploaded_at);

-- Links between related measures (stored once per pair, smaller id first).
CREATE TABLE measure_links (
    measure_a TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    measure_b TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (measure_a, measure_b)
);
