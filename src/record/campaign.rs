//! Reading `campaign.toml`: the settings of one inspection campaign.
//!
//! ```toml
//! name = "濮阳县2020年乡镇便民服务中心标准化建设检查验收"
//! county = "濮阳县"
//! rectification_working_days = 20     # clause 4.2
//! demonstration_sites = 2             # clause 4.2
//! demonstration_kind = "township"     # optional: the kind they are chosen from
//! notice_prefix = "濮政服验"           # optional: 发文字号 of rectification notices
//! issuer = "濮阳县人民政府政务服务中心" # optional: 发文机关署名 of the notices
//! copy_to = ["濮阳县人民政府办公室"]   # optional: 抄送 line of the notices
//! evidence_dir = "."                  # optional: evidence paths are relative to this folder
//! judged_on = 2020-06-30              # optional: the day judged on without --as-of (else today)
//!
//! [checklists]                        # site kind → checklist
//! township = "builtin:puyang-2020/township"
//! village = "checklists/village.toml" # a path is relative to the campaign folder
//!
//! [phases]
//! organisation = { start = 2020-04-27, end = 2020-05-27 }
//! acceptance = { start = 2020-05-28, end = 2020-06-18 }
//! ```

use jiff::civil::Date;

use crate::checklist::builtin;
use crate::source::{Fields, Problem, Problems, Source};

/// A campaign's settings.
#[derive(Clone, Debug, PartialEq)]
pub struct Campaign {
    /// The campaign's name.
    pub name: String,
    /// The county running it, optional.
    pub county: Option<String>,
    /// Which checklist judges each kind of site, in file order.
    pub checklists: Vec<(String, ChecklistSource)>,
    /// Working days a failing site has to rectify (clause 4.2: 20).
    pub rectification_working_days: u32,
    /// How many demonstration sites are chosen (clause 4.2: 2).
    pub demonstration_sites: u32,
    /// The campaign's phases (clause 4).
    pub phases: Vec<Phase>,
    /// An extra working-day calendar file, relative to the campaign folder.
    pub calendar: Option<String>,
    /// The day reports and checks of the campaign judge on when no `--as-of` is given
    /// (waivers, overdue items, which re-inspections count); today when not set.
    pub judged_on: Option<jiff::civil::Date>,
    /// The folder evidence paths are relative to, itself relative to the campaign folder;
    /// when not set, each record's evidence is relative to the record's own file.
    pub evidence_dir: Option<String>,
    /// The kind of site demonstration sites are chosen from; the first checklist's kind
    /// when not set (clause 4.2 picks two 便民服务中心, township centres).
    pub demonstration_kind: Option<String>,
    /// What rectification notice numbers (发文字号) start with, e.g. "濮政服验"; "验收整改"
    /// when not set.
    pub notice_prefix: Option<String>,
    /// The office that issues the rectification notices (发文机关署名), e.g.
    /// "濮阳县人民政府政务服务中心"; when not set a notice leaves the line to be written in.
    pub issuer: Option<String>,
    /// Who receives a copy of every notice (抄送机关), in order; none when not set.
    pub copy_to: Vec<String>,
    /// How ties of percentage and applicable maximum are broken before the site id
    /// (`tie_break`, ruling 13); the default when not set is fewer advisory misses.
    pub tie_break: Vec<crate::audit::rank::TieBreak>,
}

/// Where a checklist comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChecklistSource {
    /// One compiled into the binary, by name (`puyang-2020/township`).
    Builtin(String),
    /// A TOML file, relative to the campaign folder.
    Path(String),
}

/// A dated phase of the campaign.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// `organisation` or `acceptance`.
    pub key: String,
    /// First day, inclusive.
    pub start: Date,
    /// Last day, inclusive.
    pub end: Date,
}

/// The phases a campaign may date, in order.
pub const PHASES: &[&str] = &["organisation", "acceptance"];

impl Campaign {
    /// The campaign used when records stand alone: the built-in Puyang 2020 checklists and
    /// the clause 4.2 numbers, without phases.
    pub fn standalone() -> Campaign {
        Campaign {
            name: String::new(),
            county: None,
            checklists: builtin::DEFAULTS
                .iter()
                .map(|name| {
                    let kind = name.rsplit('/').next().unwrap_or(name).to_owned();
                    (kind, ChecklistSource::Builtin((*name).to_owned()))
                })
                .collect(),
            rectification_working_days: 20,
            demonstration_sites: 2,
            phases: Vec::new(),
            calendar: None,
            judged_on: None,
            evidence_dir: None,
            demonstration_kind: None,
            notice_prefix: None,
            issuer: None,
            copy_to: Vec::new(),
            tie_break: crate::audit::rank::TieBreak::DEFAULT_ORDER.to_vec(),
        }
    }

    /// The kind of site demonstration sites are chosen from.
    pub fn demonstrated_kind(&self) -> &str {
        self.demonstration_kind
            .as_deref()
            .or(self.checklists.first().map(|(kind, _)| kind.as_str()))
            .unwrap_or("township")
    }

    /// The phase with this key.
    pub fn phase(&self, key: &str) -> Option<&Phase> {
        self.phases.iter().find(|p| p.key == key)
    }

    /// Reads campaign settings from TOML text.
    pub fn from_toml(text: &str) -> Result<Campaign, Problems> {
        let source = Source::new(text);
        let doc = source.parse()?;
        let mut fields = Fields::new(&source, doc.get_ref(), doc.span());
        let mut problems: Vec<Problem> = Vec::new();
        let name = fields.required_string("name");
        let county = fields.string("county").map(|c| c.into_inner());
        let calendar = fields.string("calendar").map(|c| c.into_inner());
        let evidence_dir = fields.string("evidence_dir").map(|c| c.into_inner());
        let judged_on = fields.date("judged_on").map(|d| d.into_inner());
        let demonstration_kind = fields.string("demonstration_kind").map(|c| c.into_inner());
        let notice_prefix = not_blank(&mut fields, "notice_prefix");
        let issuer = not_blank(&mut fields, "issuer");
        let copy_to = copy_to(&mut fields);
        let tie_break = tie_break(&mut fields);
        let working_days = positive(&mut fields, "rectification_working_days", 20);
        let demonstration = positive(&mut fields, "demonstration_sites", 2);

        let mut checklists = Vec::new();
        match fields.table("checklists") {
            None => checklists = Campaign::standalone().checklists,
            Some((table, _)) => {
                for (kind, value) in table.iter() {
                    match value.get_ref().as_str() {
                        Some(s) if s.trim().is_empty() => {
                            problems.push(source.problem(value.span(), {
                                let kind = kind.get_ref();
                                crate::tr!(
                                    "`{kind}` 的清单是空的",
                                    "checklist for `{kind}` is empty"
                                )
                            }))
                        }
                        Some(s) => {
                            let src = match s.strip_prefix("builtin:") {
                                Some(name) if builtin::text(name).is_some() => {
                                    ChecklistSource::Builtin(name.to_owned())
                                }
                                Some(name) => {
                                    let known: Vec<&str> =
                                        builtin::CHECKLISTS.iter().map(|(n, _)| *n).collect();
                                    problems.push(source.problem(
                                        value.span(),
                                        {
                                            let known = known.join(", ");
                                            crate::tr!(
                                                "没有内置清单“{name}”：内置清单有 {known}",
                                                "no built-in checklist \"{name}\": built-in ones are {known}"
                                            )
                                        },
                                    ));
                                    continue;
                                }
                                None => ChecklistSource::Path(s.to_owned()),
                            };
                            checklists.push((kind.get_ref().to_string(), src));
                        }
                        None => problems.push(source.problem(value.span(), {
                            let kind = kind.get_ref();
                            crate::tr!(
                                "`{kind}` 的清单应为路径或 \"builtin:名称\"",
                                "checklist for `{kind}` must be a path or \"builtin:NAME\""
                            )
                        })),
                    }
                }
            }
        }

        let mut phases = Vec::new();
        if let Some((table, _)) = fields.table("phases") {
            for (key, value) in table.iter() {
                if !PHASES.contains(&key.get_ref().as_ref()) {
                    problems.push(source.problem(key.span(), {
                        let (key, phases) = (key.get_ref(), PHASES.join(", "));
                        crate::tr!(
                            "未知的阶段 `{key}`：阶段有 {phases}",
                            "unknown phase `{key}`: phases are {phases}"
                        )
                    }));
                    continue;
                }
                let Some(inner) = value.get_ref().as_table() else {
                    problems.push(source.problem(value.span(), {
                        let key = key.get_ref();
                        crate::tr!(
                            "阶段 `{key}` 应写成 {{ start = 日期, end = 日期 }}",
                            "phase `{key}` must be {{ start = DATE, end = DATE }}"
                        )
                    }));
                    continue;
                };
                let mut phase_fields = Fields::new(&source, inner, value.span());
                let start = phase_fields.date("start");
                let end = phase_fields.date("end");
                match (start, end) {
                    (Some(s), Some(e)) if s.get_ref() > e.get_ref() => phase_fields.report(
                        e.span(),
                        crate::tr!("阶段的结束早于开始", "the phase ends before it starts"),
                    ),
                    (Some(s), Some(e)) => phases.push(Phase {
                        key: key.get_ref().to_string(),
                        start: s.into_inner(),
                        end: e.into_inner(),
                    }),
                    _ => phase_fields.report(value.span(), {
                        let key = key.get_ref();
                        crate::tr!(
                            "阶段 `{key}` 需要 `start` 和 `end` 两个日期",
                            "phase `{key}` needs `start` and `end` dates"
                        )
                    }),
                }
                let key = key.get_ref();
                problems.extend(phase_fields.finish(&crate::tr!("阶段 `{key}`", "phase `{key}`")));
            }
        }
        phases.sort_by_key(|p| PHASES.iter().position(|k| *k == p.key));

        problems.extend(fields.finish("campaign.toml"));
        problems.sort_by_key(|p| (p.line, p.column));
        if !problems.is_empty() {
            return Err(Problems(problems));
        }
        Ok(Campaign {
            name: name.map(|n| n.into_inner()).unwrap_or_default(),
            county,
            checklists,
            rectification_working_days: working_days,
            demonstration_sites: demonstration,
            phases,
            calendar,
            evidence_dir,
            judged_on,
            demonstration_kind,
            notice_prefix,
            issuer,
            copy_to,
            tie_break,
        })
    }
}

/// `tie_break = ["inspected_on", "advisory_misses"]`: the order of the criteria that break
/// a tie of percentage and applicable maximum, before the site id. Each at most once.
fn tie_break(fields: &mut Fields<'_, '_>) -> Vec<crate::audit::rank::TieBreak> {
    use crate::audit::rank::TieBreak;
    let Some(names) = fields.strings("tie_break") else {
        return TieBreak::DEFAULT_ORDER.to_vec();
    };
    let mut order = Vec::new();
    for name in names {
        match TieBreak::named(name.get_ref()) {
            Some(t) if !order.contains(&t) => order.push(t),
            Some(_) => {
                let shown = name.get_ref();
                fields.report(
                    name.span(),
                    crate::tr!(
                        "`tie_break` 中“{shown}”写了两次",
                        "`tie_break` lists \"{shown}\" twice"
                    ),
                );
            }
            None => {
                let (shown, known) = (
                    name.get_ref(),
                    TieBreak::CONFIGURABLE
                        .iter()
                        .map(|(n, _)| *n)
                        .collect::<Vec<_>>()
                        .join(", "),
                );
                fields.report(
                    name.span(),
                    crate::tr!(
                        "`tie_break` 中的“{shown}”不是可用的并列规则：可用 {known}",
                        "`tie_break` names \"{shown}\", not a tie-break rule: use {known}"
                    ),
                );
            }
        }
    }
    order
}

/// A text key that, when written, must say something: a blank issuer or prefix would
/// print a notice with a hole where the office or number goes.
fn not_blank(fields: &mut Fields<'_, '_>, key: &'static str) -> Option<String> {
    let value = fields.string(key)?;
    if value.get_ref().trim().is_empty() {
        fields.report(
            value.span(),
            crate::tr!(
                "`{key}` 是空的：写上内容，或删去这一行",
                "`{key}` is blank: write it, or delete the line"
            ),
        );
        return None;
    }
    Some(value.get_ref().trim().to_owned())
}

/// `copy_to = ["…", "…"]`: the offices a copy of each notice goes to (抄送), none blank.
fn copy_to(fields: &mut Fields<'_, '_>) -> Vec<String> {
    let Some(names) = fields.strings("copy_to") else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        if name.get_ref().trim().is_empty() {
            fields.report(
                name.span(),
                crate::tr!(
                    "`copy_to` 中有空的机关名称",
                    "`copy_to` lists a blank office name"
                ),
            );
        } else {
            out.push(name.get_ref().trim().to_owned());
        }
    }
    out
}

fn positive(fields: &mut Fields<'_, '_>, key: &'static str, default: u32) -> u32 {
    match fields.integer(key) {
        None => default,
        Some(v) => match u32::try_from(*v.get_ref()) {
            Ok(n) if n > 0 && n <= 1000 => n,
            _ => {
                fields.report(
                    v.span(),
                    crate::tr!(
                        "`{key}` 应为 1 到 1000 的整数",
                        "`{key}` must be a whole number from 1 to 1000"
                    ),
                );
                default
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_settings_and_phases() {
        let c = Campaign::from_toml(
            "name = \"x\"\nrectification_working_days = 15\n[checklists]\ntownship = \"builtin:puyang-2020/township\"\n[phases]\nacceptance = { start = 2020-05-28, end = 2020-06-18 }\n",
        )
        .unwrap();
        assert_eq!(c.rectification_working_days, 15);
        assert_eq!(c.demonstration_sites, 2);
        assert_eq!(c.checklists.len(), 1);
        assert_eq!(
            c.phase("acceptance").unwrap().end,
            jiff::civil::date(2020, 6, 18)
        );
    }

    #[test]
    fn defaults_to_builtin_checklists() {
        let c = Campaign::from_toml("name = \"x\"\n").unwrap();
        let kinds: Vec<&str> = c.checklists.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(kinds, ["township", "village"]);
    }

    #[test]
    fn reads_the_issuing_office_and_copy_recipients() {
        let c = Campaign::from_toml(
            "name = \"x\"\nnotice_prefix = \"濮政服验\"\nissuer = \"濮阳县人民政府政务服务中心\"\ncopy_to = [\"濮阳县人民政府办公室\", \"各乡镇人民政府\"]\n",
        )
        .unwrap();
        assert_eq!(c.notice_prefix.as_deref(), Some("濮政服验"));
        assert_eq!(c.issuer.as_deref(), Some("濮阳县人民政府政务服务中心"));
        assert_eq!(c.copy_to, ["濮阳县人民政府办公室", "各乡镇人民政府"]);
        let plain = Campaign::from_toml("name = \"x\"\n").unwrap();
        assert_eq!((plain.issuer, plain.copy_to.len()), (None, 0));
    }

    #[test]
    fn issuing_keys_are_validated() {
        let err = Campaign::from_toml(
            "name = \"x\"\nissuer = \"  \"\ncopy_to = \"濮阳县人民政府办公室\"\nissuers = \"y\"\n",
        )
        .unwrap_err();
        let messages: Vec<String> = err.0.iter().map(|p| p.to_string()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("2:") && m.contains("`issuer` is blank")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("3:") && m.contains("`copy_to` must be a list of strings")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("4:") && m.contains("unknown key `issuers`")),
            "{messages:?}"
        );
        let blank = Campaign::from_toml("name = \"x\"\ncopy_to = [\"a\", \" \"]\n").unwrap_err();
        assert!(
            blank.0[0].to_string().contains("blank office name"),
            "{}",
            blank.0[0]
        );
    }

    #[test]
    fn problems_are_located() {
        let err = Campaign::from_toml(
            "name = \"x\"\nrectification_working_days = -3\n[checklists]\ntownship = \"builtin:nowhere\"\n[phases]\nacceptance = { start = 2020-06-18, end = 2020-05-28 }\nharvest = { start = 2020-01-01, end = 2020-01-02 }\n",
        )
        .unwrap_err();
        let messages: Vec<String> = err.0.iter().map(|p| p.to_string()).collect();
        assert!(
            messages[0].starts_with("2:") && messages[0].contains("from 1 to 1000"),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("4:") && m.contains("no built-in checklist"))
        );
        assert!(messages.iter().any(|m| m.contains("ends before it starts")));
        assert!(
            messages
                .iter()
                .any(|m| m.starts_with("7:") && m.contains("unknown phase `harvest`"))
        );
    }
}
