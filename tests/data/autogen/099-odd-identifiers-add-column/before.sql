CREATE TABLE "odd ""table""; name" ("id" INTEGER PRIMARY KEY, "col;umn" TEXT, [sp ace] INTEGER, `order` TEXT);
