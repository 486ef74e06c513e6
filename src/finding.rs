//! Findings: what a rule reports.
