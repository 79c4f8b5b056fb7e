-- Per-project audit chains and the anchor chain (issue #20, ADR 0013). The trigger functions and
-- the one-time backfill of the rows already chained (into their project's chain or `system`) are in
-- prisma/sql/audit-chain.sql, applied after this migration (PL/pgSQL cannot live here: the
-- migration runner splits on every semicolon).

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "chain" TEXT,
ADD COLUMN     "projectId" TEXT;

-- DropIndex: seq is now a position within a chain
DROP INDEX "AuditEvent_seq_key";

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chain_seq_key" ON "AuditEvent"("chain", "seq");

-- AuditChainHead: one row per chain. The existing row (id 1) becomes the head of `system`, and adding
-- a column with a default fills it without an UPDATE, which the forward-only trigger would refuse.
ALTER TABLE "AuditChainHead" DROP CONSTRAINT "AuditChainHead_single_row";
ALTER TABLE "AuditChainHead" ADD COLUMN     "chain" TEXT NOT NULL DEFAULT 'system';
ALTER TABLE "AuditChainHead" ALTER COLUMN "chain" DROP DEFAULT;
CREATE SEQUENCE "AuditChainHead_id_seq" OWNED BY "AuditChainHead"."id";
ALTER TABLE "AuditChainHead" ALTER COLUMN "id" SET DEFAULT nextval('"AuditChainHead_id_seq"');
SELECT setval('"AuditChainHead_id_seq"', 1);

-- CreateIndex
CREATE UNIQUE INDEX "AuditChainHead_chain_key" ON "AuditChainHead"("chain");

-- CreateTable
CREATE TABLE "AuditAnchor" (
    "seq" BIGINT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "heads" JSONB NOT NULL,
    "prevHash" TEXT,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditAnchor_pkey" PRIMARY KEY ("seq")
);
