-- The asset register (issue 15): an asset no longer needs a project (imported legacy assets),
-- and carries its funding source, village, county, location, status and county ledger code.
ALTER TABLE "Asset" ALTER COLUMN "projectId" DROP NOT NULL;
ALTER TABLE "Asset" ADD COLUMN "fundingSource" TEXT;
ALTER TABLE "Asset" ADD COLUMN "orgUnitId" TEXT;
ALTER TABLE "Asset" ADD COLUMN "orgPath" TEXT;
ALTER TABLE "Asset" ADD COLUMN "countyId" TEXT;
ALTER TABLE "Asset" ADD COLUMN "location" TEXT;
ALTER TABLE "Asset" ADD COLUMN "status" TEXT NOT NULL DEFAULT 'IN_USE';
ALTER TABLE "Asset" ADD COLUMN "ledgerCode" TEXT;

-- Assets registered by projects before this migration take the village and county of their project.
-- Their funding source stays empty (the project proposal alone tells it, read by the application).
UPDATE "Asset" AS a SET "orgUnitId" = p."villageId", "orgPath" = p."orgPath", "countyId" = p."countyId"
FROM "Project" AS p WHERE p."id" = a."projectId";

CREATE UNIQUE INDEX "Asset_countyId_ledgerCode_key" ON "Asset"("countyId", "ledgerCode");
CREATE INDEX "Asset_orgPath_idx" ON "Asset"("orgPath");
CREATE INDEX "Asset_assetClass_fundingSource_idx" ON "Asset"("assetClass", "fundingSource");
