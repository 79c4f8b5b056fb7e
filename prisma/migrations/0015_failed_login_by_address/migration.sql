-- The login limit also counts failures per client address over all usernames (password spraying).
CREATE INDEX "FailedLogin_ip_at_idx" ON "FailedLogin"("ip", "at");
