-- Logistics: the network (nodes, legs), products, chains with their intermediaries, parks,
-- localisation cases and planning rates. One row per item, its domain value as JSON in `body`
-- (money inside as exact decimal strings with the currency): the items are few (hundreds),
-- always read together and validated as a whole by the domain, so columns per field would add
-- only a second copy of the domain's rules. `kind` is node, leg, product, chain, park,
-- localisation or rates; `key` a node code, `FROM→TO mode` for a leg, or the item's key.
CREATE TABLE logistics_items (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    origin TEXT NOT NULL,
    position BIGINT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT,
    PRIMARY KEY (kind, key)
);

-- Each import of a logistics file, so a repeated file is recognised and the log shows who.
CREATE TABLE logistics_imports (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    format TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    deleted BIGINT NOT NULL,
    imported_at TEXT NOT NULL,
    imported_by TEXT
);
