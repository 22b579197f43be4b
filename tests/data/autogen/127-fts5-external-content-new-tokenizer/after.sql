CREATE TABLE note (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
CREATE VIRTUAL TABLE note_fts USING fts5(body, content='note', content_rowid='id', tokenize='porter');
CREATE TRIGGER note_ai AFTER INSERT ON note BEGIN
  INSERT INTO note_fts (rowid, body) VALUES (new.id, new.body);
END;
