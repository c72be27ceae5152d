//! JSON for scripts. The shape is documented in `docs/output/check.md` (kept true by
//! `tests/output_docs.rs`) and is stable: the document opens with `schema_version`
//! ([`super::SCHEMA_VERSION`]), and within a version fields are only ever added. Verdicts
//! and statuses are ASCII words; observed values keep their type.

use std::io::{self, Write};

use serde::Serialize;

use super::{Renderer, SCHEMA_VERSION};
use crate::audit::{Outcome, Run, SiteResult, Totals, Verdict};
use crate::checklist::{Severity, Value};
use crate::lang::Lang;
use crate::points::Points;
use crate::record::waiver::Waiver;
use crate::render::Wording;

/// The JSON renderer: one document, written as the sites come.
pub struct Json {
    lang: Lang,
    sites: usize,
}

/// The sites of a run, each written with the separator before it (`join` drops the
/// first one when the part opens the list).
pub struct JsonPart {
    bytes: Vec<u8>,
    sites: usize,
}

impl Json {
    /// A JSON renderer speaking `lang` in titles and texts.
    pub fn new(lang: Lang) -> Json {
        Json { lang, sites: 0 }
    }
}

/// Writes `value` as pretty JSON that sits `depth` levels into the document: written
/// straight to `out`, rather than printed alone and then indented again line by line (a
/// file of many sites writes one per site).
fn write_nested(value: &impl Serialize, depth: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(
        out,
        Nested {
            depth,
            has_value: false,
        },
    );
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// serde_json's pretty formatter (two spaces a level), starting `depth` levels in.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn line<W: ?Sized + Write>(&self, out: &mut W, start: &[u8]) -> io::Result<()> {
        out.write_all(start)?;
        for _ in 0..self.depth {
            out.write_all(b"  ")?;
        }
        Ok(())
    }

    /// Opens an array or object.
    fn open<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        out.write_all(bracket)
    }

    /// Closes an array or object, on a line of its own unless it is empty.
    fn close<W: ?Sized + Write>(&mut self, out: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.line(out, b"\n")?;
        }
        out.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.open(out, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.close(out, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, out: &mut W, first: bool) -> io::Result<()> {
        self.line(out, if first { b"\n" } else { b",\n" })
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _out: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[derive(Serialize)]
struct Warning<'a> {
    site: &'a str,
    record: &'a str,
    message: String,
}

/// An evidence file a record cites, as `.evidence[]` writes it.
#[derive(Serialize)]
struct Evidence<'a> {
    site: &'a str,
    item: &'a str,
    record: &'a str,
    cited: &'a str,
    path: &'a str,
    state: &'static str,
    sha256: Option<&'a str>,
    size: Option<u64>,
}

impl<'a> Evidence<'a> {
    fn of(e: &'a crate::audit::EvidenceFile) -> Self {
        use crate::audit::EvidenceState;
        let state = match e.state {
            EvidenceState::Found { .. } => "found",
            EvidenceState::Missing => "missing",
            EvidenceState::Unreadable(_) => "unreadable",
        };
        Evidence {
            site: &e.site,
            item: &e.item,
            record: &e.record,
            cited: &e.cited,
            path: &e.path,
            state,
            sha256: e.digest().map(|(sha, _)| sha),
            size: e.digest().map(|(_, size)| size),
        }
    }
}

/// The tool and the inputs of a run, each input with its SHA-256.
#[derive(Serialize)]
struct Provenance<'a> {
    yanshou_version: &'static str,
    inputs: &'a [crate::audit::InputDigest],
}

/// A record that could not be read, as every document (check, rank, recheck) writes it.
#[derive(Serialize)]
pub(crate) struct ErrorJson<'a> {
    record: &'a str,
    row: Option<usize>,
    message: &'a str,
}

impl<'a> ErrorJson<'a> {
    /// The record as the documents write it: no row for a whole file.
    pub(crate) fn of(u: &'a crate::audit::UnreadRecord) -> Self {
        ErrorJson {
            record: &u.origin,
            row: (u.row > 0).then_some(u.row),
            message: &u.message,
        }
    }
}

#[derive(Serialize)]
struct Phase<'a> {
    key: &'a str,
    start: String,
    end: String,
    working_days: u32,
    working_days_provisional: bool,
}

#[derive(Serialize)]
struct Campaign<'a> {
    name: Option<&'a str>,
    county: Option<&'a str>,
    rectification_working_days: u32,
    demonstration_sites: u32,
    phases: Vec<Phase<'a>>,
    checklists: Vec<ChecklistRef<'a>>,
}

#[derive(Serialize)]
struct ChecklistRef<'a> {
    site_kind: &'a str,
    id: &'a str,
    version: &'a str,
    title: &'a str,
    total_points: Points,
}

#[derive(Serialize)]
struct Summary {
    sites: usize,
    pass: usize,
    rectify: usize,
    incomplete: usize,
    provisional_years: Vec<i16>,
}

#[derive(Serialize)]
struct Site<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    township: &'a str,
    village: Option<&'a str>,
    inspected_on: String,
    inspectors: std::borrow::Cow<'a, [String]>,
    record: &'a str,
    checklist: &'a str,
    score: Points,
    max_score: Points,
    percent: Points,
    not_applicable_points: Points,
    unrecorded_points: Points,
    grade: Option<&'a str>,
    verdict: &'static str,
    due: Option<String>,
    due_provisional: bool,
    findings: Vec<Finding<'a>>,
}

#[derive(Serialize)]
struct Finding<'a> {
    item: &'a str,
    clause: &'a str,
    title: &'a str,
    status: &'static str,
    observed: serde_json::Value,
    expected: String,
    severity: Severity,
    rectify: bool,
    points: Points,
    points_lost: Points,
    missing: &'a [String],
    unrecognised: Vec<Unrecognised<'a>>,
    reason: Option<String>,
    not_applicable_refused: bool,
    note: Option<&'a str>,
    evidence: &'a [String],
    waiver: Option<WaiverJson<'a>>,
    due: Option<String>,
    due_provisional: bool,
}

/// An answer of a failed `includes` item that names no member.
#[derive(Serialize)]
struct Unrecognised<'a> {
    answer: &'a str,
    did_you_mean: Option<&'a str>,
}

/// A waiver as every JSON document writes it (`check`'s findings, `recheck`'s items).
#[derive(Serialize)]
pub(crate) struct WaiverJson<'a> {
    reason: &'a str,
    approved_by: &'a str,
    approved_on: String,
    expires: String,
}

impl<'a> WaiverJson<'a> {
    /// The JSON of `waiver`: ISO dates, texts as approved.
    pub(crate) fn of(w: &'a Waiver) -> WaiverJson<'a> {
        WaiverJson {
            reason: &w.reason,
            approved_by: &w.approved_by,
            approved_on: w.approved_on.to_string(),
            expires: w.expires.to_string(),
        }
    }
}

fn observed(value: Option<&Value>) -> serde_json::Value {
    match value {
        None => serde_json::Value::Null,
        Some(Value::Number(n)) => serde_json::Number::from_f64(*n)
            .map_or(serde_json::Value::Null, serde_json::Value::Number),
        Some(Value::Count(c)) => serde_json::Value::from(*c),
        Some(Value::Bool(b)) => serde_json::Value::Bool(*b),
        Some(Value::Text(t)) => serde_json::Value::String(t.clone()),
        Some(Value::Set(members)) => serde_json::Value::from(members.clone()),
    }
}

fn finding<'a>(site: &SiteResult<'a>, o: &'a Outcome<'a>, lang: Lang) -> Finding<'a> {
    let reason = match o.observation.map(|obs| &obs.entry) {
        Some(crate::record::Entry::NotApplicable(reason)) => Some(reason.clone()),
        _ => o.undetermined(lang),
    };
    Finding {
        item: &o.item.id,
        clause: &o.item.clause,
        title: o.item.label(lang),
        status: o.status.code(),
        observed: observed(o.value),
        expected: o.expected(lang),
        severity: o.item.severity,
        rectify: o.needs_rectification(),
        points: o.item.points,
        points_lost: o.lost,
        missing: &o.missing,
        unrecognised: o
            .unrecognised
            .iter()
            .map(|(answer, near)| Unrecognised {
                answer,
                did_you_mean: near.as_deref(),
            })
            .collect(),
        reason,
        not_applicable_refused: o.not_applicable_refused,
        note: o.note(),
        evidence: o.evidence(),
        waiver: o.waiver.map(WaiverJson::of),
        due: site.due.map(|d| d.value().to_string()),
        due_provisional: site.due.is_some_and(|d| d.is_provisional()),
    }
}

fn site<'a>(s: &'a SiteResult<'a>, lang: Lang) -> Site<'a> {
    let r = s.record;
    Site {
        id: &r.id,
        name: &r.name,
        kind: &r.kind,
        township: &r.township,
        village: r.village.as_deref(),
        inspected_on: {
            let mut date = String::with_capacity(10);
            super::push_date(&mut date, r.inspected_on);
            date
        },
        inspectors: r.inspectors.names(),
        record: &r.origin,
        checklist: &s.checklist.id,
        score: s.score.earned,
        max_score: s.score.max,
        percent: s.score.percent(),
        not_applicable_points: s.score.not_applicable,
        unrecorded_points: s.score.unrecorded,
        grade: s.grade.map(|g| g.label(lang)),
        verdict: s.verdict.code(),
        due: s.due.map(|d| d.value().to_string()),
        due_provisional: s.due.is_some_and(|d| d.is_provisional()),
        findings: s.findings.iter().map(|o| finding(s, o, lang)).collect(),
    }
}

impl Renderer for Json {
    type Part = JsonPart;

    fn begin(&mut self, run: &Run<'_>, out: &mut dyn Write) -> io::Result<()> {
        let c = run.campaign;
        let lang = self.lang;
        let campaign = Campaign {
            name: (!c.name.is_empty()).then_some(c.name.as_str()),
            county: c.county.as_deref(),
            rectification_working_days: c.rectification_working_days,
            demonstration_sites: c.demonstration_sites,
            phases: run
                .phases
                .iter()
                .map(|p| Phase {
                    key: &p.key,
                    start: p.start.to_string(),
                    end: p.end.to_string(),
                    working_days: p.working_days.value(),
                    working_days_provisional: p.working_days.is_provisional(),
                })
                .collect(),
            checklists: run
                .checklists
                .iter()
                .map(|cl| ChecklistRef {
                    site_kind: &cl.site_kind,
                    id: &cl.id,
                    version: &cl.version,
                    title: cl.label(lang),
                    total_points: cl.total_points,
                })
                .collect(),
        };
        write!(
            out,
            "{{\n  \"schema_version\": {SCHEMA_VERSION},\n  \"campaign\": "
        )?;
        write_nested(&campaign, 1, out)?;
        // What the verdicts were made from.
        let provenance = Provenance {
            yanshou_version: env!("CARGO_PKG_VERSION"),
            inputs: &run.inputs,
        };
        out.write_all(b",\n  \"provenance\": ")?;
        write_nested(&provenance, 1, out)?;
        out.write_all(b",\n  \"sites\": [")
    }

    fn part(&self, bytes: usize) -> JsonPart {
        JsonPart {
            bytes: Vec::with_capacity(bytes),
            sites: 0,
        }
    }

    fn written(part: &JsonPart) -> usize {
        part.bytes.len()
    }

    fn site(&self, _run: &Run<'_>, s: &SiteResult<'_>, part: &mut JsonPart) -> io::Result<()> {
        part.sites += 1;
        part.bytes.extend_from_slice(b",\n    ");
        write_nested(&site(s, self.lang), 2, &mut part.bytes)
    }

    fn join(&mut self, part: JsonPart, out: &mut dyn Write) -> io::Result<()> {
        let written = match (self.sites, part.bytes.split_first()) {
            (0, Some((b',', rest))) => rest,
            _ => &part.bytes,
        };
        self.sites += part.sites;
        out.write_all(written)
    }

    fn finish(&mut self, _run: &Run<'_>, totals: &Totals, out: &mut dyn Write) -> io::Result<()> {
        let summary = Summary {
            sites: totals.sites,
            pass: totals.count(Verdict::Pass),
            rectify: totals.count(Verdict::Rectify),
            incomplete: totals.count(Verdict::Incomplete),
            provisional_years: totals
                .provisional
                .map(|span| span.years().collect())
                .unwrap_or_default(),
        };
        let late = totals.late.iter().map(|late| Warning {
            site: &late.site,
            record: &late.origin,
            message: format!(
                "inspected on {}, outside the acceptance phase",
                late.inspected_on
            ),
        });
        let expired = totals.expired.iter().map(|(w, origin)| Warning {
            site: &w.site,
            record: origin,
            message: format!(
                "the waiver of {} (approved by {} on {}) expired on {}: the item counts as a failure again",
                w.item, w.approved_by, w.approved_on, w.expires
            ),
        });
        let future = totals.after_judging_day.iter().map(|later| Warning {
            site: &later.site,
            record: &later.origin,
            message: format!(
                "inspected on {}, after the judging day: not counted",
                later.inspected_on
            ),
        });
        let unfound = totals.evidence.iter().filter_map(|e| {
            super::evidence_problem(e, Lang::En).map(|message| Warning {
                site: &e.site,
                record: &e.record,
                message,
            })
        });
        let warnings: Vec<Warning<'_>> = future.chain(late).chain(expired).chain(unfound).collect();
        let close = if self.sites == 0 { "]" } else { "\n  ]" };
        write!(out, "{close},\n  \"summary\": ")?;
        write_nested(&summary, 1, out)?;
        out.write_all(b",\n  \"warnings\": ")?;
        write_nested(&warnings, 1, out)?;
        // Records that could not be read: the document is still whole, and says so.
        let errors: Vec<ErrorJson<'_>> = totals.unread.iter().map(ErrorJson::of).collect();
        out.write_all(b",\n  \"errors\": ")?;
        write_nested(&errors, 1, out)?;
        let evidence: Vec<Evidence<'_>> = totals.evidence.iter().map(Evidence::of).collect();
        out.write_all(b",\n  \"evidence\": ")?;
        write_nested(&evidence, 1, out)?;
        out.write_all(b"\n}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_json_is_pretty_json_indented() {
        let value = serde_json::json!({
            "a": [1, [], {}, {"b": null, "c": ["x", "引号\"", 2.5]}],
            "d": {},
            "e": [[[]]],
            "f": "\n",
        });
        for depth in 0..4 {
            let mut nested = Vec::new();
            write_nested(&value, depth, &mut nested).unwrap();
            let indent = "  ".repeat(depth);
            let expected = serde_json::to_string_pretty(&value)
                .unwrap()
                .replace('\n', &format!("\n{indent}"));
            assert_eq!(
                String::from_utf8(nested).unwrap(),
                expected,
                "depth {depth}"
            );
        }
    }
}
