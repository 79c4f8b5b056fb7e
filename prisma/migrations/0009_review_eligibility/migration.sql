-- CreateTable
CREATE TABLE "ReviewEligibility" (
    "id" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "triggerRef" TEXT NOT NULL,
    "bases" TEXT[],
    "windowDays" INTEGER NOT NULL,
    "notifiedAt" TIMESTAMP(3) NOT NULL,
    "closesAt" TIMESTAMP(3) NOT NULL,
    "taskId" TEXT NOT NULL,
    "caseId" TEXT,
    "appliedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ReviewEligibility_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewEligibility_userId_projectId_idx" ON "ReviewEligibility"("userId", "projectId");

-- CreateIndex
CREATE INDEX "ReviewEligibility_projectId_trigger_idx" ON "ReviewEligibility"("projectId", "trigger");

