-- Add supplier table
--
-- Revision ID: 4d0e8f6b2a17
-- Revises: 3cb9a1d5f0e2
-- Create Date: 2021-08-09 14:52:10.007315

-- migrate:upgrade
CREATE TABLE supplier (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    website TEXT
);

ALTER TABLE part ADD COLUMN supplier_id INTEGER REFERENCES supplier (id) ON DELETE SET NULL;
CREATE INDEX ix_part_supplier_id ON part (supplier_id);

-- migrate:downgrade
DROP INDEX ix_part_supplier_id;
ALTER TABLE part DROP COLUMN supplier_id;
DROP TABLE supplier;
