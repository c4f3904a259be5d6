-- Review: reporting periods, reports and their workflow, snapshots, meetings, agendas,
-- decisions and minutes. Each record's domain value is kept as JSON in `body` (the domain
-- types are the schema); the columns beside it are what lists filter and join on.
CREATE TABLE review_periods (
    quarter TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL REFERENCES plans (id),
    state TEXT NOT NULL,
    meeting_date TEXT NOT NULL,
    deadline TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE review_reports (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    quarter TEXT NOT NULL REFERENCES review_periods (quarter),
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    measure_id TEXT NOT NULL,
    side TEXT NOT NULL,
    state TEXT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (quarter, organisation_id, measure_id)
);
CREATE INDEX review_reports_measure ON review_reports (measure_id, organisation_id, quarter);

CREATE TABLE review_snapshots (
    quarter TEXT PRIMARY KEY REFERENCES review_periods (quarter),
    taken_at TEXT NOT NULL,
    body TEXT NOT NULL
);

CREATE TABLE review_meetings (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    quarter TEXT NOT NULL UNIQUE,
    start_utc TEXT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE review_agenda_items (
    id TEXT PRIMARY KEY,
    meeting_id TEXT NOT NULL REFERENCES review_meetings (id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX review_agenda_items_meeting ON review_agenda_items (meeting_id, position);

CREATE TABLE review_decisions (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL,
    meeting_id TEXT NOT NULL REFERENCES review_meetings (id),
    reference TEXT NOT NULL,
    control TEXT NOT NULL,
    measure_id TEXT,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX review_decisions_measure ON review_decisions (measure_id);

CREATE TABLE review_minutes (
    meeting_id TEXT PRIMARY KEY REFERENCES review_meetings (id),
    locked_hash TEXT,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);
