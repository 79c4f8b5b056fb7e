-- A returned project's proposal revised and resubmitted as a new version (issue #18): every
-- version kept, keyed by project and version number, so the reviewer sees what changed.
CREATE TABLE "ProposalVersion" (
    "projectId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "values" JSONB NOT NULL,
    "authorId" TEXT NOT NULL,
    "taskId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ProposalVersion_pkey" PRIMARY KEY ("projectId","version")
);
ALTER TABLE "ProposalVersion" ADD CONSTRAINT "ProposalVersion_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
