CREATE TABLE item (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, data TEXT NOT NULL CHECK ((JSON_VALID("data") OR "data" IS NULL)), settings TEXT CHECK (settings IS NULL OR json_valid(settings)), kind TEXT GENERATED ALWAYS AS (json_extract(data, '$.kind')) VIRTUAL);
CREATE INDEX item_color ON item (json_extract(data, '$.color'));
CREATE INDEX item_legs ON item (data ->> '$.legs');
