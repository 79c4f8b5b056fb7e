-- The roll-ups above the county (GET /api/rollups, issue #17): the paid payments and approved
-- evaluations of a county's projects are reached by project id and status, not by a scan of
-- every payment or evaluation. Project(countyId, stage) (0001) already narrows the projects.
CREATE INDEX "Payment_projectId_status_idx" ON "Payment"("projectId", "status");

CREATE INDEX "Evaluation_projectId_status_idx" ON "Evaluation"("projectId", "status");
