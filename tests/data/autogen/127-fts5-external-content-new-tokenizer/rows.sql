INSERT INTO note VALUES (1, 'running shoes'), (2, 'walking stick');
