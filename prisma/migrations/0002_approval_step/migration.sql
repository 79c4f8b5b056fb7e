-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "TaskStatus" ADD VALUE 'WAITING';
ALTER TYPE "TaskStatus" ADD VALUE 'SUSPENDED';

-- AlterTable
ALTER TABLE "Task" ADD COLUMN     "candidateUserId" TEXT,
ADD COLUMN     "claimedBy" TEXT,
ADD COLUMN     "escalatedAt" TIMESTAMP(3),
ADD COLUMN     "lastUrgedAt" TIMESTAMP(3),
ADD COLUMN     "mode" TEXT,
ADD COLUMN     "remindedAt" TIMESTAMP(3),
ADD COLUMN     "stepId" TEXT,
ADD COLUMN     "updatedAt" TIMESTAMP(3),
ADD COLUMN     "urgeCount" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "candidateRole" DROP NOT NULL,
ALTER COLUMN "candidateOrgUnitId" DROP NOT NULL,
ALTER COLUMN "candidateOrgPath" DROP NOT NULL;

-- AlterTable
ALTER TABLE "Decision" ADD COLUMN     "attachments" JSONB,
ADD COLUMN     "result" JSONB,
ALTER COLUMN "role" DROP NOT NULL,
ALTER COLUMN "orgUnitId" DROP NOT NULL;

-- CreateTable
CREATE TABLE "TaskCc" (
    "id" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "projectId" TEXT NOT NULL,
    "workflowId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TaskCc_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TaskCc_userId_createdAt_idx" ON "TaskCc"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "Task_status_candidateUserId_idx" ON "Task"("status", "candidateUserId");

-- CreateIndex
CREATE INDEX "Task_claimedBy_status_idx" ON "Task"("claimedBy", "status");

-- CreateIndex
CREATE INDEX "Task_status_dueAt_idx" ON "Task"("status", "dueAt");

-- CreateIndex
CREATE INDEX "Task_workflowId_idx" ON "Task"("workflowId");

-- CreateIndex
CREATE INDEX "Decision_actorId_createdAt_idx" ON "Decision"("actorId", "createdAt");

-- AddForeignKey
ALTER TABLE "TaskCc" ADD CONSTRAINT "TaskCc_taskId_fkey" FOREIGN KEY ("taskId") REFERENCES "Task"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

