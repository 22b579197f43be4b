CREATE TABLE "group" ("select" INTEGER PRIMARY KEY, "from" TEXT NOT NULL DEFAULT 'x', "where" TEXT);
