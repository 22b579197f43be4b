CREATE TABLE "even table" ("id" INTEGER PRIMARY KEY, "col;umn" TEXT, [sp ace] INTEGER, `order` TEXT);
