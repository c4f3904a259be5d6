-- Fleet, continued: warranty coverage, reservations of stock for planned services, shipments
-- in transit from suppliers.

-- A warranty on a machine (part IS NULL) or on one part number fitted to it, limited by date
-- and/or by a meter (covered while the machine's cumulative value of `meter_kind` is at most
-- `meter_up_to`), whichever ends first.
CREATE TABLE fleet_warranties (
    id TEXT PRIMARY KEY,
    machine_id TEXT NOT NULL REFERENCES fleet_machines (id),
    part TEXT,
    from_date TEXT NOT NULL,
    until_date TEXT,
    meter_kind SMALLINT,
    meter_up_to BIGINT,
    note TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fleet_warranties_machine ON fleet_warranties (machine_id);

-- Stock held in a bin for a work order. `fleet_stock.reserved` is the sum per bin and part,
-- kept in the same transaction: an issue may take at most qty - reserved, plus what the
-- issuing order itself has reserved there.
CREATE TABLE fleet_reservations (
    id TEXT PRIMARY KEY,
    work_order_id TEXT NOT NULL REFERENCES fleet_work_orders (id),
    warehouse_id TEXT NOT NULL,
    bin TEXT NOT NULL,
    part TEXT NOT NULL,
    qty BIGINT NOT NULL CHECK (qty > 0),
    created_at TEXT NOT NULL
);
CREATE INDEX fleet_reservations_order ON fleet_reservations (work_order_id);
CREATE INDEX fleet_reservations_bin ON fleet_reservations (warehouse_id, bin, part);
ALTER TABLE fleet_stock ADD COLUMN reserved BIGINT NOT NULL DEFAULT 0;

-- A shipment from a supplier on its way to a bin (counted in fleet_stock.in_transit until
-- received, when it becomes a receipt movement).
CREATE TABLE fleet_shipments (
    id TEXT PRIMARY KEY,
    supplier_id TEXT,
    reference TEXT NOT NULL,
    warehouse_id TEXT NOT NULL REFERENCES fleet_warehouses (id),
    bin TEXT NOT NULL,
    part TEXT NOT NULL,
    qty BIGINT NOT NULL CHECK (qty > 0),
    shipped_on TEXT NOT NULL,
    expected_on TEXT NOT NULL,
    received_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX fleet_shipments_open ON fleet_shipments (received_on, expected_on);

-- The open orders among hundreds of thousands closed (machines table, due list, snapshot).
CREATE INDEX fleet_work_orders_open ON fleet_work_orders (status, machine_id);

-- Major assemblies with their own serial and the exchange pool: each install or removal is an
-- event carrying the machine's cumulative meter value, so an assembly's usage follows it from
-- machine to machine (see accord_domain::fleet::assembly).
CREATE TABLE fleet_assemblies (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    serial TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE fleet_assembly_events (
    id TEXT PRIMARY KEY,
    assembly_id TEXT NOT NULL REFERENCES fleet_assemblies (id),
    machine_id TEXT NOT NULL REFERENCES fleet_machines (id),
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    machine_meter BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX fleet_assembly_events_assembly ON fleet_assembly_events (assembly_id, seq);
CREATE INDEX fleet_assembly_events_machine ON fleet_assembly_events (machine_id, seq);
