-- A measure's executors and tags, also kept as JSON on its row (written in the same
-- transaction as the child tables, which stay the source for filters), so that lists read one
-- row per measure. NULL on rows written before this column existed: those read the tables.
ALTER TABLE measures ADD COLUMN children TEXT;
