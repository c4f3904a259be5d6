-- Frozen versions of a plan (version 1 is the signed text) and amendments waiting for the
-- second side's coordinator.
CREATE TABLE plan_versions (
    plan_id TEXT NOT NULL REFERENCES plans (id),
    number BIGINT NOT NULL,
    label TEXT,
    signed_on TEXT,
    snapshot TEXT NOT NULL,
    created_by TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE amendments (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    base_version BIGINT NOT NULL,
    proposed TEXT NOT NULL,
    reason TEXT,
    proposed_by TEXT NOT NULL,
    proposer_side TEXT CHECK (proposer_side IN ('BY', 'KHV')),
    proposed_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
    decided_by TEXT,
    decided_at TEXT,
    decision_note TEXT
);
CREATE INDEX amendments_plan_status ON amendments (plan_id, status, proposed_at);
CREATE INDEX amendments_measure ON amendments (measure_id, status);
