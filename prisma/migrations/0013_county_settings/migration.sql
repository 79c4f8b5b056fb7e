-- County settings (the domain brief's (setting) values) per county, edited by administrators.
-- A county without a row uses the deployment's defaults. version guards concurrent edits.
-- CreateTable
CREATE TABLE "CountySettings" (
    "countyId" TEXT NOT NULL,
    "values" JSONB NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "CountySettings_pkey" PRIMARY KEY ("countyId")
);

-- CreateIndex
CREATE INDEX "CountySettings_updatedById_idx" ON "CountySettings"("updatedById");

-- AddForeignKey
ALTER TABLE "CountySettings" ADD CONSTRAINT "CountySettings_countyId_fkey" FOREIGN KEY ("countyId") REFERENCES "OrgUnit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "CountySettings" ADD CONSTRAINT "CountySettings_updatedById_fkey" FOREIGN KEY ("updatedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

