-- A maintenance regime is edited by hand (interval, cycle, seasons, each service's content):
-- a version compared on write makes a stale save a 409 instead of a silent overwrite.
ALTER TABLE fleet_regimes ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
