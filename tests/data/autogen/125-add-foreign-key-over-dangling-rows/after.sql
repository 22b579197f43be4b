CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE doc (title TEXT, cust INTEGER REFERENCES customer (id));
