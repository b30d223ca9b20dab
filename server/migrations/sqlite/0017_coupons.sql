-- Coupons. A host's code for a show (`coupon_codes`) is claimed into a
-- shopper's wallet; a mission's reward is granted into it directly. Every
-- wallet coupon is a row of `coupons`, used by at most one order: the order
-- that takes it sets `order_id` only while it is NULL, in the checkout's
-- transaction, and a payment that fails gives it back.
CREATE TABLE coupon_codes (
    id              INTEGER PRIMARY KEY,
    show_id         TEXT    NOT NULL,
    code            TEXT    NOT NULL,
    off_kind        TEXT    NOT NULL CHECK (off_kind IN ('percent', 'amount')),
    off_value       INTEGER NOT NULL CHECK (off_value > 0),
    min_spend_minor INTEGER NOT NULL CHECK (min_spend_minor >= 0),
    expires_at_ms   INTEGER NOT NULL,
    -- How many wallets may hold it: the host's "first N shoppers".
    max_claims      INTEGER NOT NULL CHECK (max_claims > 0),
    claims          INTEGER NOT NULL DEFAULT 0 CHECK (claims <= max_claims),
    created_at_ms   INTEGER NOT NULL,
    UNIQUE (show_id, code)
);

CREATE TABLE coupons (
    id              INTEGER PRIMARY KEY,
    session_id      INTEGER NOT NULL REFERENCES sessions(id),
    code            TEXT    NOT NULL,
    off_kind        TEXT    NOT NULL CHECK (off_kind IN ('percent', 'amount')),
    off_value       INTEGER NOT NULL CHECK (off_value > 0),
    min_spend_minor INTEGER NOT NULL CHECK (min_spend_minor >= 0),
    expires_at_ms   INTEGER NOT NULL,
    -- The mission that granted it; NULL for a claimed code.
    mission_id      TEXT,
    order_id        INTEGER REFERENCES orders(id),
    granted_at_ms   INTEGER NOT NULL,
    UNIQUE (session_id, code)
);

-- The coupon an order used. `coupon_minor` is part of `discount_minor`, which
-- the total's check already subtracts; the rest of it is what deals took off.
ALTER TABLE orders ADD COLUMN coupon_code TEXT;
ALTER TABLE orders ADD COLUMN coupon_minor INTEGER NOT NULL DEFAULT 0 CHECK (coupon_minor >= 0);
