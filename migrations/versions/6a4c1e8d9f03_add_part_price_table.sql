-- Add part price table
--
-- Revision ID: 6a4c1e8d9f03
-- Revises: 5e2f7a9c3b81
-- Create Date: 2021-09-03 10:04:51.220817
-- Branch Labels: pricing

-- migrate:upgrade
CREATE TABLE part_price (
    id INTEGER PRIMARY KEY,
    part_id VARCHAR(36) NOT NULL REFERENCES part (id) ON DELETE CASCADE,
    supplier_id INTEGER REFERENCES supplier (id),
    quantity_break INTEGER NOT NULL DEFAULT 1,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    currency CHAR(3) NOT NULL DEFAULT 'EUR'
);
CREATE INDEX ix_part_price_part_id ON part_price (part_id);

-- migrate:downgrade
DROP INDEX ix_part_price_part_id;
DROP TABLE part_price;
