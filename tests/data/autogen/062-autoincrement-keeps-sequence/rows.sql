INSERT INTO t (a) VALUES ('one'), ('two'), ('three'), ('four');
DELETE FROM t WHERE id > 2;
