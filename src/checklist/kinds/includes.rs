//! `includes`: a set that must contain listed members.
//!
//! ```toml
//! kind = "includes"
//! members = ["民政局", "人社局", "医保局", "公安局", "市场监管局"]
//! deduct_per_missing = 1   # optional: 扣分 per missing member, floored at zero (扣完为止)
//! aliases = { "人社局" = ["人力资源和社会保障局"] }   # optional: other names of a member
//! ```
//!
//! Observed: a list of what was found. Members beyond the list are allowed (等 closes
//! nothing, ruling 3). Without `deduct_per_missing`, any missing member loses all points.
//! A member may be recorded by any of its aliases (ruling 11: words, not spellings); the
//! list keeps what the inspector wrote. When the item fails, an answer that is neither a
//! member nor an alias is shown as not recognised, with the missing member it is closest
//! to, so a misspelling is corrected in the record rather than failed.

use super::{Judgement, Raw, Value};
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
    /// Other names of members, each with its member: `(alias, member index)`.
    aliases: Vec<(String, usize)>,
}

impl Includes {
    /// Settings requiring `members`, with `deduct_per_missing` points off per missing one
    /// (`None`: all or nothing).
    pub fn new(members: Vec<String>, deduct_per_missing: Option<Points>) -> Includes {
        Includes {
            members,
            deduct_per_missing,
            aliases: Vec::new(),
        }
    }

    /// These settings, a member also recorded by its aliases: `(member, aliases)`.
    pub fn with_aliases(mut self, aliases: Vec<(String, Vec<String>)>) -> Includes {
        for (member, names) in aliases {
            if let Some(i) = self.members.iter().position(|m| *m == member) {
                self.aliases.extend(names.into_iter().map(|n| (n, i)));
            }
        }
        self
    }

    /// The other names of `member`.
    pub fn aliases_of<'s>(&'s self, member: &'s str) -> impl Iterator<Item = &'s str> + 's {
        let i = self.members.iter().position(|m| m == member);
        self.aliases
            .iter()
            .filter(move |(_, m)| Some(*m) == i)
            .map(|(a, _)| a.as_str())
    }

    /// The member an answer names, by its own name or an alias.
    fn member_of(&self, answer: &str) -> Option<usize> {
        self.members.iter().position(|m| m == answer).or_else(|| {
            self.aliases
                .iter()
                .find(|(a, _)| a == answer)
                .map(|(_, i)| *i)
        })
    }

    /// The answers of `found` that name no member: each with the missing member it is
    /// closest to, when one is close enough to be a likely misspelling.
    pub fn unrecognised(&self, found: &[String]) -> Vec<(String, Option<String>)> {
        let of: Vec<Option<usize>> = found.iter().map(|a| self.member_of(a)).collect();
        if of.iter().all(Option::is_some) {
            return Vec::new();
        }
        let missing: Vec<&str> = (0..self.members.len())
            .filter(|i| !of.contains(&Some(*i)))
            .map(|i| self.members[i].as_str())
            .collect();
        found
            .iter()
            .zip(&of)
            .filter(|(_, member)| member.is_none())
            .map(|(a, _)| {
                let near = missing
                    .iter()
                    .map(|m| (strsim::levenshtein(a, m), *m))
                    .filter(|(d, m)| *d <= (m.chars().count() / 2).max(1))
                    .min()
                    .map(|(_, m)| m.to_owned());
                (a.clone(), near)
            })
            .collect()
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
                "deduct_per_missing": { "type": "number", "exclusiveMinimum": 0, "description": "points off per missing member, floored at zero (扣完为止)" },
                "aliases": { "type": "object", "additionalProperties": { "type": "array", "items": { "type": "string", "minLength": 1 }, "minItems": 1 }, "description": "other names a member may be recorded by: member = [names] (ruling 11)" }
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
        let aliases = parse_aliases(fields, &seen)?;
        Some(Includes::new(seen, deduct_per_missing).with_aliases(aliases))
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
        // Each answer is looked up once, not once per member.
        let mut named = vec![false; self.members.len()];
        for i in found.iter().filter_map(|a| self.member_of(a)) {
            named[i] = true;
        }
        let missing: Vec<String> = self
            .members
            .iter()
            .zip(named)
            .filter(|(_, named)| !named)
            .map(|(m, _)| m.clone())
            .collect();
        if missing.is_empty() {
            return Judgement::Pass;
        }
        let deduction = self.deduct_per_missing.map(|d| d.times(missing.len()));
        Judgement::Fail { deduction, missing }
    }
}

/// The `aliases` table: each key a member, each value the other names it may be recorded
/// by. A name given to two members, or that is itself a member, would make an answer
/// ambiguous: refused. `None` after reporting a problem.
fn parse_aliases(
    fields: &mut Fields<'_, '_>,
    members: &[String],
) -> Option<Vec<(String, Vec<String>)>> {
    let Some((table, _)) = fields.table("aliases") else {
        return Some(Vec::new());
    };
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    let mut ok = true;
    for (key, value) in table.iter() {
        let member = key.get_ref().to_string();
        if !members.contains(&member) {
            let hint = crate::source::did_you_mean(crate::source::nearest(
                &member,
                members.iter().map(String::as_str),
            ));
            fields.report(
                key.span(),
                crate::tr!(
                    "`aliases` 的“{member}”不是 `members` 中的一项{hint}",
                    "`aliases` names \"{member}\", which is not one of `members`{hint}"
                ),
            );
            ok = false;
            continue;
        }
        let names: Option<Vec<String>> = value.get_ref().as_array().and_then(|a| {
            a.iter()
                .map(|n| n.get_ref().as_str().map(|s| s.trim().to_owned()))
                .collect()
        });
        let Some(names) = names.filter(|n| !n.is_empty() && n.iter().all(|s| !s.is_empty())) else {
            fields.report(
                value.span(),
                crate::tr!(
                    "“{member}”的别名应为非空的文字列表，如 [\"全称\"]",
                    "the aliases of \"{member}\" must be a list of texts, e.g. [\"full name\"]"
                ),
            );
            ok = false;
            continue;
        };
        for name in &names {
            let taken = members.contains(name)
                || out.iter().any(|(_, others)| others.contains(name))
                || names.iter().filter(|n| *n == name).count() > 1;
            if taken {
                fields.report(
                    value.span(),
                    crate::tr!(
                        "别名“{name}”重复，或本身就是一项：每个名称只能指一项",
                        "alias \"{name}\" is given twice or is a member itself: a name must name one member"
                    ),
                );
                ok = false;
            }
        }
        out.push((member, names));
    }
    ok.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NoFacts, kind};
    use super::super::{Judgement, Raw, Value};
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
            k.judge(&v, &NoFacts),
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
        assert_eq!(k.judge(&v, &NoFacts), Judgement::Pass);
    }

    #[test]
    fn deduction_grows_per_missing_member() {
        let k = kind(DEPARTMENTS).unwrap();
        let v = k.accept(found(&[])).unwrap();
        match k.judge(&v, &NoFacts) {
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
            k.judge(&v, &NoFacts),
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
