INSERT INTO item (name, data) VALUES ('lamp', '{"kind": "light", "color": "red"}'), ('desk', '{"kind": "table", "legs": 4}'), ('note', '{}');
