-- The agreement, its action plans, sections, measures with executors and tags, indicators
-- and their quarterly actuals. Dates are TEXT 'YYYY-MM-DD'; decimals are TEXT (exact).

CREATE TABLE agreements (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    code TEXT NOT NULL UNIQUE,
    title_ru TEXT NOT NULL,
    title_en TEXT,
    signed_on TEXT,
    signatories TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE plans (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    agreement_id TEXT NOT NULL REFERENCES agreements (id),
    code TEXT NOT NULL UNIQUE,
    title_ru TEXT NOT NULL,
    title_en TEXT,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    signed_version BIGINT,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE plan_sections (
    code TEXT PRIMARY KEY,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    position BIGINT NOT NULL
);

CREATE TABLE measures (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    plan_id TEXT NOT NULL REFERENCES plans (id),
    number TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    depth BIGINT NOT NULL,
    section TEXT NOT NULL REFERENCES plan_sections (code),
    title_ru TEXT NOT NULL,
    title_en TEXT,
    description TEXT,
    expected_result TEXT,
    term_raw TEXT NOT NULL,
    term TEXT NOT NULL,
    -- Derived from the term by the domain when written: the last due date, for filtering and sorting.
    due_date TEXT,
    term_unparsed BIGINT NOT NULL,
    status TEXT NOT NULL,
    percent BIGINT NOT NULL,
    weight BIGINT NOT NULL,
    note TEXT,
    search TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (plan_id, number)
);
CREATE INDEX measures_plan_sort ON measures (plan_id, sort_key);
CREATE INDEX measures_plan_due ON measures (plan_id, due_date);
CREATE INDEX measures_plan_status ON measures (plan_id, status);

CREATE TABLE measure_executors (
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    organisation_id TEXT NOT NULL REFERENCES organisations (id),
    side TEXT NOT NULL CHECK (side IN ('BY', 'KHV')),
    lead BIGINT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (measure_id, organisation_id)
);
CREATE INDEX measure_executors_org ON measure_executors (organisation_id);

CREATE TABLE measure_tags (
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (measure_id, tag)
);
CREATE INDEX measure_tags_tag ON measure_tags (tag);

CREATE TABLE indicators (
    id TEXT PRIMARY KEY,
    origin TEXT NOT NULL CHECK (origin IN ('BY', 'KHV')),
    measure_id TEXT NOT NULL REFERENCES measures (id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT,
    unit TEXT NOT NULL,
    direction TEXT NOT NULL,
    accumulation TEXT NOT NULL,
    value_kind TEXT NOT NULL,
    baseline TEXT,
    baseline_date TEXT,
    target TEXT,
    yearly_targets TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX indicators_measure ON indicators (measure_id, position);

CREATE TABLE indicator_values (
    indicator_id TEXT NOT NULL REFERENCES indicators (id) ON DELETE CASCADE,
    quarter TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (indicator_id, quarter)
);

INSERT INTO plan_sections (code, name_ru, name_en, position) VALUES
    ('trade', 'Торгово-экономическое сотрудничество', 'Trade and economy', 1),
    ('industry', 'Промышленность и промышленная кооперация', 'Industry and industrial cooperation', 2),
    ('agriculture', 'Сельское хозяйство и продовольствие', 'Agriculture and food', 3),
    ('science', 'Научно-техническое сотрудничество', 'Science and technology', 4),
    ('youth', 'Образование и молодёжная политика', 'Education and youth', 5),
    ('culture', 'Культура и историческая память', 'Culture and historical memory', 6),
    ('social', 'Социальная сфера', 'Social', 7),
    ('other', 'Прочее', 'Other', 8);
