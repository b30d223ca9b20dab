-- Several servers may share one database (PostgreSQL). A payment written as
-- `payment_pending` names the process charging it and when the answer to its
-- charge is due: another server's sweeper leaves it alone until then, instead
-- of asking the provider mid-charge and failing an order that is being paid.
-- NULL (payments from before): any sweeper may settle them.
ALTER TABLE orders ADD COLUMN charging_by INTEGER;
ALTER TABLE orders ADD COLUMN charging_until_ms INTEGER;
ALTER TABLE top_ups ADD COLUMN charging_by INTEGER;
ALTER TABLE top_ups ADD COLUMN charging_until_ms INTEGER;
