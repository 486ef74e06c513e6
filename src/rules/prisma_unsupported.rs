//! `prisma-unsupported`: part of a Prisma schema that driftlint does not model (a view, a
//! MySQL-only argument, an unknown native type). The Prisma reader lists what it left out
//! with its place in the schema; this turns each into a finding, so that no gap is silent.

use super::Check;
use crate::finding::Finding;
use crate::source::prisma::PrismaSchema;

declare_rule!(
    PRISMA_UNSUPPORTED,
    "prisma-unsupported",
    Info,
    "Part of a Prisma schema driftlint does not model (a view, a MySQL-only argument, an unknown native type).",
    Check::Engine
);

/// One finding per declaration the Prisma reader did not model, at its place in the schema.
pub fn unsupported(schema: &PrismaSchema) -> Vec<Finding> {
    schema
        .unsupported
        .iter()
        .map(|u| {
            Finding::new(
                &PRISMA_UNSUPPORTED,
                format!("{} is not modelled", u.feature),
                u.origin(),
            )
            .help("driftlint compares neither it nor drift in it; the rest of the schema is read")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::prisma::read_text;

    const DATASOURCE: &str = "datasource db {\n  provider = \"postgresql\"\n  url      = env(\"DATABASE_URL\")\n}\n";

    fn findings(models: &str) -> (String, Vec<Finding>) {
        let text = format!("{DATASOURCE}{models}");
        let read = read_text("schema.prisma", &text).unwrap();
        let found = unsupported(&read);
        (text, found)
    }

    /// The page's first ```prisma block under `## heading`.
    fn page_block(heading: &str) -> String {
        let doc = PRISMA_UNSUPPORTED.doc;
        let section = &doc[doc.find(&format!("## {heading}\n")).unwrap()..];
        let body = &section[section.find("```prisma\n").unwrap() + "```prisma\n".len()..];
        body[..body.find("```").unwrap()].to_string()
    }

    #[test]
    fn pass_and_fail_cases() {
        let pass = [
            "model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n",
            "model Post {\n  id   Int    @id\n  tags String[]\n  @@index([tags], type: Gin)\n}\n",
        ];
        for case in pass {
            let (_, found) = findings(case);
            assert!(found.is_empty(), "fired on a passing case:\n{case}\n{found:#?}");
        }
        let fail = [
            "view ActiveUser {\n  id   Int    @unique\n  name String\n}\n",
            "model Post {\n  id    Int    @id\n  title String @db.TinyText\n}\n",
            "model Post {\n  id    Int    @id\n  title String\n  @@index([title(length: 10)])\n  @@fulltext([title])\n}\n",
            "model Counter {\n  id Int @id @default(sequence())\n}\n",
        ];
        let mut report = String::new();
        for (i, case) in fail.iter().enumerate() {
            let (text, found) = findings(case);
            assert!(!found.is_empty(), "did not fire on a failing case:\n{case}");
            report.push_str(&format!("── fail case {} ──\n{}\n\n", i + 1, case.trim_end()));
            report.push_str(&crate::rules::tests::report_in(&found, "schema.prisma", &text));
            report.push('\n');
        }
        insta::assert_snapshot!(report);
    }

    #[test]
    fn the_pages_examples_fire_and_their_fix_does_not() {
        let (_, found) = findings(&page_block("Example"));
        assert!(!found.is_empty());
        let (_, found) = findings(&page_block("Use instead"));
        assert!(found.is_empty(), "{found:#?}");
    }
}
