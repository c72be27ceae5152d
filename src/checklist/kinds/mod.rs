//! Item kinds: what an inspector records for an item and how it is judged.
//!
//! Each kind lives in its own file with its TOML keys, how it accepts an observation, how
//! it judges one, and how it describes what it expects. Adding a kind means adding a file
//! here and a variant to [`Kind`]; adding an *item* of an existing kind needs no code.

mod count;
mod includes;
mod number;
mod rule;
mod text;
mod yes_no;

pub use count::Count;
pub use includes::Includes;
pub use number::Number;
pub use rule::{Op, Rule};
pub use text::{LONGEST_FIELD, PatternError, Text};
pub use yes_no::YesNo;

use crate::points::Points;
use crate::source::Fields;

/// The kind of an item, with its kind-specific settings.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A measured quantity with a unit and bounds (net floor area ≥ 60 m²).
    Number(Number),
    /// A whole number in a range (1 to 2 comprehensive windows).
    Count(Count),
    /// Something present or not (an electronic notice screen).
    YesNo(YesNo),
    /// A set that must contain listed members (the five department windows).
    Includes(Includes),
    /// Text matched by a pattern (the sign's name).
    Text(Text),
    /// A number compared with another item's (trainees ≥ 2 × comprehensive windows).
    Rule(Rule),
}

/// The names the `kind` key accepts.
pub const KIND_NAMES: &[&str] = &["number", "count", "yes_no", "includes", "text", "rule"];

/// An observation after it has been checked against its item's kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A measurement (`number`, `rule` over numbers).
    Number(f64),
    /// A whole number (`count`, `rule`).
    Count(i64),
    /// Present or not (`yes_no`).
    Bool(bool),
    /// Free text (`text`).
    Text(String),
    /// Members found (`includes`), in the order recorded, without duplicates.
    Set(Vec<String>),
}

impl Value {
    /// The value as a number, for rules that compare items.
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::Count(c) => Some(*c as f64),
            _ => None,
        }
    }
}

/// An observation as a reader found it, before its kind has checked it.
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Float(f64),
    /// true / false.
    Bool(bool),
    /// Text.
    Text(String),
    /// A list of texts.
    List(Vec<String>),
}

impl Raw {
    /// What the value looks like, for "found …" in messages.
    pub fn describe(&self) -> String {
        match self {
            Raw::Integer(i) => crate::tr!("数字 {i}", "the number {i}"),
            Raw::Float(f) => crate::tr!("数字 {f}", "the number {f}"),
            Raw::Bool(b) => format!("{b}"),
            Raw::Text(t) => crate::tr!("文字“{t}”", "the text \"{t}\""),
            Raw::List(_) => crate::tr!("列表", "a list"),
        }
    }
}

/// What an item's judgement may need to know about the site beyond its own value.
pub trait Facts {
    /// A site field by name (`name`, `township`, `village`, `id`), for text patterns.
    fn site_field(&self, field: &str) -> Option<&str>;
    /// The recorded value of another item, for rules.
    fn value_of(&self, item: &str) -> Option<&Value>;
}

/// The outcome of judging one observed value.
#[derive(Clone, Debug, PartialEq)]
pub enum Judgement {
    /// The requirement is met.
    Pass,
    /// The requirement is not met.
    Fail {
        /// Points deducted; `None` means all of the item's points.
        deduction: Option<Points>,
        /// Members that are missing, for `includes`.
        missing: Vec<String>,
    },
    /// The value alone cannot decide (a rule whose other item is unrecorded).
    Undetermined(Undetermined),
}

/// Why a recorded value could not be judged (ruling 8): facts, for the renderers to word.
#[derive(Clone, Debug, PartialEq)]
pub enum Undetermined {
    /// A rule compares against an item that is not recorded.
    OtherUnrecorded {
        /// The item the rule compares against.
        of: String,
    },
    /// A site field a pattern puts in does not have the form the checklist asks of it.
    FieldUnfit {
        /// The site field (`township` …).
        field: &'static str,
        /// The record's value of the field, trimmed.
        value: String,
        /// The checklist's description of the form it must have.
        description: String,
    },
    /// The site's name does not contain a field a pattern puts in.
    NameLacksField {
        /// The site field (`township` …).
        field: &'static str,
        /// The record's value of the field, trimmed.
        value: String,
        /// The record's name.
        name: String,
    },
    /// The pattern does not compile with the site's fields put in.
    Pattern(PatternError),
}

impl Judgement {
    /// A failure that loses all of the item's points.
    pub fn fail() -> Judgement {
        Judgement::Fail {
            deduction: None,
            missing: Vec::new(),
        }
    }
}

impl Kind {
    /// Reads the kind-specific keys of an item whose `kind` is `name`. Problems go to
    /// `fields`; `None` when the kind is unknown or its keys are unusable.
    pub(crate) fn parse(name: &str, fields: &mut Fields<'_, '_>) -> Option<Kind> {
        Some(match name {
            "number" => Kind::Number(Number::parse(fields)?),
            "count" => Kind::Count(Count::parse(fields)?),
            "yes_no" => Kind::YesNo(YesNo::parse(fields)?),
            "includes" => Kind::Includes(Includes::parse(fields)?),
            "text" => Kind::Text(Text::parse(fields)?),
            "rule" => Kind::Rule(Rule::parse(fields)?),
            _ => return None,
        })
    }

    /// The kind's name as written in TOML.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Number(_) => "number",
            Kind::Count(_) => "count",
            Kind::YesNo(_) => "yes_no",
            Kind::Includes(_) => "includes",
            Kind::Text(_) => "text",
            Kind::Rule(_) => "rule",
        }
    }

    /// Checks a raw observation's type and range of sense (no negative areas); the error
    /// says what the kind expects.
    pub fn accept(&self, raw: Raw) -> Result<Value, String> {
        match self {
            Kind::Number(k) => k.accept(raw),
            Kind::Count(k) => k.accept(raw),
            Kind::YesNo(k) => k.accept(raw),
            Kind::Includes(k) => k.accept(raw),
            Kind::Text(k) => k.accept(raw),
            Kind::Rule(k) => k.accept(raw),
        }
    }

    /// Judges an accepted value.
    pub fn judge(&self, value: &Value, facts: &dyn Facts) -> Judgement {
        match self {
            Kind::Number(k) => k.judge(value),
            Kind::Count(k) => k.judge(value),
            Kind::YesNo(k) => k.judge(value),
            Kind::Includes(k) => k.judge(value),
            Kind::Text(k) => k.judge(value, facts),
            Kind::Rule(k) => k.judge(value, facts),
        }
    }

    /// What the item expects, as data the renderers word (`render::labels`). With
    /// `facts`, rules and patterns are resolved for the site (≥ 4); without, they are
    /// given as written.
    pub fn expectation(&self, facts: Option<&dyn Facts>) -> Expectation<'_> {
        match self {
            Kind::Number(k) => Expectation::Range {
                min: k.min.map(format_number),
                max: k.max.map(format_number),
                unit: &k.unit,
            },
            Kind::Count(k) => Expectation::Range {
                min: k.min.map(|n| n.to_string()),
                max: k.max.map(|n| n.to_string()),
                unit: &k.unit,
            },
            Kind::YesNo(k) => Expectation::Answer(k.expect),
            Kind::Includes(k) => Expectation::Members {
                members: k.members(),
                deduct_per_missing: k.deduct_per_missing(),
            },
            Kind::Text(k) => Expectation::Text(k.expected(facts)),
            Kind::Rule(k) => Expectation::Compared {
                symbol: k.op.symbol(),
                factor: k.factor,
                of: &k.of,
                of_name: [k.of_name.as_deref(), k.of_name_en.as_deref()],
                other: facts
                    .and_then(|f| f.value_of(&k.of))
                    .and_then(Value::as_number),
                unit: &k.unit,
            },
        }
    }

    /// Whether the item expects the same at every site: true but for a rule or a text,
    /// which [`Kind::expectation`] resolves for the site. A renderer may word it once.
    pub fn expects_the_same_everywhere(&self) -> bool {
        match self {
            Kind::Number(_) | Kind::Count(_) | Kind::YesNo(_) | Kind::Includes(_) => true,
            Kind::Text(_) | Kind::Rule(_) => false,
        }
    }

    /// What a value of this kind looks like, for "expected …" in messages.
    pub fn value_hint(&self) -> String {
        match self {
            Kind::Number(k) => {
                let unit = &k.unit;
                crate::tr!("以 {unit} 计的数字", "a number in {unit}")
            }
            Kind::Count(_) | Kind::Rule(_) => crate::tr!("整数", "a whole number"),
            Kind::YesNo(_) => crate::tr!(" true 或 false", "true or false"),
            Kind::Includes(_) => crate::tr!(
                "文字列表，如 [\"民政局\", \"人社局\"]",
                "a list of texts, e.g. [\"民政局\", \"人社局\"]"
            ),
            Kind::Text(_) => crate::tr!("加引号的文字", "a text in quotes"),
        }
    }

    /// The item another item's judgement depends on, if any.
    pub fn depends_on(&self) -> Option<&str> {
        match self {
            Kind::Rule(k) => Some(&k.of),
            _ => None,
        }
    }

    /// Whether values of this kind are numbers another item's rule may refer to.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Kind::Number(_) | Kind::Count(_) | Kind::Rule(_))
    }
}

/// What an item requires, as data: the renderers word it in each language.
#[derive(Clone, Debug, PartialEq)]
pub enum Expectation<'a> {
    /// A number or count within bounds (as written), in a unit: ≥ 60 m².
    Range {
        /// The least allowed, if any.
        min: Option<String>,
        /// The most allowed, if any.
        max: Option<String>,
        /// The unit, possibly empty.
        unit: &'a str,
    },
    /// The answer a yes/no item wants.
    Answer(bool),
    /// Every member of a list, in the standard's order.
    Members {
        /// The members.
        members: &'a [String],
        /// Points off per missing member (`None`: all or nothing).
        deduct_per_missing: Option<Points>,
    },
    /// A text: the example (or pattern), with the site's fields put in where known.
    Text(String),
    /// A count compared with another item's value times a factor.
    Compared {
        /// The comparison: ≥, ≤, =.
        symbol: &'static str,
        /// The factor the other value is multiplied by.
        factor: f64,
        /// The other item's id.
        of: &'a str,
        /// Its name as the checklist gives it, in Chinese and in English, if it does.
        of_name: [Option<&'a str>; 2],
        /// Its value at the site, when known.
        other: Option<f64>,
        /// The unit, possibly empty.
        unit: &'a str,
    },
}

/// Each kind's name with the JSON Schema of its own keys and which are required, for
/// `yanshou checklist schema`.
pub fn schemas() -> Vec<(&'static str, serde_json::Value, &'static [&'static str])> {
    let parts = [
        Number::schema(),
        Count::schema(),
        YesNo::schema(),
        Includes::schema(),
        Text::schema(),
        Rule::schema(),
    ];
    KIND_NAMES
        .iter()
        .zip(parts)
        .map(|(name, (properties, required))| (*name, properties, required))
        .collect()
}

/// A decimal as a person writes it: `60`, `59.5`, `59.99`; never `60.0` or `5.9e1`.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        let s = format!("{n:.6}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

/// Reads an optional pair of bounds and checks that they make a range.
fn bounds<T: PartialOrd + Copy>(
    fields: &mut Fields<'_, '_>,
    read: impl Fn(&mut Fields<'_, '_>, &'static str) -> Option<toml::Spanned<T>>,
) -> Option<(Option<T>, Option<T>)> {
    let min = read(fields, "min");
    let max = read(fields, "max");
    match (&min, &max) {
        (None, None) => {
            let span = fields.span();
            fields.report(
                span,
                crate::tr!(
                    "请写明 `min`、`max`，或两者都写",
                    "give `min`, `max` or both"
                ),
            );
            None
        }
        (Some(lo), Some(hi)) if lo.get_ref() > hi.get_ref() => {
            fields.report(
                hi.span(),
                crate::tr!(
                    "`max` 小于 `min`：范围是空的",
                    "`max` is below `min`: the range is empty"
                ),
            );
            None
        }
        _ => Some((min.map(|v| v.into_inner()), max.map(|v| v.into_inner()))),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Helpers for the kinds' own tests: parse a kind from TOML text, and word what it
    //! expects and what it recorded as the renderers do.
    use super::*;
    use crate::lang::Lang;
    use crate::source::Source;

    /// What `kind` expects, in words.
    pub fn expected(kind: &Kind, facts: Option<&dyn Facts>, lang: Lang) -> String {
        crate::render::labels::expectation(&kind.expectation(facts), lang)
    }

    /// A value of `kind`, in words.
    pub fn shown(kind: &Kind, value: &Value, lang: Lang) -> String {
        crate::render::labels::value(kind, value, lang)
    }

    /// Parses the kind-specific keys of one item, returning the kind or the messages.
    pub fn kind(toml: &str) -> Result<Kind, Vec<String>> {
        let source = Source::new(toml);
        let doc = source.parse().map_err(|p| vec![p.to_string()])?;
        let mut fields = Fields::new(&source, doc.get_ref(), doc.span());
        let name = fields
            .string("kind")
            .map(|s| s.into_inner())
            .unwrap_or_default();
        let kind = Kind::parse(&name, &mut fields);
        let problems = fields.finish(&crate::tr!("项目", "the item"));
        match kind {
            Some(kind) if problems.is_empty() => Ok(kind),
            _ => Err(problems.into_iter().map(|p| p.message).collect()),
        }
    }

    /// No site facts at all.
    pub struct NoFacts;
    impl Facts for NoFacts {
        fn site_field(&self, _: &str) -> Option<&str> {
            None
        }
        fn value_of(&self, _: &str) -> Option<&Value> {
            None
        }
    }
}

#[cfg(test)]
mod docs {
    /// Every kind has a section in the user documentation of the format.
    #[test]
    fn every_kind_is_documented() {
        let docs = include_str!("../../../docs/checklists.md");
        for kind in super::KIND_NAMES {
            let heading = format!("### `{kind}`");
            assert!(
                docs.contains(&heading),
                "docs/checklists.md lacks {heading}"
            );
        }
    }
}
