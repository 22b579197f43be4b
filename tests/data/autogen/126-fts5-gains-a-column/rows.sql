INSERT INTO notes VALUES ('t1', 'hello world'), ('t2', 'goodbye');
