DROP INDEX t_b_idx;
