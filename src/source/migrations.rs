//! Migration folder discovery (helper-owned).
