//! `number`: a measured quantity with a unit, within bounds.
//!
//! ```toml
//! kind = "number"
//! min = 60        # inclusive: 以上 includes the bound (ruling 1)
//! max = 200       # optional; at least one of min/max
//! unit = "m²"
//! ```
//!
//! Observed: a non-negative number. Passes when `min ≤ value ≤ max`.

use super::{Judgement, Raw, Value, bounds, format_number};
use crate::source::Fields;

/// Settings of a `number` item.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Unit shown after values ("m²").
    pub unit: String,
}

impl Number {
    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "min": { "type": "number", "description": "inclusive lower bound (以上 includes the bound)" },
                "max": { "type": "number", "description": "inclusive upper bound" },
                "unit": { "type": "string", "description": "unit shown after values, e.g. m²" }
            }),
            &["unit"],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<Number> {
        let unit = fields.required_string("unit");
        let (min, max) = bounds(fields, |f, key| {
            let value = f.number(key)?;
            if !value.get_ref().is_finite() {
                f.report(
                    value.span(),
                    crate::tr!("`{key}` 应为有限数字", "`{key}` must be a finite number"),
                );
                return None;
            }
            Some(value)
        })?;
        Some(Number {
            min,
            max,
            unit: unit?.into_inner(),
        })
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        let n = match raw {
            Raw::Integer(i) => i as f64,
            Raw::Float(f) => f,
            other => {
                let (unit, found) = (&self.unit, other.describe());
                return Err(crate::tr!(
                    "应为以 {unit} 计的数字（如 62.5），实为{found}",
                    "expected a number in {unit} (e.g. 62.5), found {found}"
                ));
            }
        };
        if !n.is_finite() {
            let unit = &self.unit;
            return Err(crate::tr!(
                "应为以 {unit} 计的有限数字，实为 {n}",
                "expected a finite number in {unit}, found {n}"
            ));
        }
        if n < 0.0 {
            let (unit, n) = (&self.unit, format_number(n));
            return Err(crate::tr!(
                "以 {unit} 计的量不能为负数，实为 {n}",
                "a measurement in {unit} cannot be negative, found {n}"
            ));
        }
        Ok(Value::Number(n))
    }

    pub(super) fn judge(&self, value: &Value) -> Judgement {
        let Some(n) = value.as_number() else {
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

#[cfg(test)]
mod tests {
    use super::super::testing::kind;
    use super::super::{Judgement, Kind, Raw, Value};
    use crate::lang::Lang;

    fn area() -> Kind {
        kind("kind = \"number\"\nmin = 60\nunit = \"m²\"\n").unwrap()
    }

    fn judge(k: &Kind, n: f64) -> Judgement {
        let v = k.accept(Raw::Float(n)).unwrap();
        k.judge(&v, &super::super::testing::NoFacts)
    }

    #[test]
    fn sixty_passes_and_just_below_fails() {
        let k = area();
        assert_eq!(judge(&k, 60.0), Judgement::Pass);
        assert_eq!(judge(&k, 120.0), Judgement::Pass);
        assert_eq!(judge(&k, 59.99), Judgement::fail());
        assert_eq!(judge(&k, 59.5), Judgement::fail());
    }

    #[test]
    fn upper_bound_is_inclusive() {
        let k = kind("kind = \"number\"\nmin = 1\nmax = 2.5\nunit = \"m\"\n").unwrap();
        assert_eq!(judge(&k, 2.5), Judgement::Pass);
        assert_eq!(judge(&k, 2.51), Judgement::fail());
        assert_eq!(judge(&k, 0.99), Judgement::fail());
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::Zh),
            "1 至 2.5 m"
        );
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::En),
            "1–2.5 m"
        );
    }

    #[test]
    fn integers_are_accepted_and_negatives_refused() {
        let k = area();
        assert_eq!(k.accept(Raw::Integer(60)), Ok(Value::Number(60.0)));
        let err = k.accept(Raw::Float(-3.0)).unwrap_err();
        assert!(err.contains("cannot be negative"), "{err}");
        let err = k.accept(Raw::Text("sixty".into())).unwrap_err();
        assert!(err.contains("expected a number in m²"), "{err}");
        assert!(k.accept(Raw::Float(f64::NAN)).is_err());
    }

    #[test]
    fn shows_values_with_unit() {
        let k = area();
        assert_eq!(
            super::super::testing::shown(&k, &Value::Number(59.5), Lang::Zh),
            "59.5 m²"
        );
        assert_eq!(
            super::super::testing::shown(&k, &Value::Number(60.0), Lang::Zh),
            "60 m²"
        );
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::Zh),
            "≥ 60 m²"
        );
    }

    #[test]
    fn bad_settings_are_refused() {
        let err = kind("kind = \"number\"\nunit = \"m²\"\n").unwrap_err();
        assert!(err[0].contains("give `min`, `max` or both"));
        let err = kind("kind = \"number\"\nmin = 5\nmax = 4\nunit = \"m\"\n").unwrap_err();
        assert!(err[0].contains("range is empty"));
        let err = kind("kind = \"number\"\nmin = 5\n").unwrap_err();
        assert!(err[0].contains("missing key `unit`"));
        let err = kind("kind = \"number\"\nmin = 5\nunit = \"m\"\nmembers = []\n").unwrap_err();
        assert!(err[0].contains("unknown key `members`"));
    }
}
