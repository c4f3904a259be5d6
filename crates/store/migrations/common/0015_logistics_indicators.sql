-- Plan indicators whose quarterly actuals a logistics chain measures (see
-- accord_domain::logistics::indicator). One link per indicator; the chain is named by its key,
-- not a foreign key, because chains are logistics items that an import may replace as a whole:
-- a link to a chain that no longer exists is reported when the quarter is recorded.
CREATE TABLE logistics_indicator_links (
    indicator_id TEXT PRIMARY KEY REFERENCES indicators (id) ON DELETE CASCADE,
    chain_key TEXT NOT NULL,
    metric TEXT NOT NULL,
    currency TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
