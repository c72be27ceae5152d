//! `rule`: this item's number compared with another item's, scaled.
//!
//! ```toml
//! kind = "rule"
//! op = ">="                      # one of >=, >, <=, <, ==
//! factor = 2                     # optional, default 1
//! of = "windows.comprehensive"   # a number or count item of the same checklist
//! of_name = "综合窗口"            # optional: how to call that item in "expected"
//! of_name_en = "comprehensive windows"   # optional
//! unit = "名"                    # optional
//! ```
//!
//! Observed: this item's own number (the trainees). "Two trainees per comprehensive
//! window" (ruling 6) is `trainees >= 2 × windows.comprehensive`: 2 windows need 4. When the
//! other item has no value the rule cannot be judged and the item counts as unrecorded.

use super::count::accept_count;
use super::{Facts, Judgement, Raw, Undetermined, Value};
use crate::source::Fields;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    AtLeast,
    /// `>`
    Above,
    /// `<=`
    AtMost,
    /// `<`
    Below,
    /// `==`
    Equal,
}

impl Op {
    const ALL: [(&'static str, Op); 5] = [
        (">=", Op::AtLeast),
        (">", Op::Above),
        ("<=", Op::AtMost),
        ("<", Op::Below),
        ("==", Op::Equal),
    ];

    fn holds(self, left: f64, right: f64) -> bool {
        // Tolerate binary rounding of the factor (0.1 × 30 is not exactly 3).
        let eps = 1e-9 * right.abs().max(1.0);
        match self {
            Op::AtLeast => left >= right - eps,
            Op::Above => left > right + eps,
            Op::AtMost => left <= right + eps,
            Op::Below => left < right - eps,
            Op::Equal => (left - right).abs() <= eps,
        }
    }

    /// The comparison's sign as written: ≥, ≤, =.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::Above => ">",
            Op::AtMost => "≤",
            Op::Below => "<",
            Op::Equal => "=",
        }
    }
}

/// Settings of a `rule` item.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    /// How this item's number compares with the other's.
    pub op: Op,
    /// What the other item's number is multiplied by.
    pub factor: f64,
    /// The other item's id.
    pub of: String,
    /// Unit of this item's number, may be empty.
    pub unit: String,
    /// What to call the other item in Chinese ("综合窗口"); its id when absent.
    pub of_name: Option<String>,
    /// What to call it in English.
    pub of_name_en: Option<String>,
}

impl Rule {
    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "op": { "enum": [">=", ">", "<=", "<", "=="] },
                "factor": { "type": "number", "minimum": 0, "default": 1 },
                "of": { "type": "string", "description": "id of a number or count item of the same checklist" },
                "of_name": { "type": "string" },
                "of_name_en": { "type": "string" },
                "unit": { "type": "string" }
            }),
            &["op", "of"],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<Rule> {
        let op = fields.required_string("op");
        let of = fields.required_string("of");
        let unit = fields
            .string("unit")
            .map(|u| u.into_inner())
            .unwrap_or_default();
        let of_name = fields.string("of_name").map(|u| u.into_inner());
        let of_name_en = fields.string("of_name_en").map(|u| u.into_inner());
        let factor = match fields.number("factor") {
            None => 1.0,
            Some(f) if f.get_ref().is_finite() && *f.get_ref() >= 0.0 => f.into_inner(),
            Some(f) => {
                fields.report(
                    f.span(),
                    crate::tr!(
                        "`factor` 应为非负的有限数字",
                        "`factor` must be a finite, non-negative number"
                    ),
                );
                return None;
            }
        };
        let op = op?;
        let Some(&(_, parsed)) = Op::ALL.iter().find(|(s, _)| s == op.get_ref()) else {
            let known: Vec<&str> = Op::ALL.iter().map(|(s, _)| *s).collect();
            let (shown, known) = (op.get_ref(), known.join(" "));
            fields.report(
                op.span(),
                crate::tr!(
                    "未知的 `op`“{shown}”：请用 {known} 之一",
                    "unknown `op` \"{shown}\": use one of {known}"
                ),
            );
            return None;
        };
        Some(Rule {
            op: parsed,
            factor,
            of: of?.into_inner(),
            unit,
            of_name,
            of_name_en,
        })
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        match raw {
            Raw::Float(f) if f.fract() != 0.0 => {
                if f.is_finite() && f >= 0.0 {
                    Ok(Value::Number(f))
                } else {
                    Err(crate::tr!(
                        "应为非负数，实为 {f}",
                        "expected a non-negative number, found {f}"
                    ))
                }
            }
            other => accept_count(other, &self.unit),
        }
    }

    pub(super) fn judge(&self, value: &Value, facts: &dyn Facts) -> Judgement {
        let Some(mine) = value.as_number() else {
            return Judgement::fail();
        };
        let Some(other) = facts.value_of(&self.of).and_then(Value::as_number) else {
            return Judgement::Undetermined(Undetermined::OtherUnrecorded {
                of: self.of.clone(),
            });
        };
        if self.op.holds(mine, self.factor * other) {
            Judgement::Pass
        } else {
            Judgement::fail()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NoFacts, kind};
    use super::super::{Facts, Judgement, Raw, Value};
    use crate::lang::Lang;

    struct Windows(Value);
    impl Facts for Windows {
        fn site_field(&self, _: &str) -> Option<&str> {
            None
        }
        fn value_of(&self, item: &str) -> Option<&Value> {
            (item == "windows.comprehensive").then_some(&self.0)
        }
    }

    const TRAINEES: &str = "kind = \"rule\"\nop = \">=\"\nfactor = 2\nof = \"windows.comprehensive\"\nof_name = \"综合窗口\"\nunit = \"名\"\n";

    fn judge(trainees: i64, windows: i64) -> Judgement {
        let k = kind(TRAINEES).unwrap();
        let v = k.accept(Raw::Integer(trainees)).unwrap();
        k.judge(&v, &Windows(Value::Count(windows)))
    }

    #[test]
    fn two_trainees_per_comprehensive_window() {
        assert_eq!(judge(4, 2), Judgement::Pass);
        assert_eq!(judge(3, 2), Judgement::fail());
        assert_eq!(judge(2, 1), Judgement::Pass);
        assert_eq!(judge(1, 1), Judgement::fail());
        assert_eq!(judge(5, 2), Judgement::Pass);
    }

    #[test]
    fn expected_is_resolved_for_the_site() {
        let k = kind(TRAINEES).unwrap();
        let facts = Windows(Value::Count(2));
        assert_eq!(
            super::super::testing::expected(&k, Some(&facts), Lang::Zh),
            "≥ 4 名（综合窗口 2 × 2）"
        );
        assert_eq!(
            super::super::testing::expected(&k, Some(&facts), Lang::En),
            "≥ 4 名 (2 × 综合窗口 2)"
        );
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::Zh),
            "≥ 综合窗口 × 2"
        );
    }

    #[test]
    fn unrecorded_other_item_leaves_the_rule_undetermined() {
        let k = kind(TRAINEES).unwrap();
        let v = k.accept(Raw::Integer(4)).unwrap();
        assert!(matches!(
            k.judge(&v, &NoFacts),
            Judgement::Undetermined { .. }
        ));
    }

    #[test]
    fn operators_hold_at_their_bounds() {
        use super::Op;
        assert!(Op::AtLeast.holds(4.0, 4.0));
        assert!(!Op::Above.holds(4.0, 4.0));
        assert!(Op::AtMost.holds(4.0, 4.0));
        assert!(!Op::Below.holds(4.0, 4.0));
        assert!(Op::Equal.holds(3.0, 0.1 * 30.0));
        let err = kind("kind = \"rule\"\nop = \"=>\"\nof = \"a\"\n").unwrap_err();
        assert!(err[0].contains("unknown `op`"), "{err:?}");
    }
}
