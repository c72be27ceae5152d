//! `includes`: a set that must contain listed members.
//!
//! ```toml
//! kind = "includes"
//! members = ["民政局", "人社局", "医保局", "公安局", "市场监管局"]
//! deduct_per_missing = 1   # optional: 扣分 per missing member, floored at zero (扣完为止)
//! ```
//!
//! Observed: a list of what was found. Members beyond the list are allowed (等 closes
//! nothing, ruling 3). Without `deduct_per_missing`, any missing member loses all points.

use super::{Judgement, Raw, Value};
use crate::lang::Lang;
use crate::points::Points;
use crate::source::Fields;

/// Settings of an `includes` item, fixed once read (its requirement text is worded from
/// them then).
#[derive(Clone, Debug, PartialEq)]
pub struct Includes {
    /// The members that must be present, in the standard's order.
    members: Vec<String>,
    /// Points deducted per missing member; `None` for all-or-nothing.
    deduct_per_missing: Option<Points>,
    /// What the item expects, in Chinese and in English, worded once when the checklist is
    /// read: every site missing a member shows it.
    expected: [String; 2],
}

impl Includes {
    /// Settings requiring `members`, with `deduct_per_missing` points off per missing one
    /// (`None`: all or nothing).
    pub fn new(members: Vec<String>, deduct_per_missing: Option<Points>) -> Includes {
        let expected =
            [Lang::Zh, Lang::En].map(|lang| expected(&members, deduct_per_missing, lang));
        Includes {
            members,
            deduct_per_missing,
            expected,
        }
    }

    /// The members that must be present, in the standard's order.
    pub fn members(&self) -> &[String] {
        &self.members
    }

    /// Points deducted per missing member; `None` for all-or-nothing.
    pub fn deduct_per_missing(&self) -> Option<Points> {
        self.deduct_per_missing
    }

    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "members": { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1, "uniqueItems": true, "description": "members that must be present; others are allowed" },
                "deduct_per_missing": { "type": "number", "exclusiveMinimum": 0, "description": "points off per missing member, floored at zero (扣完为止)" }
            }),
            &["members"],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<Includes> {
        let deduct = fields.number("deduct_per_missing");
        let members = match fields.strings("members") {
            Some(m) => m,
            None => {
                if fields.take("members").is_none() {
                    let span = fields.span();
                    fields.report(
                        span,
                        crate::tr!(
                            "缺少 `members`（须包含的事项列表）",
                            "missing key `members`"
                        ),
                    );
                }
                return None;
            }
        };
        let mut seen: Vec<String> = Vec::with_capacity(members.len());
        for member in &members {
            let name = member.get_ref().trim();
            if name.is_empty() {
                fields.report(
                    member.span(),
                    crate::tr!("`members` 中有一项是空的", "a member of `members` is empty"),
                );
            } else if seen.iter().any(|s| s == name) {
                fields.report(
                    member.span(),
                    crate::tr!(
                        "“{name}”在 `members` 中列了两次",
                        "member \"{name}\" is listed twice"
                    ),
                );
            } else {
                seen.push(name.to_owned());
            }
        }
        if seen.is_empty() {
            let span = fields.span();
            fields.report(
                span,
                crate::tr!(
                    "`members` 至少要列一项",
                    "`members` must list at least one member"
                ),
            );
            return None;
        }
        let deduct_per_missing = match deduct {
            None => None,
            Some(d) => match Points::from_decimal(*d.get_ref()) {
                Some(p) if p > Points::ZERO => Some(p),
                _ => {
                    fields.report(
                        d.span(),
                        crate::tr!(
                            "`deduct_per_missing` 应为正的分值，最多一位小数（如 1 或 0.5）",
                            "`deduct_per_missing` must be a positive number of points in tenths (e.g. 1 or 0.5)"
                        ),
                    );
                    return None;
                }
            },
        };
        Some(Includes::new(seen, deduct_per_missing))
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        match raw {
            Raw::List(found) => {
                let mut set: Vec<String> = Vec::with_capacity(found.len());
                for mut member in found {
                    let trimmed = member.trim();
                    if trimmed.is_empty() || set.iter().any(|m| m == trimmed) {
                        continue;
                    }
                    // The reader's strings are kept, so a list costs one allocation per
                    // member, not two.
                    if trimmed.len() != member.len() {
                        member = trimmed.to_owned();
                    }
                    set.push(member);
                }
                Ok(Value::Set(set))
            }
            other => {
                let first = self.members.first().map_or("", String::as_str);
                let found = other.describe();
                Err(crate::tr!(
                    "应为所见事项的列表，如 [\"{first}\"]，实为{found}",
                    "expected a list of what was found, e.g. [\"{first}\"], found {found}"
                ))
            }
        }
    }

    pub(super) fn judge(&self, value: &Value) -> Judgement {
        let Value::Set(found) = value else {
            return Judgement::fail();
        };
        let missing: Vec<String> = self
            .members
            .iter()
            .filter(|m| !found.contains(m))
            .cloned()
            .collect();
        if missing.is_empty() {
            return Judgement::Pass;
        }
        let deduction = self.deduct_per_missing.map(|d| d.times(missing.len()));
        Judgement::Fail { deduction, missing }
    }

    pub(super) fn expected(&self, lang: Lang) -> String {
        let [zh, en] = &self.expected;
        match lang {
            Lang::Zh => zh.clone(),
            Lang::En => en.clone(),
        }
    }
}

/// What an `includes` item of `members` expects, in `lang`.
fn expected(members: &[String], deduct_per_missing: Option<Points>, lang: Lang) -> String {
    let list = members.join(lang.list_separator());
    match (deduct_per_missing, lang) {
        (None, Lang::Zh) => format!("包含 {list}"),
        (None, Lang::En) => format!("includes {list}"),
        (Some(d), Lang::Zh) => format!("包含 {list}（每缺一项扣 {d} 分）"),
        (Some(d), Lang::En) => format!("includes {list} ({d} off per missing)"),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NoFacts, kind};
    use super::super::{Judgement, Raw, Value};
    use crate::lang::Lang;
    use crate::points::Points;

    const DEPARTMENTS: &str = "kind = \"includes\"\nmembers = [\"民政局\", \"人社局\", \"医保局\", \"公安局\", \"市场监管局\"]\ndeduct_per_missing = 1\n";

    fn found(list: &[&str]) -> Raw {
        Raw::List(list.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn one_missing_member_fails_and_names_it() {
        let k = kind(DEPARTMENTS).unwrap();
        let v = k
            .accept(found(&[
                "民政局",
                "人社局",
                "公安局",
                "市场监管局",
                "税务局",
            ]))
            .unwrap();
        assert_eq!(
            k.judge(&v, &NoFacts, Lang::Zh),
            Judgement::Fail {
                deduction: Some(Points::from_tenths(10)),
                missing: vec!["医保局".into()],
            }
        );
    }

    #[test]
    fn extra_members_are_allowed() {
        let k = kind(DEPARTMENTS).unwrap();
        let v = k
            .accept(found(&[
                "税务局",
                "民政局",
                "人社局",
                "医保局",
                "公安局",
                "市场监管局",
            ]))
            .unwrap();
        assert_eq!(k.judge(&v, &NoFacts, Lang::Zh), Judgement::Pass);
    }

    #[test]
    fn deduction_grows_per_missing_member() {
        let k = kind(DEPARTMENTS).unwrap();
        let v = k.accept(found(&[])).unwrap();
        match k.judge(&v, &NoFacts, Lang::Zh) {
            Judgement::Fail { deduction, missing } => {
                assert_eq!(deduction, Some(Points::from_tenths(50)));
                assert_eq!(missing.len(), 5);
            }
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn without_deduction_any_miss_loses_all() {
        let k = kind("kind = \"includes\"\nmembers = [\"a\", \"b\"]\n").unwrap();
        let v = k.accept(found(&["a"])).unwrap();
        assert_eq!(
            k.judge(&v, &NoFacts, Lang::Zh),
            Judgement::Fail {
                deduction: None,
                missing: vec!["b".into()]
            }
        );
    }

    #[test]
    fn found_members_are_trimmed_and_deduplicated() {
        let k = kind("kind = \"includes\"\nmembers = [\"a\"]\n").unwrap();
        let v = k.accept(found(&[" a ", "a", ""])).unwrap();
        assert_eq!(v, Value::Set(vec!["a".into()]));
        assert!(k.accept(Raw::Bool(true)).is_err());
    }

    #[test]
    fn bad_settings_are_refused() {
        let err = kind("kind = \"includes\"\nmembers = [\"a\", \"a\"]\n").unwrap_err();
        assert!(err[0].contains("listed twice"), "{err:?}");
        let err = kind("kind = \"includes\"\nmembers = []\n").unwrap_err();
        assert!(err[0].contains("at least one member"), "{err:?}");
        let err = kind("kind = \"includes\"\nmembers = [\"a\"]\ndeduct_per_missing = 0.25\n")
            .unwrap_err();
        assert!(err[0].contains("deduct_per_missing"), "{err:?}");
    }
}
