-- The project list (GET /api/projects): newest first with the id as a unique tie-break (stable
-- pages), and the grade and industry filters. The org-unit filter uses the existing orgPath index.
CREATE INDEX "Project_createdAt_id_idx" ON "Project"("createdAt" DESC, "id" DESC);

CREATE INDEX "Project_latestGrade_idx" ON "Project"("latestGrade");

CREATE INDEX "Project_industry_idx" ON "Project"("industry");
