INSERT INTO notes VALUES ('t1', 'hello world', 'x');
