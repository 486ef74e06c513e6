//! The HTML report: one self-contained file (no network, no external assets) with the
//! summary, bar charts of reclaimable space by rule and by table (inline SVG), and a findings
//! table that sorts by any column and filters by text and severity (a little inline script;
//! without it the table is still complete).

use std::fmt::Write;

use super::impact::{Impact, Share};
use super::{Summary, position, rule_url};
use crate::finding::Finding;
use crate::schema::live_stats::human_bytes;
use crate::source::file::SourceFile;

const STYLE: &str = "body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1f2328}\
h1{font-size:22px;margin:0 0 16px}h2{font-size:17px;margin:28px 0 8px}\
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #d0d7de;border-radius:8px;padding:10px 16px;min-width:120px}\
.card b{display:block;font-size:24px}.error{color:#cf222e}.warning{color:#9a6700}.info{color:#0969da}\
.charts{display:flex;gap:32px;flex-wrap:wrap}figure{margin:0}svg text{font:12px system-ui,sans-serif;fill:#1f2328}\
table{border-collapse:collapse;width:100%;margin-top:8px}th,td{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}\
th{cursor:pointer;background:#f6f8fa;user-select:none}th[aria-sort=ascending]::after{content:' \\25B2'}th[aria-sort=descending]::after{content:' \\25BC'}\
td.num{text-align:right;white-space:nowrap}.help{color:#59636e;font-size:12px}code{font-size:12px}\
.controls{display:flex;gap:8px;margin:8px 0}input,select{font:inherit;padding:4px 8px}pre{background:#f6f8fa;padding:12px;overflow:auto}";

/// Sorting (numbers by `data-value`) and filtering by text and severity. The page's fragment
/// presets them (`#severity=warning&q=events&sort=-6`: column 6, descending), so a filtered
/// view can be linked to.
const SCRIPT: &str = r#"(function(){
var t=document.getElementById('findings');var body=t.tBodies[0];var heads=t.tHead.querySelectorAll('th');
var q=document.getElementById('filter');var sev=document.getElementById('severity');
function apply(){var s=q.value.toLowerCase(),v=sev.value,n=0;
for(var r of body.rows){var ok=(!v||r.dataset.severity===v)&&(!s||r.textContent.toLowerCase().indexOf(s)>=0);
r.hidden=!ok;if(ok)n++;}document.getElementById('shown').textContent=n;}
function sort(i,dir){var th=heads[i];heads.forEach(function(h){h.removeAttribute('aria-sort');});
th.setAttribute('aria-sort',dir);var num=th.dataset.type==='number';var rows=Array.from(body.rows);
rows.sort(function(a,b){var x=a.cells[i],y=b.cells[i];
var c=num?(Number(x.dataset.value||0)-Number(y.dataset.value||0)):x.textContent.localeCompare(y.textContent);
return dir==='ascending'?c:-c;});rows.forEach(function(r){body.appendChild(r);});}
q.addEventListener('input',apply);sev.addEventListener('change',apply);
heads.forEach(function(th,i){th.addEventListener('click',function(){
sort(i,th.getAttribute('aria-sort')==='ascending'?'descending':'ascending');});});
var p=new URLSearchParams(location.hash.slice(1));
if(p.get('q'))q.value=p.get('q');if(p.get('severity'))sev.value=p.get('severity');
var k=p.get('sort');if(k&&heads[Math.abs(parseInt(k,10))])sort(Math.abs(parseInt(k,10)),k[0]==='-'?'descending':'ascending');
apply();})();"#;

/// Renders the report under `title` ("driftlint audit"); `appendix` (a unified diff) is shown
/// below the findings.
pub fn render(
    title: &str,
    findings: &[Finding],
    files: &[SourceFile],
    summary: &Summary,
    appendix: Option<&str>,
) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\
         <title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n",
        esc(title),
        esc(title)
    );
    let impact = Impact::of(findings);
    cards(&mut out, summary, impact.as_ref());
    if let Some(impact) = &impact {
        out.push_str("<h2>Reclaimable space</h2>\n<div class=\"charts\">");
        chart(&mut out, "chart-by-rule", "By rule", &impact.by_rule);
        chart(&mut out, "chart-by-table", "By table", &impact.top_tables);
        out.push_str("</div>\n");
    }
    table(&mut out, findings, files);
    if let Some(text) = appendix.filter(|t| !t.is_empty()) {
        let _ = write!(
            out,
            "<h2>Schema differences</h2>\n<pre>{}</pre>\n",
            esc(text)
        );
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}

fn cards(out: &mut String, summary: &Summary, impact: Option<&Impact>) {
    out.push_str("<div class=\"cards\">");
    for (id, class, label, n) in [
        ("count-error", "error", "errors", summary.error),
        ("count-warning", "warning", "warnings", summary.warning),
        ("count-info", "info", "info", summary.info),
    ] {
        let _ = write!(
            out,
            "<div class=\"card\"><b id=\"{id}\" class=\"{class}\">{n}</b>{label}</div>"
        );
    }
    if let Some(i) = impact {
        let _ = write!(
            out,
            "<div class=\"card\"><b id=\"reclaimable\" data-bytes=\"{}\">{}</b>reclaimable in total</div>\
             <div class=\"card\"><b id=\"droppable\" data-bytes=\"{}\" data-indexes=\"{}\">{}</b>\
             by dropping {} duplicate, redundant or unused index{}</div>",
            i.reclaimable_bytes,
            human_bytes(i.reclaimable_bytes),
            i.droppable_index_bytes,
            i.droppable_indexes,
            human_bytes(i.droppable_index_bytes),
            i.droppable_indexes,
            if i.droppable_indexes == 1 { "" } else { "es" }
        );
    }
    out.push_str("</div>\n");
}

/// A horizontal bar chart as inline SVG.
fn chart(out: &mut String, id: &str, caption: &str, shares: &[Share]) {
    const LABEL: usize = 190;
    const BAR: usize = 260;
    const ROW: usize = 24;
    let max = shares.iter().map(|s| s.bytes).max().unwrap_or(0).max(1);
    let height = ROW * shares.len().max(1) + 28;
    let _ = write!(
        out,
        "<figure><svg id=\"{id}\" role=\"img\" aria-label=\"{} reclaimable space\" width=\"{}\" height=\"{height}\" \
         xmlns=\"http://www.w3.org/2000/svg\"><text x=\"0\" y=\"14\" font-weight=\"600\">{}</text>",
        esc(caption),
        LABEL + BAR + 80,
        esc(caption)
    );
    for (k, s) in shares.iter().enumerate() {
        let y = 24 + k * ROW;
        let w = ((s.bytes as f64 / max as f64) * BAR as f64)
            .round()
            .max(1.0);
        let mut name = s.name.clone();
        if name.chars().count() > 28 {
            name = name.chars().take(27).collect::<String>() + "…";
        }
        let _ = write!(
            out,
            "<g class=\"bar\" data-name=\"{}\" data-bytes=\"{}\"><title>{}: {}</title>\
             <text x=\"0\" y=\"{}\">{}</text><rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"#0969da\"/>\
             <text x=\"{}\" y=\"{}\">{}</text></g>",
            esc(&s.name),
            s.bytes,
            esc(&s.name),
            human_bytes(s.bytes),
            y + 14,
            esc(&name),
            ROW - 6,
            LABEL as f64 + w + 6.0,
            y + 14,
            human_bytes(s.bytes)
        );
    }
    out.push_str("</svg></figure>");
}

fn table(out: &mut String, findings: &[Finding], files: &[SourceFile]) {
    let _ = write!(
        out,
        "<h2>Findings (<span id=\"shown\">{}</span> of {})</h2>\n<div class=\"controls\">\
         <input id=\"filter\" type=\"search\" placeholder=\"Filter\" aria-label=\"Filter findings\">\
         <select id=\"severity\" aria-label=\"Severity\"><option value=\"\">every severity</option>\
         <option>error</option><option>warning</option><option>info</option></select></div>\n\
         <table id=\"findings\"><thead><tr><th data-type=\"number\">Severity</th><th>Rule</th><th>Where</th>\
         <th>Finding</th><th data-type=\"number\">Size</th><th data-type=\"number\">Scans</th>\
         <th data-type=\"number\">Reclaimable</th></tr></thead><tbody>\n",
        findings.len(),
        findings.len()
    );
    for f in findings {
        let place = match position(&f.origin, files) {
            Some(p) => format!("{}:{}:{}", p.file, p.line, p.column),
            None => {
                let mut s = f.table.as_ref().map(|t| t.to_string()).unwrap_or_default();
                if let Some(o) = &f.object {
                    s.push(' ');
                    s.push_str(o);
                }
                s
            }
        };
        let m = f.metrics.as_ref();
        let number = |v: Option<i64>, bytes: bool| match v {
            Some(n) => format!(
                "<td class=\"num\" data-value=\"{n}\">{}</td>",
                if bytes { human_bytes(n) } else { n.to_string() }
            ),
            None => "<td class=\"num\" data-value=\"-1\"></td>".to_string(),
        };
        let help = f
            .help
            .as_ref()
            .map(|h| format!("<div class=\"help\">{}</div>", esc(h)))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr data-severity=\"{sev}\"><td data-value=\"{rank}\" class=\"{sev}\">{sev}</td>\
             <td><a href=\"{url}\">{rule}</a></td><td><code>{place}</code></td><td>{msg}{help}</td>{}{}{}</tr>",
            number(m.and_then(|m| m.bytes), true),
            number(m.and_then(|m| m.scans), false),
            number(m.and_then(|m| m.reclaimable_bytes), true),
            sev = f.severity.as_str(),
            rank = f.severity as u8,
            url = esc(&rule_url(f.rule)),
            rule = f.rule,
            place = esc(&place),
            msg = esc(&f.message),
        );
    }
    out.push_str("</tbody></table>\n");
}

/// Escapes text for HTML content and attribute values.
fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&#39;"),
            _ => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_nothing_is_fetched() {
        let sql = "CREATE TABLE \"<b>\" (id int);";
        let run = crate::check::check_sql("x.sql", sql);
        let summary = Summary::new(&run.findings, 1, 1);
        let html = render("driftlint check", &run.findings, &[], &summary, None);
        assert!(!run.findings.is_empty());
        assert!(html.contains("&lt;b&gt;"), "{html}");
        assert!(!html.contains("<b>\""), "{html}");
        for external in ["src=\"http", "href=\"//", "<link", "@import", "url("] {
            assert!(!html.contains(external), "{external}");
        }
    }
}
