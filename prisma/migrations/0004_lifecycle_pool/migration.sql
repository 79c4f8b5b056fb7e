-- Lifecycle to the project pool (issue 4 stages 2-5): publicity periods, objections, fund allocations

-- CreateTable
CREATE TABLE "Publicity" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "outcome" TEXT,
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Publicity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Objection" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "publicityId" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Objection_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FundAllocation" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "fiscalYear" INTEGER NOT NULL,
    "amountFen" BIGINT NOT NULL,
    "actorId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FundAllocation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Publicity_projectId_kind_idx" ON "Publicity"("projectId", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "Objection_requestId_key" ON "Objection"("requestId");

-- CreateIndex
CREATE INDEX "Objection_projectId_createdAt_idx" ON "Objection"("projectId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "FundAllocation_requestId_key" ON "FundAllocation"("requestId");

-- CreateIndex
CREATE INDEX "FundAllocation_projectId_idx" ON "FundAllocation"("projectId");

-- CreateIndex
CREATE INDEX "FundAllocation_fiscalYear_idx" ON "FundAllocation"("fiscalYear");

-- AddForeignKey
ALTER TABLE "Publicity" ADD CONSTRAINT "Publicity_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Objection" ADD CONSTRAINT "Objection_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Objection" ADD CONSTRAINT "Objection_publicityId_fkey" FOREIGN KEY ("publicityId") REFERENCES "Publicity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "FundAllocation" ADD CONSTRAINT "FundAllocation_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
