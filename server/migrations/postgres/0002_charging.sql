-- As ../sqlite/0021_charging.sql: a pending payment names the process charging
-- it and when the answer to its charge is due, so another server's sweeper
-- leaves it alone until then.
ALTER TABLE orders ADD COLUMN charging_by BIGINT;
ALTER TABLE orders ADD COLUMN charging_until_ms BIGINT;
ALTER TABLE top_ups ADD COLUMN charging_by BIGINT;
ALTER TABLE top_ups ADD COLUMN charging_until_ms BIGINT;
