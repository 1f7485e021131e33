-- Facts about this database that Gantry keeps: which node created it, when, and later what an
-- export/import moved. The stores' tables come in the migrations after this one.
CREATE TABLE gantry_info (
    key   text PRIMARY KEY,
    value text NOT NULL
);
