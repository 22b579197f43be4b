-- Revision ID: bom1
-- Revises:

-- migrate:upgrade
CREATE TABLE "x;" (a);
