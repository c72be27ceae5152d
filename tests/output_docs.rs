//! The pages of `docs/output/` are kept true by running what they document: one page per
//! command (`check`, `rank`, `recheck`, `deadline`), each read in the form below, each of its
//! examples run, and its tables compared with the real output.
//!
//! How a page is read:
//!
//! - `## ` headings cut the page into sections. A section's tables describe the output of
//!   the examples in that same section, and are checked against every one of them.
//! - An example is a ```` ```console ```` block: its first line is `$ yanshou ARGS` (the
//!   arguments split at spaces, run from the repository), the rest is the command's
//!   standard output exactly. A first line `...` means the block is the end of the output,
//!   a last line `...` that it is the start, both that it is a run of whole lines from the
//!   middle; a block marked so must really leave something out.
//! - A `### ` heading holding a code span that starts with `.` names a jq path:
//!   `.`, `.campaign`, `.sites[]`, `.sites[].findings[]`, `.sites[].findings[].waiver`.
//!   The table under it is either
//!   - a *key table* (first header cell `key`): one row per key of the object(s) at that
//!     path, the key a code span in the first cell, in the order the output writes them.
//!     Every object at that path in every JSON output of the section (nulls skipped) must
//!     have exactly those keys in that order; every documented path must occur in some
//!     output; and every object the output holds, at any depth, must sit at a documented
//!     path, so a key added to the code without a line here fails the test;
//!   - or a *code table* (first header cell `code`): the values the string at that path can
//!     take. Every value in the outputs must be listed, and the list must be exactly the
//!     codes of the enum in `src/audit/` (or `src/record/`) behind it: [`known_codes`].
//! - A *column table* (first header cell `column`) lists the CSV columns in order: the
//!   header line of every CSV output of the section must be exactly those, comma-separated.
//!
//! After a deliberate change to an output, run each example's command again and paste
//! the same lines into its block; the failure message names the first line that differs.
//!
//! Besides: every JSON document opens with `schema_version` = [`SCHEMA_VERSION`]; the
//! examples of a page run the page's own command, with a fixed `--as-of` where the output
//! depends on the day; `docs/json.md` links every page; and each command's `--help` points
//! to its page.
#![allow(clippy::unwrap_used)] // test helpers: a panic is the failure report

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use assert_cmd::Command;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use yanshou::render::SCHEMA_VERSION;

/// The commands with a page, `docs/output/<command>.md`.
const PAGES: [&str; 4] = ["check", "rank", "recheck", "deadline"];

/// Commands whose output depends on the day judged: their examples fix `--as-of`.
const DATED: [&str; 3] = ["check", "rank", "recheck"];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

// ---------------------------------------------------------------------------------------
// JSON with its keys in the order written (serde_json's own map sorts them).

/// A JSON value whose objects keep their keys in document order.
enum Json {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Json, E> {
        Ok(Json::Bool(b))
    }

    fn visit_u64<E>(self, n: u64) -> Result<Json, E> {
        Ok(Json::Number(n.to_string()))
    }

    fn visit_i64<E>(self, n: i64) -> Result<Json, E> {
        Ok(Json::Number(n.to_string()))
    }

    fn visit_f64<E>(self, n: f64) -> Result<Json, E> {
        Ok(Json::Number(n.to_string()))
    }

    fn visit_str<E>(self, s: &str) -> Result<Json, E> {
        Ok(Json::String(s.to_owned()))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut entries = Vec::new();
        while let Some((key, value)) = map.next_entry()? {
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

impl Json {
    /// The value in a few words, for messages.
    fn describe(&self) -> String {
        match self {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.clone(),
            Json::String(s) => format!("{s:?}"),
            Json::Array(items) => format!("an array of {}", items.len()),
            Json::Object(entries) => format!("an object of {} keys", entries.len()),
        }
    }
}

/// The path of `key` in the object at `path`.
fn child(path: &str, key: &str) -> String {
    if path == "." {
        format!(".{key}")
    } else {
        format!("{path}.{key}")
    }
}

/// Every value in `json`, each with its jq path (`.sites[].findings[]`), parents first.
fn walk<'j>(json: &'j Json, path: &str, out: &mut Vec<(String, &'j Json)>) {
    out.push((path.to_owned(), json));
    match json {
        Json::Array(items) => {
            for item in items {
                walk(item, &format!("{path}[]"), out);
            }
        }
        Json::Object(entries) => {
            for (key, value) in entries {
                walk(value, &child(path, key), out);
            }
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// The pages.

/// A console block: a command and what it writes to standard output.
#[derive(Debug)]
struct Example {
    line: usize,
    args: Vec<String>,
    output: Vec<String>,
    /// The block leaves out the start of the output (`...` first).
    cut_start: bool,
    /// The block leaves out the end of the output (`...` last).
    cut_end: bool,
}

impl Example {
    fn command(&self) -> String {
        format!("yanshou {}", self.args.join(" "))
    }

    /// The value of `--format`, if given.
    fn format(&self) -> Option<&str> {
        let at = self.args.iter().position(|a| a == "--format")?;
        self.args.get(at + 1).map(String::as_str)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TableKind {
    Keys,
    Codes,
    Columns,
}

/// A key, code or column table: its first column, in order.
#[derive(Debug)]
struct Table {
    line: usize,
    kind: TableKind,
    /// The jq path of the `###` heading above it (key and code tables).
    path: Option<String>,
    first: Vec<String>,
}

#[derive(Debug, Default)]
struct Section {
    title: String,
    examples: Vec<Example>,
    tables: Vec<Table>,
}

/// The text of a cell that is a single code span, `` `key` `` → `key`.
fn code_span(cell: &str) -> Option<&str> {
    let inner = cell.strip_prefix('`')?.strip_suffix('`')?;
    (!inner.is_empty() && !inner.contains('`')).then_some(inner)
}

/// The first code span of a heading that starts with `.`: the path it documents.
fn heading_path(heading: &str) -> Option<String> {
    heading
        .split('`')
        .skip(1)
        .step_by(2)
        .find(|span| span.starts_with('.'))
        .map(str::to_owned)
}

fn cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row.strip_suffix('|').unwrap_or(row);
    row.split('|').map(|c| c.trim().to_owned()).collect()
}

/// Reads `docs/output/<name>.md` into its sections. Anything outside the form above is a
/// problem, pushed onto `problems`.
fn read_page(name: &str, problems: &mut Vec<String>) -> Vec<Section> {
    let file = format!("docs/output/{name}.md");
    let text = std::fs::read_to_string(repo().join(&file))
        .unwrap_or_else(|e| panic!("{file}: {e} (every output has its page)"));
    let lines: Vec<&str> = text.lines().collect();
    let mut sections = vec![Section {
        title: "(before the first ## heading)".to_owned(),
        ..Section::default()
    }];
    let mut path: Option<String> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let at = i + 1;
        if let Some(info) = line.strip_prefix("```") {
            let end = (i + 1..lines.len())
                .find(|&j| lines[j].starts_with("```"))
                .unwrap_or_else(|| panic!("{file}:{at}: a code block that is never closed"));
            if info.trim() == "console" {
                let block = &lines[i + 1..end];
                match example(block, at) {
                    Ok(e) => sections.last_mut().unwrap().examples.push(e),
                    Err(why) => problems.push(format!("{file}:{at}: {why}")),
                }
            }
            i = end + 1;
            continue;
        }
        if let Some(title) = line.strip_prefix("## ") {
            sections.push(Section {
                title: title.to_owned(),
                ..Section::default()
            });
            path = None;
        } else if let Some(heading) = line.strip_prefix("### ") {
            path = heading_path(heading);
        } else if line.starts_with('|') {
            let end = (i..lines.len())
                .find(|&j| !lines[j].starts_with('|'))
                .unwrap_or(lines.len());
            match table(&lines[i..end], path.clone(), at) {
                Ok(t) => sections.last_mut().unwrap().tables.push(t),
                Err(why) => problems.push(format!("{file}:{at}: {why}")),
            }
            i = end;
            continue;
        }
        i += 1;
    }
    let intro = sections.remove(0);
    if !intro.examples.is_empty() || !intro.tables.is_empty() {
        problems.push(format!(
            "{file}: examples and tables belong under a ## heading"
        ));
    }
    sections
}

fn example(block: &[&str], line: usize) -> Result<Example, String> {
    let (first, output) = block.split_first().ok_or("an empty console block")?;
    let args = first
        .strip_prefix("$ yanshou ")
        .ok_or("a console block must start with `$ yanshou ARGS`")?;
    let mut output: Vec<String> = output.iter().map(|l| (*l).to_owned()).collect();
    if output.iter().any(|l| l.starts_with("$ ")) {
        return Err("one command per console block".to_owned());
    }
    let cut_start = output.first().is_some_and(|l| l == "...");
    if cut_start {
        output.remove(0);
    }
    let cut_end = output.last().is_some_and(|l| l == "...");
    if cut_end {
        output.pop();
    }
    if output.iter().any(|l| l == "...") {
        return Err("`...` may only open or close a block".to_owned());
    }
    Ok(Example {
        line,
        args: args.split_whitespace().map(str::to_owned).collect(),
        output,
        cut_start,
        cut_end,
    })
}

fn table(rows: &[&str], path: Option<String>, line: usize) -> Result<Table, String> {
    let header = cells(rows[0]);
    let kind = match header[0].as_str() {
        "key" => TableKind::Keys,
        "code" => TableKind::Codes,
        "column" => TableKind::Columns,
        other => {
            return Err(format!(
                "a table whose first header cell is `{other}`: tables here are key, code or column tables"
            ));
        }
    };
    if kind != TableKind::Columns && path.is_none() {
        return Err(
            "a key or code table needs a ### heading naming its path, e.g. `.sites[]`".to_owned(),
        );
    }
    if rows.len() < 2 || !cells(rows[1]).iter().all(|c| c.starts_with("---")) {
        return Err("a table needs its |---| line".to_owned());
    }
    let mut first = Vec::new();
    for row in &rows[2..] {
        let cells = cells(row);
        let name = code_span(&cells[0])
            .ok_or_else(|| format!("`{}`: the first cell must be one code span", cells[0]))?;
        first.push(name.to_owned());
    }
    if first.is_empty() {
        return Err("an empty table".to_owned());
    }
    Ok(Table {
        line,
        kind,
        path,
        first,
    })
}

// ---------------------------------------------------------------------------------------
// The codes of the enums behind the documented codes. Each list is made by a match with
// no catch-all arm, so a variant added to the enum stops this test from compiling until it
// is listed here, and then fails it until the page lists it too.

fn verdict_codes() -> Vec<String> {
    use yanshou::audit::Verdict;
    let code = |v: Verdict| match v {
        Verdict::Pass | Verdict::Rectify | Verdict::Incomplete => v.code().to_owned(),
    };
    [Verdict::Pass, Verdict::Rectify, Verdict::Incomplete]
        .map(code)
        .to_vec()
}

fn finding_status_codes() -> Vec<String> {
    use yanshou::audit::Status;
    let code = |s: Status| match s {
        Status::Pass
        | Status::Fail
        | Status::Unrecorded
        | Status::NotApplicable
        | Status::Waived => s.code().to_owned(),
    };
    [
        Status::Pass,
        Status::Fail,
        Status::Unrecorded,
        Status::NotApplicable,
        Status::Waived,
    ]
    .map(code)
    .into_iter()
    // Findings are the items that did not simply pass (`SiteResult::findings`).
    .filter(|c| c != "pass")
    .collect()
}

fn severity_codes() -> Vec<String> {
    use yanshou::checklist::Severity;
    let code = |s: Severity| match s {
        Severity::Mandatory | Severity::Advisory => serde_json::to_value(s)
            .unwrap()
            .as_str()
            .unwrap()
            .to_owned(),
    };
    [Severity::Mandatory, Severity::Advisory].map(code).to_vec()
}

fn follow_up_codes() -> Vec<String> {
    use yanshou::audit::recheck::FollowUp;
    let code = |f: FollowUp| match f {
        FollowUp::Fixed
        | FollowUp::StillFailing
        | FollowUp::Overdue
        | FollowUp::Pending
        | FollowUp::New
        | FollowUp::Waived
        | FollowUp::ToRecord
        | FollowUp::Recorded => f.code().to_owned(),
    };
    [
        FollowUp::Fixed,
        FollowUp::StillFailing,
        FollowUp::Overdue,
        FollowUp::Pending,
        FollowUp::New,
        FollowUp::Waived,
        FollowUp::ToRecord,
        FollowUp::Recorded,
    ]
    .map(code)
    .to_vec()
}

/// Every code the pages must document: page, path, and the codes the code can give.
fn known_codes() -> Vec<(&'static str, &'static str, Vec<String>)> {
    let phases = yanshou::record::campaign::PHASES
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    vec![
        ("check", ".campaign.phases[].key", phases),
        ("check", ".sites[].verdict", verdict_codes()),
        (
            "check",
            ".sites[].findings[].status",
            finding_status_codes(),
        ),
        ("check", ".sites[].findings[].severity", severity_codes()),
        ("rank", ".ranking[].verdict", verdict_codes()),
        ("recheck", ".sites[].verdict_before", verdict_codes()),
        ("recheck", ".sites[].verdict", verdict_codes()),
        ("recheck", ".sites[].items[].status", follow_up_codes()),
    ]
}

// ---------------------------------------------------------------------------------------
// Checking.

/// Runs an example's command from the repository: its standard output.
fn run(example: &Example) -> Result<String, String> {
    let out = Command::cargo_bin("yanshou")
        .unwrap()
        .current_dir(repo())
        .args(&example.args)
        .output()
        .unwrap();
    // Exit 2 with a document on stdout is a run with records it could not read (their
    // `errors` are the example); exit 2 without one is a failed example.
    let complete = out.status.code() == Some(2) && !out.stdout.is_empty();
    if !matches!(out.status.code(), Some(0 | 1)) && !complete {
        return Err(format!(
            "`{}` failed ({:?}): {}",
            example.command(),
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    String::from_utf8(out.stdout).map_err(|e| format!("`{}`: {e}", example.command()))
}

/// Whether the block is the output, or the part of it the block says it is.
fn shows(example: &Example, stdout: &str) -> Result<(), String> {
    let text = example.output.join("\n") + "\n";
    let (whole, needle) = (format!("\n{stdout}"), format!("\n{text}"));
    let found = match (example.cut_start, example.cut_end) {
        (false, false) => stdout == text,
        (false, true) => whole.starts_with(&needle),
        (true, false) => whole.ends_with(&needle),
        (true, true) => whole.contains(&needle),
    };
    if !found {
        let what = match (example.cut_start, example.cut_end) {
            (false, false) => "the output",
            (false, true) => "the start of the output",
            (true, false) => "the end of the output",
            (true, true) => "a run of lines of the output",
        };
        // The first line of the block that is not where the block says.
        let lines: Vec<&str> = stdout.lines().collect();
        let starts: Vec<usize> = match (example.cut_start, example.cut_end) {
            (false, _) => vec![0],
            (true, false) => vec![lines.len().saturating_sub(example.output.len())],
            (true, true) => (0..lines.len())
                .filter(|&i| example.output.first().is_some_and(|l| l == lines[i]))
                .collect(),
        };
        let matching = |start: usize| {
            example
                .output
                .iter()
                .enumerate()
                .find(|(i, l)| lines.get(start + i) != Some(&l.as_str()))
                .map_or(example.output.len(), |(i, _)| i)
        };
        // Where the block matches longest.
        let start = starts
            .iter()
            .copied()
            .max_by_key(|&s| matching(s))
            .unwrap_or(0);
        let differs = matching(start);
        return Err(format!(
            "the block is not {what} of `{}`: its line {} is\n  {:?}\nwhere the output has\n  {:?}",
            example.command(),
            differs + 1,
            example
                .output
                .get(differs)
                .map_or("(the block's end)", String::as_str),
            lines
                .get(start + differs)
                .copied()
                .unwrap_or("(the output's end)"),
        ));
    }
    if (example.cut_start || example.cut_end) && stdout == text {
        return Err(format!(
            "`{}`: the block is marked `...` but is the whole output",
            example.command()
        ));
    }
    Ok(())
}

/// Checks one section of a page against the outputs of its examples.
fn check_section(page: &str, section: &Section, problems: &mut Vec<String>) {
    let at = |line: usize| format!("docs/output/{page}.md:{line} ({})", section.title);
    let mut json_outputs: Vec<(usize, Json)> = Vec::new();
    let mut csv_outputs: Vec<(usize, String)> = Vec::new();
    for example in &section.examples {
        let here = at(example.line);
        if example.args.first().map(String::as_str) != Some(page) {
            problems.push(format!(
                "{here}: an example of `yanshou {page}` on its page"
            ));
        }
        if DATED.contains(&page) && !example.args.iter().any(|a| a == "--as-of") {
            problems.push(format!(
                "{here}: `{}` depends on the day: give --as-of",
                example.command()
            ));
        }
        let stdout = match run(example) {
            Ok(stdout) => stdout,
            Err(why) => {
                problems.push(format!("{here}: {why}"));
                continue;
            }
        };
        // Every CSV starts with a byte-order mark, which a page cannot show: it is checked
        // here, and the page shows what follows it.
        let stdout = match (example.format(), stdout.strip_prefix('\u{feff}')) {
            (Some("csv"), Some(rest)) => rest.to_owned(),
            (Some("csv"), None) => {
                problems.push(format!(
                    "{here}: the CSV does not start with a byte-order mark"
                ));
                continue;
            }
            _ => stdout,
        };
        if let Err(why) = shows(example, &stdout) {
            problems.push(format!("{here}: {why}"));
        }
        match example.format() {
            Some("json") => match serde_json::from_str::<Json>(&stdout) {
                Ok(json) => json_outputs.push((example.line, json)),
                Err(e) => problems.push(format!("{here}: not JSON: {e}")),
            },
            Some("csv") => csv_outputs.push((example.line, stdout)),
            _ => problems.push(format!(
                "{here}: examples here show --format json or --format csv"
            )),
        }
    }

    // Every JSON document opens with its schema version.
    for (line, json) in &json_outputs {
        let first = match json {
            Json::Object(entries) => entries.first(),
            _ => None,
        };
        match first {
            Some((key, Json::Number(n))) if key == "schema_version" => {
                if *n != SCHEMA_VERSION.to_string() {
                    problems.push(format!("{}: schema_version {n}", at(*line)));
                }
            }
            _ => problems.push(format!(
                "{}: the document does not open with schema_version",
                at(*line)
            )),
        }
    }

    // Key tables against every object of every JSON output.
    let mut documented: BTreeMap<&str, &Table> = BTreeMap::new();
    for t in section.tables.iter().filter(|t| t.kind == TableKind::Keys) {
        let path = t.path.as_deref().unwrap();
        if documented.insert(path, t).is_some() {
            problems.push(format!("{}: `{path}` documented twice", at(t.line)));
        }
    }
    if !documented.is_empty() && json_outputs.is_empty() {
        problems.push(format!(
            "{}: key tables without a JSON example to check them against",
            at(section.tables[0].line)
        ));
    }
    let mut values: Vec<(String, &Json)> = Vec::new();
    for (_, json) in &json_outputs {
        walk(json, ".", &mut values);
    }
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut undocumented: BTreeSet<String> = BTreeSet::new();
    // Each wrong set of keys is told once, however many objects have it.
    let mut told: BTreeSet<(String, Vec<&str>)> = BTreeSet::new();
    for (path, value) in &values {
        let Json::Object(entries) = value else {
            continue;
        };
        let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
        match documented.get_key_value(path.as_str()) {
            None => {
                if undocumented.insert(path.clone()) {
                    problems.push(format!(
                        "docs/output/{page}.md ({}): the output has an object at `{path}` that the page does not document; its keys: {keys:?}",
                        section.title
                    ));
                }
            }
            Some((documented_path, table)) => {
                seen.insert(documented_path);
                if keys != table.first && told.insert((path.clone(), keys.clone())) {
                    problems.push(format!(
                        "{}: the keys of `{path}` are\n  {keys:?}\nbut the page documents\n  {:?}",
                        at(table.line),
                        table.first
                    ));
                }
            }
        }
    }
    for (path, table) in &documented {
        if !seen.contains(path) {
            problems.push(format!(
                "{}: `{path}` is documented, but no example's output has an object there",
                at(table.line)
            ));
        }
    }

    // Code tables: the codes of the enum behind them, and every value the outputs give.
    let known = known_codes();
    for t in section.tables.iter().filter(|t| t.kind == TableKind::Codes) {
        let path = t.path.as_deref().unwrap();
        let (parent, key) = path.rsplit_once('.').unwrap();
        let parent = if parent.is_empty() { "." } else { parent };
        if !documented
            .get(parent)
            .is_some_and(|keys| keys.first.iter().any(|k| k == key))
        {
            problems.push(format!(
                "{}: codes of `{path}`, a key no key table of this section documents",
                at(t.line)
            ));
        }
        match known.iter().find(|(p, k, _)| *p == page && *k == path) {
            None => problems.push(format!(
                "{}: codes of `{path}` that this test does not know: add the enum to known_codes()",
                at(t.line)
            )),
            Some((_, _, codes)) => {
                let want: BTreeSet<&String> = codes.iter().collect();
                let have: BTreeSet<&String> = t.first.iter().collect();
                if want != have || t.first.len() != codes.len() {
                    problems.push(format!(
                        "{}: the page lists the codes {:?} for `{path}`; the code has {codes:?}",
                        at(t.line),
                        t.first
                    ));
                }
            }
        }
        for (p, value) in &values {
            if p != path {
                continue;
            }
            match value {
                Json::String(s) if t.first.contains(s) => {}
                other => problems.push(format!(
                    "{}: `{path}` is {} in the output, not a code listed",
                    at(t.line),
                    other.describe()
                )),
            }
        }
    }

    // Column tables against every CSV header.
    let columns: Vec<&Table> = section
        .tables
        .iter()
        .filter(|t| t.kind == TableKind::Columns)
        .collect();
    let csv_examples = section
        .examples
        .iter()
        .filter(|e| e.format() == Some("csv"))
        .count();
    match (columns.as_slice(), csv_examples == 0) {
        ([], true) => {}
        ([], false) => problems.push(format!(
            "docs/output/{page}.md ({}): CSV examples without a column table",
            section.title
        )),
        ([_], true) => problems.push(format!(
            "{}: a column table without a CSV example to check it against",
            at(columns[0].line)
        )),
        ([table], false) => {
            let documented = table.first.join(",");
            for (line, csv) in &csv_outputs {
                let header = csv.lines().next().unwrap_or_default();
                if header != documented {
                    problems.push(format!(
                        "{}: the CSV header of the example at line {line} is\n  {header}\nbut the page documents\n  {documented}",
                        at(table.line)
                    ));
                }
                if csv.starts_with('\u{feff}') || csv.contains('\r') {
                    problems.push(format!(
                        "{}: the page says one byte-order mark and \\n line ends",
                        at(*line)
                    ));
                }
            }
        }
        _ => problems.push(format!(
            "{}: one column table per section",
            at(columns[1].line)
        )),
    }
}

#[test]
fn every_output_page_is_the_real_output() {
    let mut problems = Vec::new();
    for page in PAGES {
        let sections = read_page(page, &mut problems);
        for section in &sections {
            check_section(page, section, &mut problems);
        }
        let tables = || sections.iter().flat_map(|s| &s.tables);
        let roots = tables()
            .filter(|t| t.kind == TableKind::Keys && t.path.as_deref() == Some("."))
            .count();
        if roots == 0 {
            problems.push(format!(
                "docs/output/{page}.md documents no JSON document (`.`)"
            ));
        }
        if page != "deadline" && !tables().any(|t| t.kind == TableKind::Columns) {
            problems.push(format!("docs/output/{page}.md documents no CSV columns"));
        }
        // `deadline` writes two documents: both are shown, each in its section.
        if page == "deadline" {
            for between in [false, true] {
                if !sections
                    .iter()
                    .flat_map(|s| &s.examples)
                    .any(|e| e.args.iter().any(|a| a == "--between") == between)
                {
                    problems.push(format!(
                        "docs/output/deadline.md shows no `deadline{}` example",
                        if between { " --between" } else { " DATE" }
                    ));
                }
            }
        }
        // Every code the command writes is documented on its page.
        for (p, path, _) in known_codes() {
            if p == page
                && !tables().any(|t| t.kind == TableKind::Codes && t.path.as_deref() == Some(path))
            {
                problems.push(format!("docs/output/{page}.md lists no codes for `{path}`"));
            }
        }
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n\n"));
}

#[test]
fn the_json_index_links_every_page() {
    let index = std::fs::read_to_string(repo().join("docs/json.md")).unwrap();
    for page in PAGES {
        assert!(
            index.contains(&format!("(output/{page}.md)")),
            "docs/json.md does not link output/{page}.md"
        );
    }
    assert!(index.contains("schema_version"));
}

#[test]
fn each_command_help_points_to_its_page() {
    for page in PAGES {
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .args([page, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(
            help.contains(&format!("docs/output/{page}.md")),
            "`yanshou {page} --help` does not point to docs/output/{page}.md:\n{help}"
        );
        assert!(
            !help.contains("docs/json.md"),
            "`yanshou {page} --help` still points to docs/json.md"
        );
    }
    // Only check's CSV has a row per finding.
    for (page, row) in [
        ("rank", "one row per site"),
        ("recheck", "one row per followed-up item"),
    ] {
        let out = Command::cargo_bin("yanshou")
            .unwrap()
            .args([page, "--help"])
            .output()
            .unwrap();
        let help = String::from_utf8(out.stdout).unwrap();
        assert!(!help.contains("one row per finding"), "{page}: {help}");
        assert!(help.contains(row), "{page} --help does not say {row:?}");
    }
}
