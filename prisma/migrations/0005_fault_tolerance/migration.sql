-- Fault-tolerance review (容错纠错 / 尽职免责), domain.md §3: cases, applied actions, official records, honours
-- CreateTable
CREATE TABLE "ReviewCase" (
    "id" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "outcome" TEXT,
    "countyId" TEXT NOT NULL,
    "county" TEXT NOT NULL,
    "projectIds" TEXT[],
    "concernedUserIds" TEXT[],
    "concernedOfficials" JSONB NOT NULL,
    "matter" TEXT NOT NULL,
    "triggerType" TEXT NOT NULL,
    "openedById" TEXT NOT NULL,
    "context" JSONB NOT NULL,
    "seq" INTEGER NOT NULL DEFAULT 0,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "decidedAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewAction" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "type" TEXT NOT NULL,
    "actorId" TEXT NOT NULL,
    "role" "Role",
    "stageBefore" TEXT NOT NULL,
    "stageAfter" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ReviewAction_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OfficialRecord" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "decidedAt" TIMESTAMP(3) NOT NULL,
    "noNegativeEffect" BOOLEAN NOT NULL,
    "impactPeriodEndsAt" TIMESTAMP(3),
    "correctiveMeasures" JSONB NOT NULL,
    "summaryZh" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "OfficialRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Honour" (
    "id" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "awardedBy" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "awardedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Honour_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCase_workflowId_key" ON "ReviewCase"("workflowId");

-- CreateIndex
CREATE INDEX "ReviewCase_countyId_stage_idx" ON "ReviewCase"("countyId", "stage");

-- CreateIndex
CREATE INDEX "ReviewCase_concernedUserIds_idx" ON "ReviewCase" USING GIN ("concernedUserIds");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewAction_requestId_key" ON "ReviewAction"("requestId");

-- CreateIndex
CREATE INDEX "ReviewAction_caseId_at_idx" ON "ReviewAction"("caseId", "at");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewAction_caseId_seq_key" ON "ReviewAction"("caseId", "seq");

-- CreateIndex
CREATE INDEX "OfficialRecord_officialId_idx" ON "OfficialRecord"("officialId");

-- CreateIndex
CREATE UNIQUE INDEX "OfficialRecord_caseId_officialId_key" ON "OfficialRecord"("caseId", "officialId");

-- CreateIndex
CREATE UNIQUE INDEX "Honour_requestId_key" ON "Honour"("requestId");

-- CreateIndex
CREATE INDEX "Honour_officialId_idx" ON "Honour"("officialId");

-- CreateIndex
CREATE UNIQUE INDEX "Honour_officialId_projectId_title_key" ON "Honour"("officialId", "projectId", "title");

-- AddForeignKey
ALTER TABLE "ReviewAction" ADD CONSTRAINT "ReviewAction_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "ReviewCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OfficialRecord" ADD CONSTRAINT "OfficialRecord_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "ReviewCase"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

