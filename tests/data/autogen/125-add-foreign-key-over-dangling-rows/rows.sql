INSERT INTO customer VALUES (1, 'a');
INSERT INTO doc VALUES ('t', 1), ('u', 7), ('v', 8);
