-- Document numbers (issue #18): the 立项批复's number, unique per county and year, one per project and kind.
CREATE TABLE "DocumentNumber" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "countyId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "seq" INTEGER NOT NULL,
    "number" TEXT NOT NULL,
    "issuedById" TEXT NOT NULL,
    "issuedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "DocumentNumber_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DocumentNumber_countyId_year_seq_key" ON "DocumentNumber"("countyId", "year", "seq");
CREATE UNIQUE INDEX "DocumentNumber_projectId_kind_key" ON "DocumentNumber"("projectId", "kind");
ALTER TABLE "DocumentNumber" ADD CONSTRAINT "DocumentNumber_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
