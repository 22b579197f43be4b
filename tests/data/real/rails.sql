-- A database as Rails 7 leaves it on SQLite: its own schema_migrations and
-- ar_internal_metadata, AUTOINCREMENT keys, datetime(6) columns, a named
-- foreign key constraint, unique and plain indexes.
BEGIN;
CREATE TABLE IF NOT EXISTS "schema_migrations" ("version" varchar NOT NULL PRIMARY KEY);
CREATE TABLE IF NOT EXISTS "ar_internal_metadata" ("key" varchar NOT NULL PRIMARY KEY, "value" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE TABLE IF NOT EXISTS "users" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "email" varchar DEFAULT '' NOT NULL, "name" varchar, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL);
CREATE UNIQUE INDEX "index_users_on_email" ON "users" ("email");
CREATE TABLE IF NOT EXISTS "posts" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "user_id" integer NOT NULL, "title" varchar, "body" text, "published" boolean DEFAULT 0, "created_at" datetime(6) NOT NULL, "updated_at" datetime(6) NOT NULL, CONSTRAINT "fk_rails_5b5ddfd518" FOREIGN KEY ("user_id") REFERENCES "users" ("id"));
CREATE INDEX "index_posts_on_user_id" ON "posts" ("user_id");
INSERT INTO "schema_migrations" VALUES ('20240301100000'), ('20240302110000');
INSERT INTO "ar_internal_metadata" VALUES ('environment', 'production', '2024-03-01 10:00:00.000000', '2024-03-01 10:00:00.000000');
INSERT INTO "users" VALUES (1, 'ada@example.com', 'Ada', '2024-03-01 10:00:00.000000', '2024-03-01 10:00:00.000000'),
  (2, 'brian@example.com', NULL, '2024-03-02 10:00:00.000000', '2024-03-02 10:00:00.000000'),
  (5, 'chen@example.com', 'Chen', '2024-03-03 10:00:00.000000', '2024-03-03 10:00:00.000000');
DELETE FROM users WHERE id = 5;
INSERT INTO "posts" VALUES (1, 1, 'Hello', 'First post', 1, '2024-03-01 11:00:00.000000', '2024-03-01 11:00:00.000000'),
  (2, 1, NULL, 'Draft without a title', 0, '2024-03-01 12:00:00.000000', '2024-03-01 12:00:00.000000'),
  (3, 2, 'Notes', NULL, 0, '2024-03-02 11:00:00.000000', '2024-03-02 11:00:00.000000');
COMMIT;
