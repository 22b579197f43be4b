-- A contentless index holds no text to read back.
SELECT 1;
