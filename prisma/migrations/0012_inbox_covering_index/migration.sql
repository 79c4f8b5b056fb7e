-- The inbox's role-in-scope branch (src/db/inbox-query.ts) reads, for one role and an org path
-- prefix, only the id and the sort keys of the pending group tasks that name no single user, plus
-- the kind when filtered. With those columns in the index the branch is an index-only scan, and
-- only the page's 50 rows are read from Task. Hand-written like 0006: Prisma's schema language
-- has neither INCLUDE nor operator classes on btree columns, so schema.prisma does not list it.
DROP INDEX IF EXISTS "Task_inbox_scope_idx";

CREATE INDEX "Task_inbox_scope_idx" ON "Task" ("candidateRole", "status", "candidateOrgPath" text_pattern_ops)
  INCLUDE ("candidateUserId", "dueAt", "createdAt", "kind", "id");
