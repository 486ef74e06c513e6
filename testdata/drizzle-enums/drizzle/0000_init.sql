CREATE SCHEMA "hr";
--> statement-breakpoint
CREATE TYPE "public"."applicationStatus" AS ENUM('draft', 'submitted', 'accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "hr"."EmploymentType" AS ENUM('fullTime', 'partTime', 'contract');--> statement-breakpoint
CREATE TYPE "public"."priority_level" AS ENUM('low', 'normal', 'high');--> statement-breakpoint
CREATE TABLE "applications" (
	"id" serial PRIMARY KEY NOT NULL,
	"applicant" text NOT NULL,
	"status" "applicationStatus" DEFAULT 'draft' NOT NULL,
	"status_history" "applicationStatus"[],
	"priority" "priority_level" DEFAULT 'normal'
);
--> statement-breakpoint
CREATE TABLE "hr"."positions" (
	"id" serial PRIMARY KEY NOT NULL,
	"title" text NOT NULL,
	"kind" "hr"."EmploymentType" NOT NULL,
	"allowed_kinds" "hr"."EmploymentType"[],
	"application_id" integer,
	"review_status" "applicationStatus"
);
--> statement-breakpoint
ALTER TABLE "hr"."positions" ADD CONSTRAINT "positions_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;