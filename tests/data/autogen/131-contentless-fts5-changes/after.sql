CREATE VIRTUAL TABLE idx USING fts5(body, content='', tokenize='porter');
