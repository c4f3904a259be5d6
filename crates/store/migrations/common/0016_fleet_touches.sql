-- Which fleet machines each write changed, under the audit sequence number of its last entry.
-- A cached fleet snapshot read at audit head H is brought up to date by re-reading only the
-- machines touched after H (see store::cache). '*' stands for the whole fleet (a catalog
-- change, a bulk load, an import touching many machines).
CREATE TABLE fleet_touches (
    seq BIGINT NOT NULL,
    machine_id TEXT NOT NULL,
    PRIMARY KEY (seq, machine_id)
);
