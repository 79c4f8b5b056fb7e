-- The household register (issue 15): households of a village from the county 防返贫监测 list,
-- with monitoring spells and members (only the last 4 characters of an ID-card number), and the
-- 联农带农 ledger of their yearly incomes from projects and assets, in fen.
-- CreateTable
CREATE TABLE "Household" (
    "id" TEXT NOT NULL,
    "householdCode" TEXT NOT NULL,
    "headName" TEXT NOT NULL,
    "orgUnitId" TEXT NOT NULL,
    "orgPath" TEXT NOT NULL,
    "countyId" TEXT NOT NULL,
    "memberCount" INTEGER NOT NULL,
    "lifted" BOOLEAN NOT NULL,
    "monitored" BOOLEAN NOT NULL,
    "spells" JSONB NOT NULL,
    "members" JSONB NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Household_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "LinkageEntry" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "householdId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "projectId" TEXT,
    "assetId" TEXT,
    "note" TEXT,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "LinkageEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Household_orgPath_idx" ON "Household"("orgPath");

-- CreateIndex
CREATE UNIQUE INDEX "Household_countyId_householdCode_key" ON "Household"("countyId", "householdCode");

-- CreateIndex
CREATE UNIQUE INDEX "LinkageEntry_requestId_key" ON "LinkageEntry"("requestId");

-- CreateIndex
CREATE INDEX "LinkageEntry_householdId_year_idx" ON "LinkageEntry"("householdId", "year");

-- CreateIndex
CREATE INDEX "LinkageEntry_year_kind_idx" ON "LinkageEntry"("year", "kind");

-- AddForeignKey
ALTER TABLE "LinkageEntry" ADD CONSTRAINT "LinkageEntry_householdId_fkey" FOREIGN KEY ("householdId") REFERENCES "Household"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

