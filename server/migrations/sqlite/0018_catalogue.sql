-- A brand's catalogue: its products, variants, prices and stock apart from any
-- show. A row per product, kept as the product's JSON (the show file's product
-- fields and its currency), so the catalogue and a show file describe a
-- product the same way. A show takes copies of products when it is scheduled,
-- with its own stock and prices: selling in a show never changes this table.
CREATE TABLE catalogue_products (
    brand_id      TEXT    NOT NULL,
    product_id    TEXT    NOT NULL,
    entry         TEXT    NOT NULL,
    updated_at_ms INTEGER NOT NULL,
    PRIMARY KEY (brand_id, product_id)
);
