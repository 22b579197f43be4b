INSERT INTO parent VALUES (1, 'one'), (2, 'two');
INSERT INTO child VALUES (1, 1, 'a'), (2, 2, 'b'), (3, NULL, 'c');
INSERT INTO grandchild VALUES (1, 1), (2, 3);
