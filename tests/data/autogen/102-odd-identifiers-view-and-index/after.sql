CREATE TABLE "odd ""table""; name" ("id" INTEGER PRIMARY KEY, "col;umn" TEXT, [sp ace] TEXT, `order` TEXT);
CREATE INDEX "idx;1" ON "odd ""table""; name" ("col;umn");
CREATE VIEW "v w" AS SELECT "col;umn" AS "c;" FROM "odd ""table""; name";
