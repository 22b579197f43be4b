-- A database that years of use left behind: foreign keys never enforced, so
-- purchases of a deleted customer and notes of a deleted purchase remain;
-- notes (a rowid table without INTEGER PRIMARY KEY, rows deleted over time)
-- indexed by an external-content FTS5 table; a plain FTS5 table of its own.
BEGIN;
CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
CREATE TABLE purchase (id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customer (id), total REAL);
CREATE TABLE note (body TEXT NOT NULL, purchase_id INTEGER REFERENCES purchase (id));
CREATE VIRTUAL TABLE note_fts USING fts5 (body, content = 'note', content_rowid = 'rowid');
CREATE VIRTUAL TABLE help_fts USING fts5 (topic, text);
CREATE TRIGGER note_ai AFTER INSERT ON note BEGIN
  INSERT INTO note_fts (rowid, body) VALUES (new.rowid, new.body);
END;
CREATE TRIGGER note_ad AFTER DELETE ON note BEGIN
  INSERT INTO note_fts (note_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
INSERT INTO customer VALUES (1, 'Ada', 'ada@example.com'), (2, 'Brian', NULL), (3, 'Chen', 'chen@example.com');
INSERT INTO purchase VALUES (10, 1, 9.5), (11, 2, 20.0), (12, 3, 3.25), (13, 4, 7.0), (14, 4, 1.0);
INSERT INTO note (body, purchase_id) VALUES ('gift wrap please', 10), ('left at the door', 11),
  ('cancelled order', 15), ('call before delivery', 12), ('fragile glass', 13);
DELETE FROM note WHERE body = 'left at the door';
INSERT INTO help_fts VALUES ('refunds', 'Refunds take five days'), ('delivery', 'We deliver on weekdays');
COMMIT;
