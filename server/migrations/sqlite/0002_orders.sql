-- Orders. An order is written in one transaction with its lines and the stock
-- it takes; `payment_pending` holds the stock while the payment provider has not
-- answered, and moves exactly once to `paid` or `failed`.
CREATE TABLE orders (
    -- AUTOINCREMENT: an id (the order number, the payment's idempotency key) is never reused.
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id     INTEGER NOT NULL REFERENCES sessions(id),
    -- The checkout command's id: a retry finds this order instead of placing another.
    command_id     TEXT    NOT NULL,
    show_id        TEXT    NOT NULL,
    status         TEXT    NOT NULL CHECK (status IN ('payment_pending', 'paid', 'failed')),
    placed_at_ms   INTEGER NOT NULL,
    currency       TEXT    NOT NULL,
    subtotal_minor INTEGER NOT NULL CHECK (subtotal_minor >= 0),
    discount_minor INTEGER NOT NULL CHECK (discount_minor >= 0),
    shipping_minor INTEGER NOT NULL CHECK (shipping_minor >= 0),
    total_minor    INTEGER NOT NULL CHECK (total_minor = subtotal_minor - discount_minor + shipping_minor),
    shipping_name  TEXT    NOT NULL,
    -- All that is kept of the card.
    card_last4     TEXT    NOT NULL,
    payment_ref    TEXT,
    UNIQUE (session_id, command_id)
);

CREATE INDEX orders_pending ON orders (status) WHERE status = 'payment_pending';

CREATE TABLE order_lines (
    id               INTEGER PRIMARY KEY,
    order_id         INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id       TEXT    NOT NULL,
    variant_id       TEXT    NOT NULL,
    name             TEXT    NOT NULL,
    variant_label    TEXT    NOT NULL,
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    -- The flash deal whose price this line got, counted against its units.
    deal_id          TEXT
);

CREATE INDEX order_lines_order ON order_lines (order_id);
CREATE INDEX order_lines_deal ON order_lines (deal_id) WHERE deal_id IS NOT NULL;

-- The built-in test payment provider's own record of charges (a real provider keeps these on its side).
CREATE TABLE test_provider_charges (
    key          TEXT    PRIMARY KEY,
    reference    TEXT    NOT NULL,
    amount_minor INTEGER NOT NULL,
    currency     TEXT    NOT NULL
);
