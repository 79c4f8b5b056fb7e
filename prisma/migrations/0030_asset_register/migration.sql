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

-- Assets registered by projects before this migration take the village and county of their project,
-- and the funding source of its largest funding line, the first of equals (the same mapping as
-- assetFundingSourceOfProject in src/domain/assets/asset-register.ts, which registers new ones).
UPDATE "Asset" AS a SET "orgUnitId" = p."villageId", "orgPath" = p."orgPath", "countyId" = p."countyId",
  "fundingSource" = CASE (
      SELECT x.f->>'source' FROM jsonb_array_elements(p."proposal"->'fundingSources') WITH ORDINALITY AS x(f, i)
      ORDER BY (x.f->>'amountFen')::bigint DESC, x.i LIMIT 1
    )
    WHEN 'CENTRAL_LINKAGE' THEN 'FISCAL_LINKAGE' WHEN 'LOCAL' THEN 'FISCAL_LINKAGE'
    WHEN 'OWN_CAPITAL' THEN 'SELF' WHEN 'BANK_LOAN' THEN 'SELF' ELSE 'SOCIAL' END
FROM "Project" AS p WHERE p."id" = a."projectId";

CREATE UNIQUE INDEX "Asset_countyId_ledgerCode_key" ON "Asset"("countyId", "ledgerCode");
CREATE INDEX "Asset_orgPath_idx" ON "Asset"("orgPath");
CREATE INDEX "Asset_assetClass_fundingSource_idx" ON "Asset"("assetClass", "fundingSource");
