-- Add storage location to parts
--
-- Revision ID: 7b5d2f9e0a14
-- Revises: 5e2f7a9c3b81
-- Create Date: 2021-09-05 16:47:33.904466
-- Branch Labels: storage

-- migrate:upgrade
ALTER TABLE part ADD COLUMN location VARCHAR(20);
-- Four parts to a drawer, in the order they were added (ids are names, so
-- the order is SQLite's rowid).
UPDATE part SET location = 'Drawer ' || ((rowid - 1) / 4 + 1) || char(64 + (rowid - 1) % 4 + 1);

-- migrate:downgrade
ALTER TABLE part DROP COLUMN location;
