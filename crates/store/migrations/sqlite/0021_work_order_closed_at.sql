-- When a work order was closed, so that "open at the end of a quarter" means not closed by
-- then. Orders closed before the column existed kept no closing time: their sign-off's time
-- (a close follows the sign-off) stands for it.
ALTER TABLE fleet_work_orders ADD COLUMN closed_at TEXT;
UPDATE fleet_work_orders SET closed_at = json_extract(body, '$.sign_off.at') WHERE status = 'closed';
