CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent(id) ON DELETE CASCADE, note TEXT);
CREATE INDEX child_parent ON child (parent_id);
CREATE VIEW kids AS SELECT p.name, c.note FROM parent p JOIN child c ON c.parent_id = p.id;
