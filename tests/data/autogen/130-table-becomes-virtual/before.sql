CREATE TABLE notes (title TEXT, body TEXT);
