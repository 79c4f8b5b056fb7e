-- Accounts: token kinds and expiry (login sessions, personal tokens), home org unit of a user
-- for scoped administration, and failed logins for the sliding-window rate limit.
-- CreateEnum
CREATE TYPE "TokenKind" AS ENUM ('PERSONAL', 'LOGIN', 'SESSION');

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "deactivatedAt" TIMESTAMP(3),
ADD COLUMN     "homeOrgUnitId" TEXT,
ADD COLUMN     "passwordChangedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ApiToken" ADD COLUMN     "expiresAt" TIMESTAMP(3),
ADD COLUMN     "kind" "TokenKind" NOT NULL DEFAULT 'PERSONAL';

-- CreateTable
CREATE TABLE "FailedLogin" (
    "id" BIGSERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FailedLogin_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FailedLogin_username_ip_at_idx" ON "FailedLogin"("username", "ip", "at");

-- CreateIndex
CREATE INDEX "User_homeOrgUnitId_idx" ON "User"("homeOrgUnitId");

-- AddForeignKey
ALTER TABLE "User" ADD CONSTRAINT "User_homeOrgUnitId_fkey" FOREIGN KEY ("homeOrgUnitId") REFERENCES "OrgUnit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

