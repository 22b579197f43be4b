CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT '', born TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, note TEXT, age INTEGER);
CREATE INDEX child_parent ON child (parent_id, age);
CREATE VIEW kids AS SELECT p.name, c.note, c.age FROM parent p JOIN child c ON c.parent_id = p.id;
