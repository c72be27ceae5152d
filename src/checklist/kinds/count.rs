//! `count`: a whole number in an inclusive range.
//!
//! ```toml
//! kind = "count"
//! min = 1         # 1 到 2 is inclusive at both ends (ruling 4)
//! max = 2
//! unit = "个"     # optional
//! ```
//!
//! Observed: a non-negative whole number.

use super::{Judgement, Raw, Value, bounds};
use crate::source::Fields;

/// Settings of a `count` item.
#[derive(Clone, Debug, PartialEq)]
pub struct Count {
    /// Inclusive lower bound.
    pub min: Option<i64>,
    /// Inclusive upper bound.
    pub max: Option<i64>,
    /// Unit shown after values ("个"), may be empty.
    pub unit: String,
}

impl Count {
    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "min": { "type": "integer", "minimum": 0, "description": "inclusive lower bound" },
                "max": { "type": "integer", "minimum": 0, "description": "inclusive upper bound" },
                "unit": { "type": "string", "description": "measure word shown after values, e.g. 个" }
            }),
            &[],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<Count> {
        let unit = fields
            .string("unit")
            .map(|u| u.into_inner())
            .unwrap_or_default();
        let (min, max) = bounds(fields, |f, key| {
            let value = f.integer(key)?;
            if *value.get_ref() < 0 {
                f.report(
                    value.span(),
                    crate::tr!(
                        "count 类型的 `{key}` 不能为负数",
                        "`{key}` of a count cannot be negative"
                    ),
                );
                return None;
            }
            Some(value)
        })?;
        Some(Count { min, max, unit })
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        accept_count(raw, &self.unit)
    }

    pub(super) fn judge(&self, value: &Value) -> Judgement {
        let Value::Count(n) = *value else {
            return Judgement::fail();
        };
        let above = self.min.is_none_or(|min| n >= min);
        let below = self.max.is_none_or(|max| n <= max);
        if above && below {
            Judgement::Pass
        } else {
            Judgement::fail()
        }
    }
}

/// A whole, non-negative number; `2.0` is accepted as 2, `2.5` is not.
pub(super) fn accept_count(raw: Raw, unit: &str) -> Result<Value, String> {
    let unit_hint = if unit.is_empty() {
        String::new()
    } else {
        crate::tr!("（{unit}）", " ({unit})")
    };
    let n = match raw {
        Raw::Integer(i) => i,
        Raw::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => f as i64,
        other => {
            let found = other.describe();
            return Err(crate::tr!(
                "应为整数{unit_hint}，实为{found}",
                "expected a whole number{unit_hint}, found {found}"
            ));
        }
    };
    if n < 0 {
        return Err(crate::tr!(
            "数量{unit_hint}不能为负数，实为 {n}",
            "a count{unit_hint} cannot be negative, found {n}"
        ));
    }
    Ok(Value::Count(n))
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NoFacts, kind};
    use super::super::{Judgement, Raw};
    use crate::lang::Lang;

    #[test]
    fn one_to_two_windows_inclusive() {
        let k = kind("kind = \"count\"\nmin = 1\nmax = 2\nunit = \"个\"\n").unwrap();
        let verdicts: Vec<bool> = (0..=3)
            .map(|n| {
                let v = k.accept(Raw::Integer(n)).unwrap();
                k.judge(&v, &NoFacts) == Judgement::Pass
            })
            .collect();
        assert_eq!(verdicts, [false, true, true, false]);
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::Zh),
            "1 至 2 个"
        );
    }

    #[test]
    fn fractions_and_negatives_are_refused() {
        let k = kind("kind = \"count\"\nmin = 1\n").unwrap();
        assert!(k.accept(Raw::Float(2.0)).is_ok());
        let err = k.accept(Raw::Float(2.5)).unwrap_err();
        assert!(err.contains("whole number"), "{err}");
        let err = k.accept(Raw::Integer(-1)).unwrap_err();
        assert!(err.contains("cannot be negative"), "{err}");
        assert!(kind("kind = \"count\"\nmin = -1\n").is_err());
    }
}
