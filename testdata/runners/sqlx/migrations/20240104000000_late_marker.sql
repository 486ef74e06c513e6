
-- no-transaction
DROP INDEX CONCURRENTLY IF EXISTS t_b_idx;
