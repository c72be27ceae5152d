//! `text`: free text that must match a pattern.
//!
//! ```toml
//! kind = "text"
//! pattern = "^{township}便民服务中心$"   # regex-lite syntax
//! example = "{township}便民服务中心"      # optional: what the reader is shown as expected
//! ```
//!
//! `{township}`, `{village}`, `{name}` and `{id}` in the pattern stand for the site's own
//! fields, escaped, so "the township's own name followed by 便民服务中心" (ruling 5) is one
//! pattern for every township. Observed text is trimmed before matching.
//!
//! A pattern that is more than text and anchors is a regex compiled with the site's fields
//! put in: once per distinct result (a county has a handful of townships, a file may have
//! many thousand sites of them), kept by the item. One that compiles with the trial fields
//! of loading yet not with a site's (a counted repetition of `{township}` that grows too
//! large for a long name) is a [`PatternError`], never a failed item.
//!
//! ```toml
//! aliases = ["黑字白底"]    # optional: other wordings accepted as the same answer (ruling 11)
//! # optional: what a substituted field must itself look like; the record's `name` must then
//! # also contain it. Otherwise the item cannot be judged until the record is corrected.
//! field_patterns = { township = { pattern = "^.+(乡|镇|街道|办事处)$", description = "乡镇（办）的名称，以乡、镇、街道或办事处结尾" } }
//! ```

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use regex_lite::Regex;

use super::{Facts, Judgement, Raw, Undetermined, Value};
use crate::source::Fields;

/// The site fields a pattern may refer to.
pub const PLACEHOLDERS: &[&str] = &["township", "village", "name", "id"];

/// The longest site field `checklist lint` tries a pattern with, in characters: beyond any
/// township, village or centre name in the country (the longest are about twenty).
pub const LONGEST_FIELD: usize = 64;

/// The most site-specific regexes an item keeps. A county's townships are far fewer; a
/// pattern of `{id}` or `{name}` would make one per site, and past this many those are
/// compiled for each site again rather than filling memory over a large file.
const MAX_COMPILED: usize = 256;

/// The most compiled program, in bytes as the regex library counts them for its size
/// limit, that an item keeps: a pattern of many counted repetitions compiles to hundreds
/// of kilobytes per township, and matching needs as much again per thread.
const COMPILED_BUDGET: usize = 16 << 20;

/// The regex library's own size limit (regex-lite's default, 10 MiB), under which every
/// pattern is finally compiled: the probes below it only measure.
const LIBRARY_SIZE_LIMIT: usize = 10 << 20;

/// Settings of a `text` item.
#[derive(Clone, Debug)]
pub struct Text {
    /// The pattern as written, placeholders included.
    pub pattern: String,
    /// What to show as expected, placeholders included.
    pub example: Option<String>,
    /// Other whole answers accepted as the same, placeholders included.
    pub aliases: Vec<String>,
    /// What substituted site fields must look like.
    field_patterns: Vec<FieldPattern>,
    /// The compiled pattern when it has no placeholders, so it is compiled once.
    fixed: Option<Regex>,
    /// The pattern as plain text when it is nothing but text, placeholders and anchors, so
    /// it is judged by comparing strings rather than compiling a regex per site.
    literal: Option<Literal>,
    /// Where the pattern is in the checklist file: 1-based line and column.
    at: (usize, usize),
    /// The regexes made from the pattern with sites' fields put in.
    compiled: Compiled,
}

/// A pattern that does not compile with a site's fields put in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError {
    /// The fields put in, in the order of [`PLACEHOLDERS`], with the site's values.
    pub values: Vec<(&'static str, String)>,
    /// The regex library's message.
    pub error: String,
}

/// Regexes compiled from one item's pattern, by the pattern as filled in for a site, with
/// the error of one that does not compile: each is compiled once, whichever thread of a
/// large file meets it first, up to [`MAX_COMPILED`] of them and [`COMPILED_BUDGET`]
/// bytes. A copy starts empty (it would fill again as it is used).
#[derive(Default)]
struct Compiled(Mutex<Kept>);

#[derive(Default)]
struct Kept {
    regexes: HashMap<String, Result<Arc<Regex>, String>>,
    /// What the kept regexes are charged against the budget.
    bytes: usize,
    /// The bound the last regex kept compiled under: the next, the same pattern with
    /// another name put in, likely compiles under it too, and is measured from there.
    last: usize,
    /// Whether a regex has been left out: from then on none is measured or kept, and a new
    /// one costs what it always did, one compilation, and is dropped once used. (Holding on
    /// to the last few as well, so that a site's reader and its judging share one, was
    /// measured: freeing large regexes out of order cost more than compiling them again.)
    full: bool,
}

impl Compiled {
    /// The regex of `pattern`, compiled now if it was not before.
    fn get(&self, pattern: &str) -> Result<Arc<Regex>, String> {
        let lock = || self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let (from, full) = {
            let kept = lock();
            if let Some(known) = kept.regexes.get(pattern) {
                return known.clone();
            }
            (kept.last, kept.full)
        };
        // Compiled without the lock held, so other threads' sites of known townships go
        // on: two threads may both compile a new one, and one keeps it.
        if full {
            return Regex::new(pattern)
                .map(Arc::new)
                .map_err(|e| e.to_string().replace('\n', " "));
        }
        let (made, bytes) = match compile(pattern, from) {
            Ok((regex, bytes)) => (Ok(Arc::new(regex)), bytes),
            Err(error) => (Err(error), 0),
        };
        let mut kept = lock();
        if kept.regexes.len() < MAX_COMPILED && kept.bytes + bytes <= COMPILED_BUDGET {
            if !kept.regexes.contains_key(pattern) {
                kept.bytes += bytes;
                kept.last = kept.last.max(bytes);
                kept.regexes.insert(pattern.to_owned(), made.clone());
            }
        } else {
            kept.full = true;
        }
        made
    }

    fn len(&self) -> usize {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .regexes
            .len()
    }

    #[cfg(test)]
    fn bytes(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).bytes
    }
}

/// Compiles `pattern` as [`Regex::new`] does, with a bound on its compiled size: the
/// smallest power of two from `from` (at least 4 KiB) under which the library's size limit
/// lets it compile — at most twice its size when it does not compile under `from` itself.
/// The library says no more; a probe that is too small stops as soon as it is exceeded,
/// so all of them cost at most about one more compilation.
fn compile(pattern: &str, from: usize) -> Result<(Regex, usize), String> {
    let mut limit = from.max(4 << 10);
    while limit < LIBRARY_SIZE_LIMIT {
        if let Ok(regex) = regex_lite::RegexBuilder::new(pattern)
            .size_limit(limit)
            .build()
        {
            return Ok((regex, limit));
        }
        limit *= 2;
    }
    Regex::new(pattern)
        .map(|regex| (regex, LIBRARY_SIZE_LIMIT))
        .map_err(|e| e.to_string().replace('\n', " "))
}

impl Clone for Compiled {
    fn clone(&self) -> Compiled {
        Compiled::default()
    }
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Compiled({} regexes)", self.len())
    }
}

/// A pattern that is literal text with optional `^`/`$` anchors.
#[derive(Clone, Debug)]
struct Literal {
    start: bool,
    end: bool,
    template: String,
    /// The template cut at its placeholders, when every brace in it belongs to one, so a
    /// whole-text match is checked piece by piece without building the wanted text.
    pieces: Option<Vec<Piece>>,
}

/// Part of a literal template.
#[derive(Clone, Debug)]
enum Piece {
    Text(String),
    Field(&'static str),
}

/// `template` cut at its placeholders; `None` if a brace is not part of one.
fn pieces(template: &str) -> Option<Vec<Piece>> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(at) = rest.find(['{', '}']) {
        let field = PLACEHOLDERS.iter().find(|p| {
            rest[at..]
                .strip_prefix('{')
                .and_then(|r| r.strip_prefix(**p))
                .is_some_and(|r| r.starts_with('}'))
        })?;
        if at > 0 {
            pieces.push(Piece::Text(rest[..at].to_owned()));
        }
        pieces.push(Piece::Field(field));
        rest = &rest[at + field.len() + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest.to_owned()));
    }
    Some(pieces)
}

impl Literal {
    /// The literal form of `pattern`, if it has one: no regex syntax besides the anchors.
    fn of(pattern: &str) -> Option<Literal> {
        let start = pattern.starts_with('^');
        let inner = pattern.strip_prefix('^').unwrap_or(pattern);
        let end = inner.ends_with('$') && !inner.ends_with("\\$");
        let inner = if end {
            &inner[..inner.len() - 1]
        } else {
            inner
        };
        // Placeholders use braces; any other regex metacharacter means a real regex.
        let mut rest = inner.to_owned();
        for p in PLACEHOLDERS {
            rest = rest.replace(&format!("{{{p}}}"), "");
        }
        let plain = !rest.chars().any(|c| "\\.+*?()|[]{}^$".contains(c));
        plain.then(|| Literal {
            start,
            end,
            template: inner.to_owned(),
            pieces: pieces(inner),
        })
    }

    fn matches(&self, text: &str, facts: &dyn Facts) -> bool {
        if let Some(matched) = self.matches_whole(text, facts) {
            return matched;
        }
        let wanted = fill(&self.template, &|field| {
            facts.site_field(field).map(str::to_owned)
        });
        match (self.start, self.end) {
            (true, true) => text == wanted,
            (true, false) => text.starts_with(&wanted),
            (false, true) => text.ends_with(&wanted),
            (false, false) => text.contains(&wanted),
        }
    }
}

impl Literal {
    /// Whether `text` is exactly the template filled in, compared piece by piece: what
    /// [`fill`] would build, without building it (a sign is checked on every township row).
    /// `None` when that shortcut does not apply: not anchored at both ends, or a site field
    /// holding a brace (which [`fill`] could substitute into again).
    fn matches_whole(&self, text: &str, facts: &dyn Facts) -> Option<bool> {
        let pieces = self.pieces.as_ref().filter(|_| self.start && self.end)?;
        let mut rest = text;
        for piece in pieces {
            let next = match piece {
                Piece::Text(t) => rest.strip_prefix(t.as_str()),
                Piece::Field(field) => match facts.site_field(field) {
                    Some(value) if value.contains(['{', '}']) => return None,
                    Some(value) => rest.strip_prefix(value),
                    // An unknown field stays a placeholder, as in `fill`.
                    None => rest
                        .strip_prefix('{')
                        .and_then(|r| r.strip_prefix(*field))
                        .and_then(|r| r.strip_prefix('}')),
                },
            };
            match next {
                Some(r) => rest = r,
                None => return Some(false),
            }
        }
        Some(rest.is_empty())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        let shapes = |t: &Text| -> Vec<(&str, String, String)> {
            t.field_patterns
                .iter()
                .map(|p| (p.field, p.regex.as_str().to_owned(), p.description.clone()))
                .collect()
        };
        self.pattern == other.pattern
            && self.example == other.example
            && self.aliases == other.aliases
            && shapes(self) == shapes(other)
    }
}

impl Text {
    /// The JSON Schema of this kind's keys, and which of them are required.
    pub(super) fn schema() -> (serde_json::Value, &'static [&'static str]) {
        use serde_json::json;
        (
            json!({
                "pattern": { "type": "string", "description": "regex-lite pattern; {township} {village} {name} {id} stand for the site's fields" },
                "example": { "type": "string", "description": "what readers are shown as expected" },
                "aliases": { "type": "array", "items": { "type": "string", "minLength": 1 }, "description": "other whole answers accepted as the same (ruling 11); placeholders allowed" },
                "field_patterns": { "type": "object", "additionalProperties": { "type": "object", "properties": { "pattern": { "type": "string" }, "description": { "type": "string" } }, "required": ["pattern", "description"], "additionalProperties": false }, "description": "what a substituted site field must look like ({township} must be a township's name); the record's name must contain it too" }
            }),
            &["pattern"],
        )
    }

    pub(super) fn parse(fields: &mut Fields<'_, '_>) -> Option<Text> {
        let pattern = fields.required_string("pattern")?;
        let example = fields.string("example").map(|e| e.into_inner());
        // Compile with every placeholder filled in, so a broken pattern is caught when the
        // checklist is loaded rather than at the first site.
        let trial = fill(pattern.get_ref(), &|_| Some("X".to_owned()));
        if let Err(err) = Regex::new(&trial) {
            let message = err.to_string().replace('\n', " ");
            fields.report(
                pattern.span(),
                crate::tr!(
                    "`pattern` 不是有效的正则表达式：{message}",
                    "invalid `pattern`: {message}"
                ),
            );
            return None;
        }
        let has_placeholder = PLACEHOLDERS
            .iter()
            .any(|p| pattern.get_ref().contains(&format!("{{{p}}}")));
        let fixed = if has_placeholder {
            None
        } else {
            Regex::new(pattern.get_ref()).ok()
        };
        let literal = Literal::of(pattern.get_ref());
        let at = fields.source().locate(pattern.span().start);
        let aliases = fields
            .strings("aliases")
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.into_inner().trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect();
        let field_patterns = parse_field_patterns(fields)?;
        Some(Text {
            pattern: pattern.into_inner(),
            example,
            aliases,
            field_patterns,
            fixed,
            literal,
            at,
            compiled: Compiled::default(),
        })
    }

    pub(super) fn accept(&self, raw: Raw) -> Result<Value, String> {
        match raw {
            Raw::Text(t) => Ok(Value::Text(t.trim().to_owned())),
            other => {
                let found = other.describe();
                Err(crate::tr!(
                    "应为文字，实为{found}",
                    "expected text, found {found}"
                ))
            }
        }
    }

    pub(super) fn judge(&self, value: &Value, facts: &dyn Facts) -> Judgement {
        match value {
            Value::Text(text) => self.judge_text(text, facts),
            _ => Judgement::fail(),
        }
    }

    /// Judges text as accepted (trimmed): what [`Kind::judge`](super::Kind::judge) does
    /// with [`Value::Text`], for a reader that has the text but no value to own it.
    pub fn judge_text(&self, text: &str, facts: &dyn Facts) -> Judgement {
        if let Some(why) = self.unfit_field(facts) {
            return Judgement::Undetermined(why);
        }
        let matched = match self.pattern_matches(text, facts) {
            Ok(matched) => matched,
            Err(error) => return Judgement::Undetermined(Undetermined::Pattern(error)),
        };
        if matched
            || self
                .aliases
                .iter()
                .any(|a| fill(a, &|f| facts.site_field(f).map(str::to_owned)) == text)
        {
            Judgement::Pass
        } else {
            Judgement::fail()
        }
    }

    /// Why this item cannot be judged at the site of `facts` whatever its value: its pattern
    /// does not compile with the site's fields put in. `None` when it compiles, and when the
    /// item is not judged by a regex of the site's fields at all (plain text, a pattern
    /// without placeholders, or fields its `field_patterns` already refuse).
    pub fn pattern_error(&self, facts: &dyn Facts) -> Option<PatternError> {
        if self.literal.is_some() || self.fixed.is_some() {
            return None;
        }
        if self.unfit_field(facts).is_some() {
            return None;
        }
        self.site_regex(facts).err()
    }

    /// The pattern compiled with the site's fields put in, escaped: a name holding `(` or
    /// `.` means itself. A field the site does not have stays a placeholder, escaped too, so
    /// that it matches only itself, as in the plain-text form.
    fn site_regex(&self, facts: &dyn Facts) -> Result<Arc<Regex>, PatternError> {
        let pattern = fill(&self.pattern, &|field| {
            Some(match facts.site_field(field) {
                Some(value) => regex_lite::escape(value),
                None => regex_lite::escape(&format!("{{{field}}}")),
            })
        });
        self.compiled.get(&pattern).map_err(|error| PatternError {
            values: PLACEHOLDERS
                .iter()
                .filter(|p| self.pattern.contains(&format!("{{{p}}}")))
                .map(|p| (*p, facts.site_field(p).unwrap_or("").to_owned()))
                .collect(),
            error,
        })
    }

    /// What `checklist lint` says of the pattern with the longest plausible fields put in
    /// ([`LONGEST_FIELD`] Chinese characters each): a regex whose compiled size grows with
    /// them may pass the trial of loading and yet be too large for some township.
    pub fn lint(&self, item: &str) -> Option<String> {
        if self.fixed.is_some() || self.literal.is_some() {
            return None;
        }
        let long = regex_lite::escape(&"城".repeat(LONGEST_FIELD));
        let trial = fill(&self.pattern, &|_| Some(long.clone()));
        let error = Regex::new(&trial).err()?;
        let (error, n) = (error.to_string().replace('\n', " "), LONGEST_FIELD);
        Some(crate::tr!(
            "项目 `{item}` 的 `pattern` 代入 {n} 个字的站点字段（如乡镇名称）后无法编译：{error}：请简化它（如减少重复次数），使它对任何名称都有效",
            "the `pattern` of item `{item}` does not compile with site fields of {n} characters put in (a township's name, say): {error}: simplify it (fewer repetitions, say) so that it works for any name"
        ))
    }

    /// Where the pattern is in its checklist file: 1-based line and column.
    pub fn pattern_at(&self) -> (usize, usize) {
        self.at
    }

    /// How many site-specific regexes the item holds.
    #[cfg(test)]
    fn compiled(&self) -> usize {
        self.compiled.len()
    }

    /// What the regexes the item holds are charged against its budget.
    #[cfg(test)]
    fn compiled_bytes(&self) -> usize {
        self.compiled.bytes()
    }

    /// Why the site's fields cannot be put into the pattern: a declared field that does
    /// not have its shape (`township = "梨园"`), or that the site's name does not contain.
    fn unfit_field(&self, facts: &dyn Facts) -> Option<Undetermined> {
        for pattern in &self.field_patterns {
            let (field, description) = (&pattern.field, &pattern.description);
            let value = facts.site_field(field).unwrap_or("").trim();
            if !pattern.is_match(value) {
                return Some(Undetermined::FieldUnfit {
                    field,
                    value: value.to_owned(),
                    description: description.clone(),
                });
            }
            if let Some(name) = facts.site_field("name")
                && *field != "name"
                && !name.contains(value)
            {
                return Some(Undetermined::NameLacksField {
                    field,
                    value: value.to_owned(),
                    name: name.to_owned(),
                });
            }
        }
        None
    }

    fn pattern_matches(&self, text: &str, facts: &dyn Facts) -> Result<bool, PatternError> {
        Ok(match (&self.literal, &self.fixed) {
            (Some(literal), _) => literal.matches(text, facts),
            (None, Some(re)) => re.is_match(text),
            (None, None) => self.site_regex(facts)?.is_match(text),
        })
    }

    /// The example (or the pattern) with the site's fields put in, where known.
    pub(super) fn expected(&self, facts: Option<&dyn Facts>) -> String {
        let shown = self.example.as_deref().unwrap_or(&self.pattern);
        match facts {
            Some(facts) => fill(shown, &|field| facts.site_field(field).map(str::to_owned)),
            None => shown.to_owned(),
        }
    }
}

/// What a site field put into a pattern must look like (`township` must end in 乡, 镇,
/// 街道 or 办事处).
#[derive(Clone, Debug)]
struct FieldPattern {
    field: &'static str,
    regex: Regex,
    description: String,
    /// The endings, when the pattern is `^.+(a|b|…)$` or `^.+a$` with plain endings, as
    /// field patterns are written: checked by comparing the ending rather than by running
    /// the regex, which costs a tenth of the time on every township row.
    ends_with: Option<Vec<String>>,
}

impl FieldPattern {
    /// Whether `value` is what the pattern allows, exactly as its regex says.
    fn is_match(&self, value: &str) -> bool {
        match &self.ends_with {
            // `.` does not match a line end, and `.+` asks for one character at least.
            Some(endings) => endings.iter().any(|ending| {
                value
                    .strip_suffix(ending.as_str())
                    .is_some_and(|head| !head.is_empty() && !head.contains('\n'))
            }),
            None => self.regex.is_match(value),
        }
    }
}

/// The endings of a pattern `^.+(a|b|…)$` or `^.+a$` whose endings are plain text (no
/// regex syntax, not empty); `None` for any other pattern.
fn ends_with_one_of(pattern: &str) -> Option<Vec<String>> {
    let body = pattern.strip_prefix("^.+")?.strip_suffix('$')?;
    // Without the group, `^.+a|b$` would mean `(^.+a)|(b$)`: only a group is read.
    let body = match body.strip_prefix('(') {
        Some(group) => group.strip_suffix(')')?,
        None if body.contains('|') => return None,
        None => body,
    };
    let endings: Vec<String> = body.split('|').map(str::to_owned).collect();
    let plain = |e: &String| !e.is_empty() && !e.chars().any(|c| "\\.+*?()|[]{}^$".contains(c));
    endings.iter().all(plain).then_some(endings)
}

/// The `field_patterns` table: each key a placeholder field, each value
/// `{ pattern = "…", description = "…" }`.
fn parse_field_patterns(fields: &mut Fields<'_, '_>) -> Option<Vec<FieldPattern>> {
    let Some((table, _)) = fields.table("field_patterns") else {
        return Some(Vec::new());
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (key, value) in table.iter() {
        let name = key.get_ref().to_string();
        let Some(field) = PLACEHOLDERS.iter().find(|p| **p == name) else {
            let known = PLACEHOLDERS.join(", ");
            fields.report(
                key.span(),
                crate::tr!(
                    "`field_patterns` 的“{name}”不是可代入的站点字段（{known}）",
                    "`field_patterns` names \"{name}\", not a site field a pattern can use ({known})"
                ),
            );
            ok = false;
            continue;
        };
        let shape = value.get_ref().as_table().and_then(|t| {
            let pattern = t.get("pattern")?.get_ref().as_str()?.to_owned();
            let description = t.get("description")?.get_ref().as_str()?.trim().to_owned();
            (t.len() == 2 && !description.is_empty()).then_some((pattern, description))
        });
        let Some((pattern, description)) = shape else {
            fields.report(
                value.span(),
                crate::tr!(
                    "`field_patterns` 的每一项应写成 {{ pattern = \"…\", description = \"…\" }}",
                    "each `field_patterns` entry must be {{ pattern = \"…\", description = \"…\" }}"
                ),
            );
            ok = false;
            continue;
        };
        match Regex::new(&pattern) {
            Ok(regex) => out.push(FieldPattern {
                field,
                ends_with: ends_with_one_of(&pattern),
                regex,
                description,
            }),
            Err(err) => {
                let message = err.to_string().replace('\n', " ");
                fields.report(
                    value.span(),
                    crate::tr!(
                        "`field_patterns.{name}` 不是有效的正则表达式：{message}",
                        "invalid `field_patterns.{name}`: {message}"
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(out)
}

/// Replaces `{field}` placeholders. An unknown site field leaves the placeholder as it is,
/// which then fails to match: a pattern never silently matches everything.
fn fill(pattern: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = pattern.to_owned();
    for field in PLACEHOLDERS {
        let placeholder = format!("{{{field}}}");
        if out.contains(&placeholder)
            && let Some(v) = value(field)
        {
            out = out.replace(&placeholder, &v);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::kind;
    use super::super::{Facts, Judgement, Raw, Value};
    use crate::lang::Lang;

    struct Township(&'static str);
    impl Facts for Township {
        fn site_field(&self, field: &str) -> Option<&str> {
            (field == "township").then_some(self.0)
        }
        fn value_of(&self, _: &str) -> Option<&Value> {
            None
        }
    }

    const SIGN: &str = "kind = \"text\"\npattern = \"^{township}便民服务中心$\"\nexample = \"{township}便民服务中心\"\n";

    fn judge(sign: &str, township: &'static str) -> Judgement {
        let k = kind(SIGN).unwrap();
        let v = k.accept(Raw::Text(sign.into())).unwrap();
        k.judge(&v, &Township(township))
    }

    #[test]
    fn sign_name_follows_ruling_five() {
        assert_eq!(judge("城关镇便民服务中心", "城关镇"), Judgement::Pass);
        assert_eq!(judge(" 城关镇便民服务中心 ", "城关镇"), Judgement::Pass);
        assert_eq!(judge("城关镇政务服务中心", "城关镇"), Judgement::fail());
        assert_eq!(judge("城关便民中心", "城关镇"), Judgement::fail());
        assert_eq!(judge("柳屯镇便民服务中心", "城关镇"), Judgement::fail());
    }

    struct Fields(Option<String>, Option<String>);
    impl Facts for Fields {
        fn site_field(&self, field: &str) -> Option<&str> {
            match field {
                "township" => self.0.as_deref(),
                "village" => self.1.as_deref(),
                _ => None,
            }
        }
        fn value_of(&self, _: &str) -> Option<&Value> {
            None
        }
    }

    proptest::proptest! {
        #[test]
        fn piece_by_piece_matching_is_matching_the_filled_template(
            template in proptest::collection::vec(
                proptest::sample::select(vec!["便民", "{township}", "{village}", "{id}", "中心", "x"]), 0..5),
            township in proptest::option::of(proptest::sample::select(vec!["城关镇", "", "{village}", "a}b", "x"])),
            village in proptest::option::of(proptest::sample::select(vec!["第1村", "", "x"])),
            text_pieces in proptest::collection::vec(
                proptest::sample::select(vec!["便民", "城关镇", "第1村", "{id}", "{village}", "中心", "x", "a}b"]), 0..6),
            use_filled in proptest::bool::ANY,
        ) {
            let literal = super::Literal::of(&format!("^{}$", template.concat())).expect("literal");
            let facts = Fields(township.map(str::to_owned), village.map(str::to_owned));
            let wanted = super::fill(&literal.template, &|f| facts.site_field(f).map(str::to_owned));
            let text = if use_filled { wanted.clone() } else { text_pieces.concat() };
            proptest::prop_assert_eq!(literal.matches(&text, &facts), text == wanted);
        }

        #[test]
        fn a_field_pattern_of_endings_is_matched_as_its_regex_matches(
            endings in proptest::collection::vec(
                proptest::sample::select(vec!["乡", "镇", "街道", "办事处", "村", "a", "社区"]), 1..4),
            grouped in proptest::bool::ANY,
            value_pieces in proptest::collection::vec(
                proptest::sample::select(vec!["城关", "乡", "镇", "街道", "办事", "处", "\n", " ", "a", "村", "社区", ""]), 0..4),
            ending in proptest::option::of(0..4usize),
        ) {
            let body = endings.join("|");
            let pattern = if grouped || endings.len() > 1 {
                format!("^.+({body})$")
            } else {
                format!("^.+{body}$")
            };
            let shortcut = super::ends_with_one_of(&pattern);
            proptest::prop_assert!(shortcut.is_some(), "{pattern} is read as endings");
            let field = super::FieldPattern {
                field: "township",
                regex: regex_lite::Regex::new(&pattern).expect("pattern"),
                description: String::new(),
                ends_with: shortcut,
            };
            // Most values end in one of the endings, so that what comes before is what decides.
            let ending = ending.map_or("", |k| endings[k % endings.len()]);
            let value = value_pieces.concat() + ending;
            proptest::prop_assert_eq!(field.is_match(&value), field.regex.is_match(&value), "{:?} against {}", value, pattern);
        }
    }

    #[test]
    fn only_plain_endings_are_read_without_the_regex() {
        use super::ends_with_one_of;
        let endings = |p| ends_with_one_of(p).map(|e| e.join(","));
        assert_eq!(
            endings("^.+(乡|镇|街道|办事处)$").as_deref(),
            Some("乡,镇,街道,办事处")
        );
        assert_eq!(endings("^.+村$").as_deref(), Some("村"));
        // `(^.+乡)|(镇$)`, not an ending of two.
        assert_eq!(endings("^.+乡|镇$"), None);
        for pattern in [
            "^.+(乡|)$",
            "^.+(乡|镇.)$",
            "^.*(乡|镇)$",
            ".+(乡|镇)$",
            "^.+(?:乡|镇)$",
            "^.+(乡)|(镇)$",
        ] {
            assert_eq!(endings(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn site_fields_are_escaped() {
        // a township name with regex metacharacters matches only itself
        assert_eq!(judge("a.b便民服务中心", "a.b"), Judgement::Pass);
        assert_eq!(judge("axb便民服务中心", "a.b"), Judgement::fail());
    }

    #[test]
    fn expected_shows_the_site_own_name() {
        let k = kind(SIGN).unwrap();
        assert_eq!(
            super::super::testing::expected(&k, Some(&Township("柳屯镇")), Lang::Zh),
            "柳屯镇便民服务中心"
        );
        assert_eq!(
            super::super::testing::expected(&k, None, Lang::Zh),
            "{township}便民服务中心"
        );
    }

    #[test]
    fn real_regexes_with_placeholders_still_work() {
        let k =
            kind("kind = \"text\"\npattern = \"^{township}(便民服务中心|便民服务站)$\"\n").unwrap();
        let judge = |sign: &str| {
            let v = k.accept(Raw::Text(sign.into())).unwrap();
            k.judge(&v, &Township("城关镇"))
        };
        assert_eq!(judge("城关镇便民服务站"), Judgement::Pass);
        assert_eq!(judge("城关镇便民服务中心"), Judgement::Pass);
        assert_eq!(judge("城关镇服务站"), Judgement::fail());
    }

    #[test]
    fn unanchored_literals_match_anywhere() {
        let k = kind("kind = \"text\"\npattern = \"便民\"\n").unwrap();
        let v = k.accept(Raw::Text("城关镇便民服务中心".into())).unwrap();
        assert_eq!(k.judge(&v, &Township("x")), Judgement::Pass);
        let k = kind("kind = \"text\"\npattern = \"^便民\"\n").unwrap();
        assert_eq!(k.judge(&v, &Township("x")), Judgement::fail());
    }

    /// A pattern whose compiled program grows with the length of what is put in: fine for
    /// "X" (the trial when the checklist is loaded) and for 城关镇, too large for a township
    /// of 40 characters.
    const HEAVY: &str = "kind = \"text\"\npattern = \"^(?:{township}){1000}{10}$\"\n";

    fn text_kind(toml: &str) -> super::Text {
        match kind(toml).unwrap() {
            super::super::Kind::Text(t) => t,
            other => panic!("not a text kind: {other:?}"),
        }
    }

    #[test]
    fn a_regex_is_compiled_once_per_township() {
        let k = text_kind("kind = \"text\"\npattern = \"^{township}(便民服务中心|便民服务站)$\"\n");
        let townships = ["城关镇", "柳屯镇", "文留镇"];
        for i in 0..300 {
            let township = townships[i % townships.len()];
            let sign = format!("{township}便民服务站");
            assert_eq!(k.judge_text(&sign, &Township(township)), Judgement::Pass);
            assert_eq!(
                k.judge_text("城关镇服务站", &Township(township)),
                Judgement::fail()
            );
        }
        assert_eq!(k.compiled(), townships.len());
        // A copy of the item (a checklist cloned for another run) starts its own.
        assert_eq!(k.clone().compiled(), 0);
    }

    #[test]
    fn the_regexes_an_item_keeps_are_bounded_in_size() {
        // Some 300 KiB compiled per township: a few dozen would be far more than a county
        // has, and more memory than a whole check of a large file otherwise takes.
        let k = text_kind("kind = \"text\"\npattern = \"^{township}(?:[a-z]{0,100}){0,40}$\"\n");
        let townships: Vec<&'static str> = (0..80).map(|i| &*format!("第{i}镇").leak()).collect();
        for township in &townships {
            let sign = format!("{township}abc");
            assert_eq!(k.judge_text(&sign, &Township(township)), Judgement::Pass);
            assert_eq!(k.judge_text("x", &Township(township)), Judgement::fail());
        }
        let (kept, bytes) = (k.compiled(), k.compiled_bytes());
        assert!(kept >= 8 && kept < townships.len(), "{kept} kept");
        assert!(bytes <= super::COMPILED_BUDGET, "{bytes} bytes");
        // Those past the budget are still judged, each compiled again.
        let last = townships[townships.len() - 1];
        assert_eq!(
            k.judge_text(&format!("{last}zz"), &Township(last)),
            Judgement::Pass
        );
        // Small regexes are kept for many more sites.
        let small =
            text_kind("kind = \"text\"\npattern = \"^{township}(便民服务中心|便民服务站)$\"\n");
        for township in &townships {
            let _ = small.judge_text("x", &Township(township));
        }
        assert_eq!(small.compiled(), townships.len());
    }

    #[test]
    fn a_regex_that_does_not_compile_for_a_site_says_so_instead_of_failing() {
        let k = text_kind(HEAVY);
        let long = format!("{}镇", "城".repeat(39));
        let judged = k.judge_text("城关镇便民服务中心", &Township(long.clone().leak()));
        let Judgement::Undetermined(super::super::Undetermined::Pattern(error)) = judged else {
            panic!("judged {judged:?}");
        };
        assert_eq!(error.values, vec![("township", long.clone())]);
        let error = k
            .pattern_error(&Township(long.clone().leak()))
            .expect("an error");
        assert_eq!(error.values, vec![("township", long.clone())]);
        assert!(error.error.contains("size limit"), "{error:?}");
        // 城关镇 compiles, and is judged.
        assert!(k.pattern_error(&Township("城关镇")).is_none());
        assert_eq!(
            k.judge_text("城关镇便民服务中心", &Township("城关镇")),
            Judgement::fail()
        );
        // The error is remembered too: the second site is not compiled again.
        assert_eq!(k.compiled(), 2);
    }

    #[test]
    fn site_fields_are_escaped_in_regexes_too() {
        let k = text_kind("kind = \"text\"\npattern = \"^{township}(便民服务中心|便民服务站)$\"\n");
        let judge = |sign: &str, township: &'static str| k.judge_text(sign, &Township(township));
        assert_eq!(judge("城(关).镇便民服务站", "城(关).镇"), Judgement::Pass);
        assert_eq!(judge("城关x镇便民服务站", "城(关).镇"), Judgement::fail());
        assert_eq!(judge("城关镇便民服务站", "城关镇|.*"), Judgement::fail());
        assert_eq!(judge("城关镇|x便民服务站", "城关镇|x"), Judgement::Pass);
        assert!(k.pattern_error(&Township("[城关")).is_none());
        assert!(k.pattern_error(&Township("{1000}")).is_none());
    }

    #[test]
    fn an_unknown_field_in_a_regex_stays_a_placeholder_that_matches_only_itself() {
        let k = text_kind("kind = \"text\"\npattern = \"^{village}(村|社区)$\"\n");
        // The site has no village: the placeholder is not a regex repetition to fail on.
        assert!(k.pattern_error(&Township("城关镇")).is_none());
        assert_eq!(
            k.judge_text("第一村", &Township("城关镇")),
            Judgement::fail()
        );
    }

    #[test]
    fn lint_tries_the_longest_plausible_fields() {
        let problem = text_kind(HEAVY).lint("sign.name").expect("a lint problem");
        assert!(
            problem.contains("64")
                && problem.contains("size limit")
                && problem.contains("`sign.name`"),
            "{problem}"
        );
        for fine in [
            SIGN,
            "kind = \"text\"\npattern = \"^{township}(便民服务中心|便民服务站)$\"\n",
            "kind = \"text\"\npattern = \"^白底黑字$\"\n",
            "kind = \"text\"\npattern = \"^{name}（{id}）$\"\n",
        ] {
            assert_eq!(text_kind(fine).lint("sign.name"), None, "{fine}");
        }
    }

    #[test]
    fn fixed_patterns_work_and_bad_ones_are_refused() {
        let k = kind("kind = \"text\"\npattern = \"^白底黑字$\"\n").unwrap();
        let v = k.accept(Raw::Text("蓝底白字".into())).unwrap();
        assert_eq!(k.judge(&v, &Township("x")), Judgement::fail());
        let err = kind("kind = \"text\"\npattern = \"([\"\n").unwrap_err();
        assert!(err[0].contains("invalid `pattern`"), "{err:?}");
    }
}
