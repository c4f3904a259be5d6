-- An amendment proposes a change of a signed measure or its deletion; at most one waits per
-- measure and base version (a second proposal on the same version is refused, also between
-- two processes writing at once). Earlier stores could hold several: the first proposal on a
-- version keeps waiting, the later ones are closed as superseded.
ALTER TABLE amendments ADD COLUMN kind TEXT NOT NULL DEFAULT 'change';
UPDATE amendments SET status = 'rejected', decided_by = 'system', decided_at = proposed_at,
       decision_note = 'superseded: another proposal on the same version was waiting'
 WHERE status = 'pending'
   AND id NOT IN (SELECT MIN(id) FROM amendments WHERE status = 'pending' GROUP BY measure_id, base_version);
CREATE UNIQUE INDEX amendments_one_pending ON amendments (measure_id, base_version) WHERE status = 'pending';
