-- Written by hand after `prisma migrate dev --create-only`; schema.prisma was not updated.

-- CreateIndex: names the Prisma field instead of its @map column, so PostgreSQL rejects it
CREATE INDEX "users_displayName_idx" ON "public"."users"("displayName");

-- CreateIndex: a partial index that schema.prisma does not declare
CREATE INDEX "Post_published_authorId_idx" ON "public"."Post"("authorId") WHERE "published";
