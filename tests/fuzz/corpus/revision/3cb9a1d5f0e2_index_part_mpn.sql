-- Index parts by manufacturer part number
--
-- Revision ID: 3cb9a1d5f0e2
-- Revises: 27c6a30d7c24
-- Create Date: 2021-07-01 11:20:44.830554

-- migrate:upgrade
CREATE UNIQUE INDEX ix_part_manufacturer_mpn ON part (manufacturer, mpn);

-- migrate:downgrade
DROP INDEX ix_part_manufacturer_mpn;
