-- A flash deal's units sold (or held by a pending payment) at its price, one
-- row per deal: a checkout takes its units by a conditional update of this
-- row, and a payment that fails gives them back. Counting them from the order
-- lines instead cost every quote and checkout a scan of every unit sold so far.
CREATE TABLE deal_units (
    show_id TEXT    NOT NULL,
    deal_id TEXT    NOT NULL,
    sold    INTEGER NOT NULL CHECK (sold >= 0),
    PRIMARY KEY (show_id, deal_id)
);

INSERT INTO deal_units (show_id, deal_id, sold)
SELECT o.show_id, l.deal_id, SUM(l.quantity)
FROM order_lines l JOIN orders o ON o.id = l.order_id
WHERE l.deal_id IS NOT NULL AND o.status != 'failed'
GROUP BY o.show_id, l.deal_id;
