//! Tolerant statement splitter (helper-owned).
