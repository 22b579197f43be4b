CREATE VIRTUAL TABLE notes USING fts5(title, body);
