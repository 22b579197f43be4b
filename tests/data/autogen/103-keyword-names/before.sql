CREATE TABLE "group" ("select" INTEGER PRIMARY KEY, "from" TEXT);
