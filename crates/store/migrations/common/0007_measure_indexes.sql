-- The measures table filters by plan and dimension and sorts by number or due date: a sort
-- column without NULLs (open-ended terms sort last) lets these indexes serve both.
ALTER TABLE measures ADD COLUMN due_sort TEXT NOT NULL DEFAULT '9999-12-31';
UPDATE measures SET due_sort = COALESCE(due_date, '9999-12-31');
CREATE INDEX measures_plan_section_due ON measures (plan_id, section, due_sort, sort_key);
CREATE INDEX measures_plan_due_sort ON measures (plan_id, due_sort, sort_key);
CREATE INDEX measures_plan_section_sort ON measures (plan_id, section, sort_key);
CREATE INDEX measures_plan_status_sort ON measures (plan_id, status, sort_key);
