INSERT INTO t VALUES (1, 'x', 11, 'p'), (2, 'y', 12, NULL);
