INSERT INTO reading VALUES (1, 'north', '12'), (2, 'south', '7'), (3, 'east', NULL);
