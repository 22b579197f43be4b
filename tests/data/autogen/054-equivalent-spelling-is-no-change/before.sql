CREATE TABLE t (id integer primary key, a text not null default 'x', b int);
