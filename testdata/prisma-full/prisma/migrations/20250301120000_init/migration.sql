-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "billing";

-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "citext";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pgcrypto" WITH SCHEMA "public";

-- CreateEnum
CREATE TYPE "public"."Role" AS ENUM ('USER', 'admin', 'GUEST');

-- CreateEnum
CREATE TYPE "billing"."invoice_status" AS ENUM ('DRAFT', 'OPEN', 'PAID', 'VOID');

-- CreateTable
CREATE TABLE "public"."users" (
    "id" SERIAL NOT NULL,
    "email" CITEXT NOT NULL,
    "display_name" VARCHAR(120),
    "role" "public"."Role" NOT NULL DEFAULT 'USER',
    "roles" "public"."Role"[] DEFAULT ARRAY['USER']::"public"."Role"[],
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "score" DOUBLE PRECISION NOT NULL DEFAULT 0.5,
    "ratio" REAL,
    "balance" DECIMAL(65,30) NOT NULL DEFAULT 0,
    "price" DECIMAL(10,2),
    "big" BIGINT NOT NULL DEFAULT 42,
    "small" SMALLINT NOT NULL DEFAULT -1,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "settings" JSONB NOT NULL DEFAULT '{"theme": "dark"}',
    "raw" JSON,
    "avatar" BYTEA,
    "country" CHAR(2) NOT NULL DEFAULT 'NL',
    "birthday" DATE,
    "loginAt" TIMESTAMPTZ(6),
    "ip" INET,
    "location" point,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Profile" (
    "id" UUID NOT NULL,
    "bio" TEXT,
    "user_id" INTEGER NOT NULL,

    CONSTRAINT "Profile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Post" (
    "id" TEXT NOT NULL,
    "slug" TEXT NOT NULL,
    "title" VARCHAR(200) NOT NULL,
    "body" TEXT,
    "meta" JSONB,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "publishedAt" TIMESTAMP(3),
    "authorId" INTEGER NOT NULL,
    "parentId" TEXT,
    "tenantId" UUID NOT NULL DEFAULT gen_random_uuid(),

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Category" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Follow" (
    "follower_id" INTEGER NOT NULL,
    "followed_id" INTEGER NOT NULL,
    "since" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Follow_pkey" PRIMARY KEY ("follower_id","followed_id")
);

-- CreateTable
CREATE TABLE "billing"."invoices" (
    "number" INTEGER NOT NULL,
    "year" INTEGER NOT NULL,
    "status" "billing"."invoice_status" NOT NULL DEFAULT 'DRAFT',
    "amount" DECIMAL(12,2) NOT NULL,
    "user_id" INTEGER NOT NULL,
    "reference" TEXT NOT NULL DEFAULT (gen_random_uuid())::text,

    CONSTRAINT "invoice_pk" PRIMARY KEY ("year","number")
);

-- CreateTable
CREATE TABLE "billing"."invoice_lines" (
    "id" BIGSERIAL NOT NULL,
    "invoiceYear" INTEGER NOT NULL,
    "invoiceNumber" INTEGER NOT NULL,
    "description" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "invoice_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndeed" (
    "id" SERIAL NOT NULL,
    "organisationIdentifierWithALongName" INTEGER NOT NULL,
    "correlationIdentifierThatIsAlsoVeryLong" TEXT NOT NULL,
    "owner" INTEGER NOT NULL,

    CONSTRAINT "AuditTrailEntryForCompliancePurposesWithAVeryLongModelName_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."Owner" (
    "id" SERIAL NOT NULL,

    CONSTRAINT "Owner_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "public"."_CategoryToPost" (
    "A" INTEGER NOT NULL,
    "B" TEXT NOT NULL,

    CONSTRAINT "_CategoryToPost_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "public"."users"("email");

-- CreateIndex
CREATE INDEX "users_created_at_idx" ON "public"."users"("created_at" DESC);

-- CreateIndex
CREATE INDEX "users_display_name_trgm" ON "public"."users" USING GIN ("display_name" gin_trgm_ops);

-- CreateIndex
CREATE UNIQUE INDEX "profile_user_unique" ON "public"."Profile"("user_id");

-- CreateIndex
CREATE INDEX "Post_authorId_publishedAt_idx" ON "public"."Post"("authorId", "publishedAt" DESC);

-- CreateIndex
CREATE INDEX "Post_meta_idx" ON "public"."Post" USING GIN ("meta" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "Post_slug_idx" ON "public"."Post" USING HASH ("slug");

-- CreateIndex
CREATE INDEX "Post_title_idx" ON "public"."Post" USING SPGIST ("title");

-- CreateIndex
CREATE INDEX "Post_publishedAt_idx" ON "public"."Post" USING BRIN ("publishedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Post_authorId_slug_key" ON "public"."Post"("authorId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "post_tenant_slug" ON "public"."Post"("tenantId", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "Category_name_key" ON "public"."Category"("name");

-- CreateIndex
CREATE INDEX "Follow_followed_id_idx" ON "public"."Follow"("followed_id");

-- CreateIndex
CREATE UNIQUE INDEX "invoices_reference_key" ON "billing"."invoices"("reference");

-- CreateIndex
CREATE INDEX "invoice_lines_invoiceYear_invoiceNumber_idx" ON "billing"."invoice_lines"("invoiceYear", "invoiceNumber");

-- CreateIndex
CREATE INDEX "AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameI_idx" ON "public"."AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndeed"("correlationIdentifierThatIsAlsoVeryLong", "organisationIdentifierWithALongName");

-- CreateIndex
CREATE UNIQUE INDEX "AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameI_key" ON "public"."AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndeed"("organisationIdentifierWithALongName", "correlationIdentifierThatIsAlsoVeryLong");

-- CreateIndex
CREATE INDEX "_CategoryToPost_B_index" ON "public"."_CategoryToPost"("B");

-- AddForeignKey
ALTER TABLE "public"."Profile" ADD CONSTRAINT "profile_user_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "public"."users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Post" ADD CONSTRAINT "Post_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "public"."Post"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Follow" ADD CONSTRAINT "Follow_follower_id_fkey" FOREIGN KEY ("follower_id") REFERENCES "public"."users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."Follow" ADD CONSTRAINT "Follow_followed_id_fkey" FOREIGN KEY ("followed_id") REFERENCES "public"."users"("id") ON DELETE RESTRICT ON UPDATE RESTRICT;

-- AddForeignKey
ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "billing"."invoice_lines" ADD CONSTRAINT "invoice_lines_invoiceYear_invoiceNumber_fkey" FOREIGN KEY ("invoiceYear", "invoiceNumber") REFERENCES "billing"."invoices"("year", "number") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."AuditTrailEntryForCompliancePurposesWithAVeryLongModelNameIndeed" ADD CONSTRAINT "AuditTrailEntryForCompliancePurposesWithAVeryLongModelName_fkey" FOREIGN KEY ("owner") REFERENCES "public"."Owner"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_A_fkey" FOREIGN KEY ("A") REFERENCES "public"."Category"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "public"."_CategoryToPost" ADD CONSTRAINT "_CategoryToPost_B_fkey" FOREIGN KEY ("B") REFERENCES "public"."Post"("id") ON DELETE CASCADE ON UPDATE CASCADE;

