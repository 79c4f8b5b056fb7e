-- The inbox's "done by me" view (src/db/inbox-query.ts) also lists tasks closed DONE and credited
-- to the caller without a Decision row (review steps, corrective measures, command tasks), found
-- by assigneeId. Without an index that branch scanned Task: 17.7 ms at 100,000 tasks on
-- PostgreSQL 15, 0.65 ms with this one.
CREATE INDEX "Task_assigneeId_status_idx" ON "Task"("assigneeId", "status");
