-- x
-- Revision ID: ab12
-- Revises: cd34, ef56
-- Branch Labels: lab
-- Depends On: 9999

-- migrate:upgrade transaction:false
VACUUM;
-- migrate:downgrade
