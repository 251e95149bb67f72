-- Request fields each tier drops before it is called or refuses (a request carrying one goes elsewhere).
ALTER TABLE "Tier" ADD COLUMN "requestFields" JSONB;
