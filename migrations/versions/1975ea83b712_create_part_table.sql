-- Create maker-hub parts table
--
-- Revision ID: 1975ea83b712
-- Revises:
-- Create Date: 2021-05-29 21:12:31.941787

-- migrate:upgrade
-- The table of tests/data/alembic-parts, an Alembic project: a string id (a
-- slug such as 'res-10k'), an indexed name, and free-form notes.
CREATE TABLE part (
    id VARCHAR(36) NOT NULL PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    description TEXT,
    created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    footprint VARCHAR(50),
    manufacturer VARCHAR(100),
    mpn VARCHAR(100),
    notes TEXT
);
CREATE INDEX ix_part_name ON part (name);

-- Keep updated_at true without asking every writer to remember it.
CREATE TRIGGER part_touch AFTER UPDATE ON part
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE part SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- migrate:downgrade
DROP TRIGGER part_touch;
DROP INDEX ix_part_name;
DROP TABLE part;
