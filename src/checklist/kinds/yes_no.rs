//! `yes_no`: something is there or not.
//!
//! ```toml
//! kind = "yes_no"
//! expect = true   # optional, default true: `false` for "must not" requirements
//! ```
//!
//! Observed: `true` or `false`.

use super::{Judgement, Raw, Value};
use crate::source::Fields;

/// Settings of a `yes_no` item.
#[derive(Clone, Debug, PartialEq)]
pub struct YesNo {
    /// The answer that passes.
    pub expect: bool,
}

impl YesNo {
    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "expect": { "type": "boolean", "default": true, "description": "the answer that passes" }
            }),
            &[],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<YesNo> {
        let expect = fields.boolean("expect").is_none_or(|e| e.into_inner());
        Some(YesNo { expect })
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        match raw {
            Raw::Bool(b) => Ok(Value::Bool(b)),
            other => {
                let found = other.describe();
                Err(crate::tr!(
                    "应为 true 或 false，实为{found}",
                    "expected true or false, found {found}"
                ))
            }
        }
    }

    pub(super) fn judge(&self, value: &Value) -> Judgement {
        if *value == Value::Bool(self.expect) {
            Judgement::Pass
        } else {
            Judgement::fail()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NoFacts, kind};
    use super::super::{Judgement, Raw};
    use crate::lang::Lang;

    #[test]
    fn yes_passes_no_fails() {
        let k = kind("kind = \"yes_no\"\n").unwrap();
        let yes = k.accept(Raw::Bool(true)).unwrap();
        let no = k.accept(Raw::Bool(false)).unwrap();
        assert_eq!(k.judge(&yes, &NoFacts), Judgement::Pass);
        assert_eq!(k.judge(&no, &NoFacts), Judgement::fail());
        assert_eq!(super::super::testing::expected(&k, None, Lang::Zh), "是");
    }

    #[test]
    fn expect_false_inverts() {
        let k = kind("kind = \"yes_no\"\nexpect = false\n").unwrap();
        let no = k.accept(Raw::Bool(false)).unwrap();
        assert_eq!(k.judge(&no, &NoFacts), Judgement::Pass);
    }

    #[test]
    fn strings_are_not_booleans_in_toml() {
        let k = kind("kind = \"yes_no\"\n").unwrap();
        let err = k.accept(Raw::Text("yes".into())).unwrap_err();
        assert!(err.contains("expected true or false"), "{err}");
    }
}
