-- The implementer's payee accounts registered with an allocation (issue #13, item 5).
ALTER TABLE "FundAllocation" ADD COLUMN "payeeAccounts" TEXT[] DEFAULT ARRAY[]::TEXT[];
