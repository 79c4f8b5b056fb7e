-- Issue #13: disbursement.acceptanceShareBp is no longer a county setting. The acceptance tranche
-- was always 100% minus the start and substantial completion shares (the three had to sum to
-- 100%), so no value of it changed an outcome. Stored settings lose the key, and every row that
-- was valid stays valid (retention is still capped by the same remainder).
UPDATE "CountySettings"
SET "values" = "values" #- '{disbursement,acceptanceShareBp}'
WHERE ("values" #> '{disbursement,acceptanceShareBp}') IS NOT NULL;
