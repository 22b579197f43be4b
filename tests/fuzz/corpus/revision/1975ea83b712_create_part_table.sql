-- Create maker-hub parts table
--
-- Revision ID: 1975ea83b712
-- Revises:
-- Create Date: 2021-05-29 21:12:31.941787

-- migrate:upgrade
CREATE TABLE part (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    description TEXT,
    footprint VARCHAR(50),
    manufacturer VARCHAR(50),
    mpn VARCHAR(50),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- Keep updated_at true without asking every writer to remember it.
CREATE TRIGGER part_touch AFTER UPDATE ON part
WHEN NEW.updated_at = OLD.updated_at
BEGIN
    UPDATE part SET updated_at = CURRENT_TIMESTAMP WHERE id = NEW.id;
END;

-- migrate:downgrade
DROP TRIGGER part_touch;
DROP TABLE part;
