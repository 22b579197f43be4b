CREATE TABLE account (id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, email TEXT NOT NULL, badge INTEGER NOT NULL, shard BLOB NOT NULL, display TEXT);
CREATE UNIQUE INDEX ux_account_email ON account (lower(email));
CREATE UNIQUE INDEX ux_account_badge ON account (badge);
CREATE TABLE member (team TEXT NOT NULL, login TEXT NOT NULL, seat INTEGER NOT NULL, PRIMARY KEY (team, login), UNIQUE (team, seat)) WITHOUT ROWID;
