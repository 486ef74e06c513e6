import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgEnum,
  pgPolicy,
  pgSchema,
  pgTable,
  primaryKey,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  varchar,
  vector,
} from 'drizzle-orm/pg-core';

// Auth.js (NextAuth) Drizzle adapter tables, as the adapter's docs write them: camelCase
// column names (`userId`, `sessionToken`, `providerAccountId`), in a custom `auth` schema,
// with composite primary keys. Plus a pgvector table in `public` that references them.

export const auth = pgSchema('auth');

export const userRole = auth.enum('user_role', ['member', 'admin']);
export const visibility = pgEnum('visibility', ['private', 'team', 'public']);

export const users = auth.table(
  'user',
  {
    id: text('id')
      .primaryKey()
      .$defaultFn(() => crypto.randomUUID()),
    name: text('name'),
    email: text('email').unique(),
    emailVerified: timestamp('emailVerified', { mode: 'date' }),
    image: text('image'),
    role: userRole('role').notNull().default('member'),
  },
  (t) => [uniqueIndex('user_email_lower_idx').on(sql`lower(${t.email})`)],
);

export const accounts = auth.table(
  'account',
  {
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    provider: text('provider').notNull(),
    providerAccountId: text('providerAccountId').notNull(),
    refresh_token: text('refresh_token'),
    access_token: text('access_token'),
    expires_at: integer('expires_at'),
    token_type: text('token_type'),
    scope: text('scope'),
    id_token: text('id_token'),
    session_state: text('session_state'),
  },
  (account) => [
    primaryKey({ columns: [account.provider, account.providerAccountId] }),
    index('account_userId_idx').on(account.userId),
  ],
);

export const sessions = auth.table('session', {
  sessionToken: text('sessionToken').primaryKey(),
  userId: text('userId')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expires: timestamp('expires', { mode: 'date' }).notNull(),
});

export const verificationTokens = auth.table(
  'verificationToken',
  {
    identifier: text('identifier').notNull(),
    token: text('token').notNull(),
    expires: timestamp('expires', { mode: 'date' }).notNull(),
  },
  (vt) => [primaryKey({ columns: [vt.identifier, vt.token] })],
);

export const authenticators = auth.table(
  'authenticator',
  {
    credentialID: text('credentialID').notNull().unique(),
    userId: text('userId')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    providerAccountId: text('providerAccountId').notNull(),
    credentialPublicKey: text('credentialPublicKey').notNull(),
    counter: integer('counter').notNull(),
    credentialDeviceType: text('credentialDeviceType').notNull(),
    credentialBackedUp: boolean('credentialBackedUp').notNull(),
    transports: text('transports'),
  },
  (a) => [primaryKey({ name: 'authenticator_pk', columns: [a.userId, a.credentialID] })],
);

// ---- Application tables (public schema) ------------------------------------

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: varchar('slug', { length: 64 }).notNull(),
    ownerId: text('ownerId').notNull(),
    settings: jsonb('settings').notNull().default({}),
    createdAt: timestamp('createdAt', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  },
  (t) => [
    unique('workspaces_slug_key').on(t.slug),
    foreignKey({ columns: [t.ownerId], foreignColumns: [users.id], name: 'workspaces_owner_fk' }).onDelete(
      'restrict',
    ),
    check('workspaces_slug_format', sql`${t.slug} ~ '^[a-z0-9-]+$'`),
  ],
).enableRLS();

export const documents = pgTable(
  'documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    workspaceId: uuid('workspaceId')
      .notNull()
      .references(() => workspaces.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    visibility: visibility('visibility').notNull().default('private'),
    tags: text('tags').array(),
    updatedAt: timestamp('updatedAt', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('documents_workspace_updated_idx').on(t.workspaceId, t.updatedAt.desc()),
    index('documents_public_idx')
      .on(t.updatedAt)
      .where(sql`${t.visibility} = 'public'`),
    pgPolicy('documents_workspace_member', {
      as: 'permissive',
      for: 'select',
      to: 'public',
      using: sql`${t.workspaceId} = current_setting('app.workspace_id')::uuid`,
    }),
  ],
);

export const chunks = pgTable(
  'chunks',
  {
    documentId: uuid('documentId')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    ordinal: integer('ordinal').notNull(),
    content: text('content').notNull(),
    embedding: vector('embedding', { dimensions: 1536 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.documentId, t.ordinal] }),
    index('chunks_embedding_idx').using('hnsw', t.embedding.op('vector_cosine_ops')).with({ m: 16, ef_construction: 64 }),
  ],
);
