-- The fiscal source each payment is paid from (central 衔接资金 reported on its own).
ALTER TABLE "Payment" ADD COLUMN "fiscalSource" TEXT;
