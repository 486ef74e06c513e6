//! Reading files as SQL text (helper-owned).
