-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "stageVersion" INTEGER NOT NULL DEFAULT 0;

