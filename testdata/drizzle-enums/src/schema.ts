import { integer, pgEnum, pgSchema, pgTable, serial, text } from 'drizzle-orm/pg-core';

// camelCase enum names: drizzle-kit quotes them, so PostgreSQL keeps their case.
export const applicationStatus = pgEnum('applicationStatus', [
  'draft',
  'submitted',
  'accepted',
  'rejected',
  'withdrawn',
]);
export const priorityLevel = pgEnum('priority_level', ['low', 'normal', 'high']);

export const hr = pgSchema('hr');
export const employmentType = hr.enum('EmploymentType', ['fullTime', 'partTime', 'contract']);

export const applications = pgTable('applications', {
  id: serial('id').primaryKey(),
  applicant: text('applicant').notNull(),
  status: applicationStatus('status').default('draft').notNull(),
  statusHistory: applicationStatus('status_history').array(),
  priority: priorityLevel('priority').default('normal'),
  previousStatus: applicationStatus('previous_status'),
});

export const positions = hr.table('positions', {
  id: serial('id').primaryKey(),
  title: text('title').notNull(),
  kind: employmentType('kind').notNull(),
  allowedKinds: employmentType('allowed_kinds').array(),
  applicationId: integer('application_id').references(() => applications.id),
  reviewStatus: applicationStatus('review_status'),
});
