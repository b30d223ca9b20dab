-- An order line's product name and variant label in the other languages, as
-- they were when ordered (JSON objects by language), so that a receipt reads
-- in the shopper's language for good, whatever the show or catalogue says later.
ALTER TABLE order_lines ADD COLUMN names TEXT NOT NULL DEFAULT '{}';
ALTER TABLE order_lines ADD COLUMN labels TEXT NOT NULL DEFAULT '{}';
