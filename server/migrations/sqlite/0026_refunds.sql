-- Refunds under their idempotency key (`LPK-000042-refund-1`): a refund
-- retried after a crash, or asked twice at once, is recorded once.
ALTER TABLE refunds ADD COLUMN refund_key TEXT;
CREATE UNIQUE INDEX refunds_by_key ON refunds (refund_key);
CREATE INDEX refunds_by_order ON refunds (order_id);

-- The built-in test provider's own record of refunds (a real provider keeps
-- these on its side): never more than was charged under a key.
CREATE TABLE test_provider_refunds (
    refund_key   TEXT    PRIMARY KEY,
    key          TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL CHECK (amount_minor > 0),
    currency     TEXT    NOT NULL
);
CREATE INDEX test_provider_refunds_by_key ON test_provider_refunds (key);
