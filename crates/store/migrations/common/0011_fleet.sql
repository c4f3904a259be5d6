-- Fleet: the service centre's register of machines, their meters and readings, maintenance
-- regimes, work orders, parts and stock. Dates are ISO text (YYYY-MM-DD), money integer
-- kopecks. Hot reads (due list, figures) are computed in the domain from a snapshot of the
-- compact rows below (see store::fleet::FleetSnapshot), cached by audit head.
CREATE TABLE fleet_models (
    id TEXT PRIMARY KEY,
    brand TEXT NOT NULL,
    designation TEXT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);

-- A regime as the domain serialises it (intervals, cycle, seasons, content per service).
CREATE TABLE fleet_regimes (
    id TEXT PRIMARY KEY,
    model_id TEXT NOT NULL REFERENCES fleet_models (id),
    body TEXT NOT NULL
);
CREATE INDEX fleet_regimes_model ON fleet_regimes (model_id);

CREATE TABLE fleet_machines (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    model_id TEXT NOT NULL REFERENCES fleet_models (id),
    brand TEXT NOT NULL,
    modification TEXT,
    engine TEXT,
    vin TEXT UNIQUE,
    serial TEXT UNIQUE,
    year BIGINT NOT NULL,
    owner_id TEXT NOT NULL,
    district TEXT NOT NULL,
    status TEXT NOT NULL,
    arrival TEXT NOT NULL,
    commissioned_on TEXT,
    off_books TEXT,
    -- The machine as the domain serialises it, and what the due list needs beyond the
    -- columns: meters at commissioning, the last cycle mark, the last seasonal services.
    body TEXT NOT NULL,
    due_state TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX fleet_machines_owner ON fleet_machines (owner_id);

-- Each fitted meter of a machine: seq 0 is the first, a replacement adds the next.
CREATE TABLE fleet_meters (
    machine_id TEXT NOT NULL REFERENCES fleet_machines (id),
    kind SMALLINT NOT NULL,
    seq SMALLINT NOT NULL,
    started_on TEXT NOT NULL,
    offset_value BIGINT NOT NULL,
    initial_value BIGINT NOT NULL,
    PRIMARY KEY (machine_id, kind, seq)
);

CREATE TABLE fleet_readings (
    id TEXT PRIMARY KEY,
    machine_id TEXT NOT NULL,
    kind SMALLINT NOT NULL,
    seq SMALLINT NOT NULL,
    read_on TEXT NOT NULL,
    value BIGINT NOT NULL,
    voided TEXT
);
CREATE INDEX fleet_readings_machine ON fleet_readings (machine_id, kind, read_on);

-- The current state of each meter (cumulative value, date, usage per day over 90 days),
-- rewritten with every reading: the due list reads these, never the readings.
CREATE TABLE fleet_meter_now (
    machine_id TEXT NOT NULL,
    kind SMALLINT NOT NULL,
    value BIGINT NOT NULL,
    read_on TEXT NOT NULL,
    per_day DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (machine_id, kind)
);

-- What the readiness figures need of a machine's past (day states, failures, services,
-- costs, monthly meter checkpoints), one JSON row per machine, appended to as orders close.
CREATE TABLE fleet_histories (
    machine_id TEXT PRIMARY KEY,
    body TEXT NOT NULL
);

CREATE TABLE fleet_work_orders (
    id TEXT PRIMARY KEY,
    number BIGINT NOT NULL UNIQUE,
    machine_id TEXT NOT NULL REFERENCES fleet_machines (id),
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    finished_at TEXT,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX fleet_work_orders_machine ON fleet_work_orders (machine_id, opened_at);
CREATE INDEX fleet_work_orders_status ON fleet_work_orders (status);

CREATE TABLE fleet_parts (
    number TEXT PRIMARY KEY,
    brand TEXT NOT NULL,
    name TEXT NOT NULL,
    supplier_id TEXT,
    price_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    pack BIGINT NOT NULL,
    lead_days BIGINT NOT NULL,
    superseded_by TEXT,
    equivalents TEXT NOT NULL
);

CREATE TABLE fleet_warehouses (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- On hand per bin; a CHECK keeps it from going negative even if a writer forgot the rule.
CREATE TABLE fleet_stock (
    warehouse_id TEXT NOT NULL REFERENCES fleet_warehouses (id),
    bin TEXT NOT NULL,
    part TEXT NOT NULL,
    qty BIGINT NOT NULL CHECK (qty >= 0),
    in_transit BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (warehouse_id, bin, part)
);

CREATE TABLE fleet_stock_movements (
    id TEXT PRIMARY KEY,
    warehouse_id TEXT NOT NULL,
    bin TEXT NOT NULL,
    part TEXT NOT NULL,
    delta BIGINT NOT NULL,
    kind TEXT NOT NULL,
    work_order_id TEXT,
    on_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
);
CREATE INDEX fleet_stock_movements_part ON fleet_stock_movements (part, on_date);

-- Files imported, by content hash: importing the same file twice changes nothing.
CREATE TABLE fleet_imports (
    sha256 TEXT NOT NULL,
    what TEXT NOT NULL,
    file_name TEXT NOT NULL,
    rows_read BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    PRIMARY KEY (sha256, what)
);
