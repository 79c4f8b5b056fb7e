-- Issue #20: a decision stores the cause of its notices as one row in its own transaction, and the
-- delivery loop works out the recipients afterwards, off the path of the approver.
CREATE TABLE "NotificationCause" (
    "id" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "NotificationCause_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "NotificationCause_createdAt_idx" ON "NotificationCause"("createdAt");
