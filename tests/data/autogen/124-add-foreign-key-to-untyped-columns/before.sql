CREATE TABLE customer (id INTEGER PRIMARY KEY, name);
CREATE TABLE doc (title, cust, owner TEXT, team BLOB);
