-- Organisations created by a plan import wait for a coordinator to check them.
ALTER TABLE organisations ADD COLUMN needs_review BIGINT NOT NULL DEFAULT 0;
