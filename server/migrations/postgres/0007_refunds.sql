-- As ../sqlite/0026_refunds.sql: refunds under their idempotency key, and
-- the test provider's record of refunds.
ALTER TABLE refunds ADD COLUMN refund_key TEXT;
CREATE UNIQUE INDEX refunds_by_key ON refunds (refund_key);
CREATE INDEX refunds_by_order ON refunds (order_id);

CREATE TABLE test_provider_refunds (
    refund_key   TEXT    PRIMARY KEY,
    key          TEXT    NOT NULL,
    reference    TEXT    NOT NULL,
    amount_minor BIGINT  NOT NULL CHECK (amount_minor > 0),
    currency     TEXT    NOT NULL
);
CREATE INDEX test_provider_refunds_by_key ON test_provider_refunds (key);
