-- Move manufacturers to suppliers
--
-- A data migration: every manufacturer named on a part becomes a supplier,
-- and each part points at it.
--
-- Revision ID: 5e2f7a9c3b81
-- Revises: 4d0e8f6b2a17
-- Create Date: 2021-08-09 15:30:22.615940

-- migrate:upgrade
INSERT INTO supplier (name)
SELECT DISTINCT manufacturer FROM part
WHERE manufacturer IS NOT NULL
ORDER BY manufacturer;

UPDATE part
SET supplier_id = (SELECT id FROM supplier WHERE supplier.name = part.manufacturer);

-- migrate:downgrade
UPDATE part SET supplier_id = NULL;
DELETE FROM supplier WHERE name IN (SELECT manufacturer FROM part);
