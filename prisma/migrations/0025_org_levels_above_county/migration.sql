-- The levels above the county (issue #17): a province (省) and its cities (市/州). Added values
-- only; nothing in this migration uses them (PostgreSQL refuses a new enum value's use in the
-- transaction that adds it).
ALTER TYPE "OrgLevel" ADD VALUE IF NOT EXISTS 'PROVINCE' BEFORE 'COUNTY';
ALTER TYPE "OrgLevel" ADD VALUE IF NOT EXISTS 'CITY' BEFORE 'COUNTY';
