-- As ../sqlite/0022_deal_units.sql: a flash deal's units sold, one row per
-- deal, taken by a conditional update and given back by a failed payment.
CREATE TABLE deal_units (
    show_id TEXT   NOT NULL,
    deal_id TEXT   NOT NULL,
    sold    BIGINT NOT NULL CHECK (sold >= 0),
    PRIMARY KEY (show_id, deal_id)
);

INSERT INTO deal_units (show_id, deal_id, sold)
SELECT o.show_id, l.deal_id, SUM(l.quantity)
FROM order_lines l JOIN orders o ON o.id = l.order_id
WHERE l.deal_id IS NOT NULL AND o.status != 'failed'
GROUP BY o.show_id, l.deal_id;
