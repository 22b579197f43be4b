CREATE TABLE customer (id INTEGER PRIMARY KEY, name);
CREATE TABLE doc (title, cust REFERENCES customer(id), owner TEXT REFERENCES customer(id), team BLOB, FOREIGN KEY (team) REFERENCES customer(id));
