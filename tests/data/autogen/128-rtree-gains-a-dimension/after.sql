CREATE VIRTUAL TABLE zone USING rtree(id, min_x, max_x, min_y, max_y);
