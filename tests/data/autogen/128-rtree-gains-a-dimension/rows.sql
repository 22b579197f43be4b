INSERT INTO zone VALUES (1, 0, 10), (2, 5, 15);
