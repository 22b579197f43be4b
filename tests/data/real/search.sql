-- A notes app with search and a map, as SQLite's documentation suggests it:
-- an external-content FTS5 index kept in step with its table by the usual
-- three triggers, a view over the index, and an R*Tree of places (rows whose
-- ids are not contiguous) beside a table that names them.
BEGIN;
CREATE TABLE doc (id INTEGER PRIMARY KEY, title TEXT NOT NULL, body TEXT);
CREATE VIRTUAL TABLE doc_fts USING fts5 (title, body, content = 'doc', content_rowid = 'id');
CREATE TRIGGER doc_ai AFTER INSERT ON doc BEGIN
  INSERT INTO doc_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE TRIGGER doc_ad AFTER DELETE ON doc BEGIN
  INSERT INTO doc_fts (doc_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
END;
CREATE TRIGGER doc_au AFTER UPDATE ON doc BEGIN
  INSERT INTO doc_fts (doc_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body);
  INSERT INTO doc_fts (rowid, title, body) VALUES (new.id, new.title, new.body);
END;
CREATE VIEW doc_search AS SELECT rowid AS id, title FROM doc_fts;
CREATE TABLE place (id INTEGER PRIMARY KEY, name TEXT NOT NULL, doc_id INTEGER REFERENCES doc (id));
CREATE VIRTUAL TABLE place_box USING rtree (id, min_x, max_x, min_y, max_y);
CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO doc VALUES (1, 'Harbour', 'boats moored along the quay'),
  (2, 'Lighthouse', 'a beacon on the cliff'), (4, 'Market', 'fish sold at dawn by the quay');
UPDATE doc SET body = 'a beacon on the northern cliff' WHERE id = 2;
DELETE FROM doc WHERE id = 4;
INSERT INTO doc VALUES (7, 'Chapel', 'bells at noon');
INSERT INTO place VALUES (3, 'quay', 1), (9, 'cliff top', 2);
INSERT INTO place_box VALUES (3, 0.0, 1.0, 0.0, 1.0), (9, 5.0, 6.0, 5.0, 6.0);
INSERT INTO tag VALUES (1, 'coast'), (2, 'town');
COMMIT;
