-- Tamper-evident audit log (issue 7). The chain columns are filled by the BEFORE INSERT trigger
-- of prisma/sql/audit-chain.sql (PL/pgSQL cannot live here: the migration runner splits on every
-- semicolon). Rows written before this migration are chained once by that file, in id order.
-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "hash" TEXT,
ADD COLUMN     "prevHash" TEXT,
ADD COLUMN     "seq" BIGINT;

-- CreateTable
CREATE TABLE "AuditChainHead" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "hash" TEXT,

    CONSTRAINT "AuditChainHead_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "AuditChainHead_single_row" CHECK ("id" = 1)
);

-- The one head row: seq 0 and no hash until the first chained event.
INSERT INTO "AuditChainHead" ("id", "seq") VALUES (1, 0);

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_seq_key" ON "AuditEvent"("seq");
