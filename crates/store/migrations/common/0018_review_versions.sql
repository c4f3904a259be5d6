-- A meeting's agenda is one ordered list: moving one item moves the others, so the list as a
-- whole carries the version its editors compare on write (0: no agenda yet). Reports,
-- meetings, decisions and minutes already carry a version of their own.
ALTER TABLE review_meetings ADD COLUMN agenda_version BIGINT NOT NULL DEFAULT 0;
UPDATE review_meetings SET agenda_version = 1
 WHERE id IN (SELECT meeting_id FROM review_agenda_items);
