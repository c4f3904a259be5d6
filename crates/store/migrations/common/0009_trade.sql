-- Trade: who reports (a source: one side's statistics office or customs), each file imported
-- from it, the records aggregated per key, exchange rates, product groups and the mirror
-- reconciliation's statuses. Amounts are integer minor units (cents, kopecks); masses and
-- quantities thousandths; rates exact decimal text.
CREATE TABLE trade_sources (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    side TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (side, name)
);

CREATE TABLE trade_imports (
    id TEXT PRIMARY KEY,
    source_id TEXT NOT NULL REFERENCES trade_sources (id),
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    records BIGINT NOT NULL,
    first_period TEXT,
    last_period TEXT,
    imported_at TEXT NOT NULL,
    imported_by TEXT
);
CREATE INDEX trade_imports_source ON trade_imports (source_id, sha256);

-- A source's records of one period, aggregated per (reporter, partner, flow, code, currency,
-- unit), one record per line of `body` (see store::trade::encode_line). Summaries are computed
-- in Rust from all records held in memory, so the database keeps them in one row per period:
-- an import of millions of declarations writes a few hundred rows, not hundreds of thousands.
CREATE TABLE trade_chunks (
    source_id TEXT NOT NULL REFERENCES trade_sources (id),
    import_id TEXT NOT NULL REFERENCES trade_imports (id),
    period BIGINT NOT NULL,
    records BIGINT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (source_id, period)
);

CREATE TABLE exchange_rates (
    base TEXT NOT NULL,
    currency TEXT NOT NULL,
    on_date TEXT NOT NULL,
    units BIGINT NOT NULL,
    value TEXT NOT NULL,
    file_name TEXT NOT NULL,
    PRIMARY KEY (base, currency, on_date)
);

CREATE TABLE product_groups (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    name_ru TEXT NOT NULL,
    name_en TEXT,
    prefixes TEXT NOT NULL,
    exported_by TEXT,
    targets TEXT NOT NULL,
    position BIGINT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE product_group_measures (
    group_id TEXT NOT NULL REFERENCES product_groups (id) ON DELETE CASCADE,
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, measure_id)
);
CREATE INDEX product_group_measures_measure ON product_group_measures (measure_id);

-- A coordinator's verdict on one mirror pair (exporter's and importer's figures for a bucket,
-- optionally one code).
CREATE TABLE mirror_statuses (
    exporter TEXT NOT NULL,
    importer TEXT NOT NULL,
    bucket TEXT NOT NULL,
    code TEXT NOT NULL,
    status TEXT NOT NULL,
    comment TEXT,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (exporter, importer, bucket, code)
);
