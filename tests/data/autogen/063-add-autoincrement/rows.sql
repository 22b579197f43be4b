INSERT INTO t (a) VALUES ('one'), ('two');
