-- A database as Django 4.2 leaves it for a small app on SQLite: its own
-- bookkeeping tables, auth, and a model with a JSONField (the CHECK Django
-- writes for it), an index over a JSON path and a generated column.
BEGIN;
CREATE TABLE "django_migrations" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app" varchar(255) NOT NULL, "name" varchar(255) NOT NULL, "applied" datetime NOT NULL);
CREATE TABLE "django_content_type" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "app_label" varchar(100) NOT NULL, "model" varchar(100) NOT NULL);
CREATE UNIQUE INDEX "django_content_type_app_label_model_76bd3d3b_uniq" ON "django_content_type" ("app_label", "model");
CREATE TABLE "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL, "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL, "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL, "first_name" varchar(150) NOT NULL);
CREATE TABLE "app_item" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "name" varchar(100) NOT NULL, "data" text NOT NULL CHECK ((JSON_VALID("data") OR "data" IS NULL)), "extra" text NULL CHECK ((JSON_VALID("extra") OR "extra" IS NULL)), "owner_id" integer NOT NULL REFERENCES "auth_user" ("id") DEFERRABLE INITIALLY DEFERRED, "kind" text GENERATED ALWAYS AS (json_extract("data", '$.kind')) VIRTUAL);
CREATE INDEX "app_item_owner_id_5a5a5a5a" ON "app_item" ("owner_id");
CREATE INDEX "app_item_data_color_idx" ON "app_item" (json_extract("data", '$.color'));
INSERT INTO "django_migrations" ("app", "name", "applied") VALUES
  ('contenttypes', '0001_initial', '2024-03-01 10:00:00.000000'),
  ('auth', '0001_initial', '2024-03-01 10:00:00.100000'),
  ('app', '0001_initial', '2024-03-01 10:00:00.200000');
INSERT INTO "django_content_type" ("app_label", "model") VALUES ('auth', 'user'), ('app', 'item');
INSERT INTO "auth_user" VALUES (1, 'pbkdf2_sha256$600000$x$y', NULL, 1, 'admin', '', 'admin@example.com', 1, 1, '2024-03-01 10:00:00', '');
INSERT INTO "app_item" ("id", "name", "data", "extra", "owner_id") VALUES
  (1, 'lamp', '{"kind": "light", "color": "red"}', NULL, 1),
  (2, 'desk', '{"kind": "table", "color": "oak", "legs": 4}', '[1, 2]', 1),
  (3, 'note', '{}', '{"pinned": true}', 1);
COMMIT;
