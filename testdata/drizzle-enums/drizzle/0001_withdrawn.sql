ALTER TYPE "public"."applicationStatus" ADD VALUE 'withdrawn';--> statement-breakpoint
ALTER TABLE "applications" ADD COLUMN "previous_status" "applicationStatus";