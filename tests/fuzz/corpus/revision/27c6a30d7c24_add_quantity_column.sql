-- Add quantity column
--
-- Revision ID: 27c6a30d7c24
-- Revises: ae1027a6acf4
-- Create Date: 2021-06-14 18:03:55.402131

-- migrate:upgrade
ALTER TABLE part ADD COLUMN quantity INTEGER NOT NULL DEFAULT 0 CHECK (quantity >= 0);

-- migrate:downgrade
ALTER TABLE part DROP COLUMN quantity;
