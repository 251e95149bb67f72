-- Stored responses keep their input items (GET /v1/responses/{id}/input_items) and are purged by age.
ALTER TABLE "StoredResponse" ADD COLUMN "input" JSONB;

CREATE INDEX "StoredResponse_createdAt_idx" ON "StoredResponse"("createdAt");
