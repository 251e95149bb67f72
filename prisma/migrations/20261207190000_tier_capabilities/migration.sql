-- What each tier can serve (tools, images, audio, JSON schema, logprobs, context and output limits).
ALTER TABLE "Tier" ADD COLUMN "capabilities" JSONB;
