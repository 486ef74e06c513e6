//! The multi-tenant SaaS fixture (`testdata/saas-rls`): each row-level security and pgvector
//! rule fires exactly where the fixture plants it (`rls-policy-per-row-function` on every policy
//! that calls `current_setting` per row), and nothing else fires.

use std::path::PathBuf;

use driftlint::check::{CheckOptions, check};
use driftlint::finding::Severity;

#[test]
fn each_rule_fires_exactly_where_planted() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/saas-rls/migrations");
    let run = check(
        &CheckOptions {
            paths: vec![dir],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .expect("the fixture is readable");
    let found: Vec<(&str, String, String, Severity, String)> = run
        .findings
        .iter()
        .map(|f| {
            let file = match f.origin {
                driftlint::schema::Origin::Sql { file, start, .. } => {
                    let src = &run.files[file as usize];
                    let (line, _) = src.line_col(start as usize);
                    format!("{}:{line}", src.path.file_name().unwrap().to_string_lossy())
                }
                _ => String::new(),
            };
            (
                f.rule,
                f.table.as_ref().map(|t| t.name.clone()).unwrap_or_default(),
                f.object.clone().unwrap_or_default(),
                f.severity,
                file,
            )
        })
        .collect();
    let expected = [
        (
            "rls-policy-per-row-function",
            "tenants",
            "tenants_self",
            Severity::Warning,
            "001_tenants_users.sql:19",
        ),
        (
            "rls-policy-per-row-function",
            "users",
            "users_tenant_isolation",
            Severity::Warning,
            "001_tenants_users.sql:23",
        ),
        (
            "rls-policy-column-unindexed",
            "documents",
            "documents_tenant_isolation",
            Severity::Warning,
            "002_documents_projects.sql:14",
        ),
        (
            "rls-policy-per-row-function",
            "documents",
            "documents_tenant_isolation",
            Severity::Warning,
            "002_documents_projects.sql:14",
        ),
        (
            "rls-policy-per-row-function",
            "documents",
            "documents_owner_update",
            Severity::Warning,
            "002_documents_projects.sql:16",
        ),
        (
            "policy-without-rls",
            "invoices",
            "invoices_tenant_isolation",
            Severity::Warning,
            "003_billing_audit.sql:9",
        ),
        (
            "rls-policy-per-row-function",
            "invoices",
            "invoices_tenant_isolation",
            Severity::Warning,
            "003_billing_audit.sql:9",
        ),
        (
            "rls-enabled-without-policy",
            "audit_log",
            "",
            Severity::Warning,
            "003_billing_audit.sql:13",
        ),
        (
            "rls-policy-per-row-function",
            "kb_articles",
            "kb_articles_tenant_isolation",
            Severity::Warning,
            "004_knowledge_base.sql:12",
        ),
        (
            "vector-opclass-mismatch",
            "kb_articles",
            "kb_articles_embedding_large_idx",
            Severity::Error,
            "004_knowledge_base.sql:15",
        ),
        (
            "rls-policy-per-row-function",
            "kb_chunks",
            "kb_chunks_tenant_isolation",
            Severity::Warning,
            "004_knowledge_base.sql:28",
        ),
        (
            "vector-index-on-empty-table",
            "kb_chunks",
            "kb_chunks_embedding_idx",
            Severity::Warning,
            "004_knowledge_base.sql:31",
        ),
        (
            "index-name-conflict",
            "kb_chunks",
            "kb_chunks_tenant_idx",
            Severity::Warning,
            "005_search_tuning.sql:3",
        ),
        (
            "hnsw-parameters",
            "kb_chunks",
            "kb_chunks_embedding_hnsw_idx",
            Severity::Error,
            "005_search_tuning.sql:6",
        ),
        (
            // kb_chunks was created by an earlier migration: the build blocks its writes.
            "index-not-concurrent",
            "kb_chunks",
            "",
            Severity::Warning,
            "005_search_tuning.sql:6",
        ),
        (
            "vector-index-lists",
            "kb_faq",
            "kb_faq_answer_embedding_idx",
            Severity::Error,
            "005_search_tuning.sql:23",
        ),
    ];
    let expected: Vec<(&str, String, String, Severity, String)> = expected
        .iter()
        .map(|(r, t, o, s, at)| (*r, t.to_string(), o.to_string(), *s, at.to_string()))
        .collect();
    assert_eq!(found, expected);
}

#[test]
fn the_help_lines_say_what_to_do() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("testdata/saas-rls/migrations");
    let run = check(
        &CheckOptions {
            paths: vec![dir],
            layout: None,
            ..Default::default()
        },
        None,
    )
    .unwrap();
    let help = |rule: &str| {
        run.findings
            .iter()
            .find(|f| f.rule == rule)
            .and_then(|f| f.help.clone())
            .unwrap_or_default()
    };
    assert_eq!(
        help("rls-policy-column-unindexed"),
        "CREATE INDEX CONCURRENTLY documents_tenant_id_idx ON public.documents (tenant_id);"
    );
    assert_eq!(
        help("policy-without-rls"),
        "ALTER TABLE public.invoices ENABLE ROW LEVEL SECURITY;"
    );
    assert_eq!(
        help("hnsw-parameters"),
        "WITH (m = 48, ef_construction = 96) — or leave both out for the defaults (16, 64)"
    );
    let conflict = run
        .findings
        .iter()
        .find(|f| f.rule == "index-name-conflict")
        .unwrap();
    assert_eq!(
        conflict.message,
        "`CREATE INDEX IF NOT EXISTS kb_chunks_tenant_idx` is silently skipped: index `kb_chunks_tenant_idx` already exists as `ON public.kb_chunks USING btree (tenant_id)`, so the requested `ON public.kb_chunks USING btree (tenant_id, article_id)` never exists"
    );
}
