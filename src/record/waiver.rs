//! Waivers: a county's recorded exception to one requirement at one site (a hall of 58 m²
//! in a rented building, approved until the new building opens). A waiver names who
//! approved it, why, and until when; from its expiry date on, the item counts again.
//!
//! ```toml
//! [[waivers]]
//! site = "wenliu"
//! item = "site.floor_area"
//! reason = "租用原粮站办公楼，新址建成前无法扩大"
//! approved_by = "县政务服务和大数据管理局 王建军"
//! approved_on = 2020-06-10
//! expires = 2020-09-30          # the first day it no longer applies
//! ```

use jiff::civil::Date;

use crate::source::{Fields, Problem, Problems, Source};

/// One approved exception.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    /// The site's id.
    pub site: String,
    /// The item's id.
    pub item: String,
    /// Why it was granted.
    pub reason: String,
    /// Who approved it.
    pub approved_by: String,
    /// When it was approved.
    pub approved_on: Date,
    /// The first day it no longer applies.
    pub expires: Date,
    /// Its line in the waivers file, for messages.
    pub line: usize,
}

impl Waiver {
    /// Whether the waiver applies on `day`: from its approval until the day before expiry.
    pub fn applies_on(&self, day: Date) -> bool {
        self.approved_on <= day && day < self.expires
    }

    /// Whether it had expired by `day`.
    pub fn expired_by(&self, day: Date) -> bool {
        day >= self.expires
    }
}

/// Reads a waivers file. Sites and items are checked later, against the records.
pub fn read(text: &str) -> Result<Vec<Waiver>, Problems> {
    let source = Source::new(text);
    let doc = source.parse()?;
    let mut top = Fields::new(&source, doc.get_ref(), doc.span());
    let mut problems: Vec<Problem> = Vec::new();
    let mut waivers: Vec<Waiver> = Vec::new();
    match top.take("waivers") {
        None => {}
        Some(value) => match value.get_ref().as_array() {
            None => top.report(
                value.span(),
                crate::tr!(
                    "`waivers` 应为表数组 `[[waivers]]`",
                    "`waivers` must be an array of tables `[[waivers]]`"
                ),
            ),
            Some(array) => {
                for entry in array.iter() {
                    let Some(table) = entry.get_ref().as_table() else {
                        problems.push(source.problem(
                            entry.span(),
                            crate::tr!("每项豁免应为一个表", "each waiver must be a table"),
                        ));
                        continue;
                    };
                    let mut fields = Fields::new(&source, table, entry.span());
                    let (line, _) = source.locate(entry.span().start);
                    let site = fields.required_string("site");
                    let item = fields.required_string("item");
                    let reason = fields.required_string("reason");
                    let approved_by = fields.required_string("approved_by");
                    let approved_on = fields.date("approved_on");
                    let expires = fields.date("expires");
                    for (key, present) in [
                        ("approved_on", approved_on.is_some()),
                        ("expires", expires.is_some()),
                    ] {
                        if !present && !table.contains_key(key) {
                            fields.report(
                                entry.span(),
                                crate::tr!(
                                    "缺少 `{key}`（日期，如 2020-06-10）",
                                    "missing key `{key}` (a date like 2020-06-10)"
                                ),
                            );
                        }
                    }
                    if let (Some(on), Some(ex)) = (&approved_on, &expires)
                        && ex.get_ref() <= on.get_ref()
                    {
                        fields.report(
                            ex.span(),
                            crate::tr!(
                                "`expires` 应晚于 `approved_on`",
                                "`expires` must come after `approved_on`"
                            ),
                        );
                    }
                    if let (Some(s), Some(i)) = (&site, &item)
                        && let Some(first) = waivers
                            .iter()
                            .find(|w| &w.site == s.get_ref() && &w.item == i.get_ref())
                    {
                        fields.report(
                            entry.span(),
                            {
                                let (site, item, line) = (s.get_ref(), i.get_ref(), first.line);
                                crate::tr!(
                                    "{site} / {item} 的第二项豁免（第一项在第 {line} 行）：每个站点的每个项目只保留一项",
                                    "a second waiver for {site} / {item} (the first is at line {line}): keep one per site and item"
                                )
                            },
                        );
                    }
                    let ok = fields.problems.is_empty();
                    problems.extend(fields.finish(&crate::tr!("豁免", "a waiver")));
                    if let (
                        true,
                        Some(site),
                        Some(item),
                        Some(reason),
                        Some(approved_by),
                        Some(approved_on),
                        Some(expires),
                    ) = (ok, site, item, reason, approved_by, approved_on, expires)
                    {
                        waivers.push(Waiver {
                            site: site.into_inner(),
                            item: item.into_inner(),
                            reason: reason.into_inner(),
                            approved_by: approved_by.into_inner(),
                            approved_on: approved_on.into_inner(),
                            expires: expires.into_inner(),
                            line,
                        });
                    }
                }
            }
        },
    }
    problems.extend(top.finish(&crate::tr!("豁免文件", "the waivers file")));
    problems.sort_by_key(|p| (p.line, p.column));
    if problems.is_empty() {
        Ok(waivers)
    } else {
        Err(Problems(problems))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = "[[waivers]]\nsite = \"wenliu\"\nitem = \"site.floor_area\"\nreason = \"租用\"\napproved_by = \"王\"\napproved_on = 2020-06-10\nexpires = 2020-09-30\n";

    #[test]
    fn a_waiver_applies_until_the_day_before_it_expires() {
        let w = &read(ONE).unwrap()[0];
        let day = |m, d| jiff::civil::date(2020, m, d);
        assert!(!w.applies_on(day(6, 9)));
        assert!(w.applies_on(day(6, 10)));
        assert!(w.applies_on(day(9, 29)));
        assert!(!w.applies_on(day(9, 30)));
        assert!(w.expired_by(day(9, 30)));
        assert!(!w.expired_by(day(9, 29)));
    }

    #[test]
    fn problems_are_located() {
        let bad = ONE.replace("expires = 2020-09-30", "expires = 2020-06-01");
        let err = read(&bad).unwrap_err();
        assert!(
            err.0[0].to_string().starts_with("7:") && err.0[0].message.contains("must come after"),
            "{err}"
        );
        let twice = format!("{ONE}{}", ONE.replace("王", "李"));
        let err = read(&twice).unwrap_err();
        assert!(
            err.0[0].to_string().starts_with("8:") && err.0[0].message.contains("a second waiver"),
            "{err}"
        );
        let err = read("[[waivers]]\nsite = \"x\"\n").unwrap_err();
        assert!(
            err.0
                .iter()
                .any(|p| p.message.contains("missing key `item`"))
        );
    }
}
