-- Objections lodged from the public 公示 board (issue #18): the villager's name and mobile number,
-- shown to officials. Null for an official's own objection (its actorId says who).
ALTER TABLE "Objection" ADD COLUMN "lodgerName" TEXT;
ALTER TABLE "Objection" ADD COLUMN "lodgerPhone" TEXT;
