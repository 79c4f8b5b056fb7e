-- The levels above the county (issue #17): a province and its cities. Added values only;
-- nothing in this migration uses them, as PostgreSQL refuses a new enum value in the
-- transaction that adds it.
ALTER TYPE "OrgLevel" ADD VALUE IF NOT EXISTS 'PROVINCE' BEFORE 'COUNTY';
ALTER TYPE "OrgLevel" ADD VALUE IF NOT EXISTS 'CITY' BEFORE 'COUNTY';
