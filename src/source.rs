//! Reading TOML with its locations kept, so that every problem in a checklist, a record or a
//! campaign file can point at the line and column an inspector has to fix.
//!
//! serde with `#[serde(tag = …)]` or `flatten` forgets where a value came from, so the files
//! are read through the toml crate's spanned document tree instead, with [`Fields`] taking
//! one key at a time and reporting whatever is left over as an unknown key.

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One problem in a text file, located at a 1-based line and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters (a Chinese character is one column).
    pub column: usize,
    /// What is wrong and, where possible, how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

/// Every problem found in one file, in the order they appear.
#[derive(Debug, thiserror::Error)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Formats each problem as `path:line:col: message`, one per line.
    pub fn with_path(&self, path: &str) -> String {
        let lines: Vec<String> = self.0.iter().map(|p| format!("{path}:{p}")).collect();
        lines.join("\n")
    }
}

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// A text with an index of its line starts, to turn byte offsets into lines and columns.
pub struct Source<'s> {
    text: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> Source<'s> {
    /// Indexes `text`.
    pub fn new(text: &'s str) -> Source<'s> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Source { text, line_starts }
    }

    /// The text itself.
    pub fn text(&self) -> &'s str {
        self.text
    }

    /// 1-based line and column of a byte offset.
    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(1, |prefix| prefix.chars().count() + 1);
        (line, column)
    }

    /// A problem at the start of `span`.
    pub fn problem(&self, span: Range<usize>, message: impl Into<String>) -> Problem {
        let (line, column) = self.locate(span.start);
        Problem {
            line,
            column,
            message: message.into(),
        }
    }

    /// Parses the text as a TOML document. A syntax error becomes a located problem with
    /// the toml crate's own message.
    pub fn parse(&self) -> Result<Spanned<DeTable<'s>>, Problems> {
        DeTable::parse(self.text).map_err(|err| {
            let span = err.span().unwrap_or(0..0);
            let message = err.message().trim_end().replace('\n', "; ");
            Problems(vec![self.problem(
                span,
                crate::tr!("TOML 格式错误：{message}", "invalid TOML: {message}"),
            )])
        })
    }
}

/// The TOML type name of a value, for "expected X, found Y" messages.
pub fn type_name(value: &DeValue<'_>) -> &'static str {
    let lang = crate::lang::messages();
    match value {
        DeValue::String(_) => lang.pick("字符串", "a string"),
        DeValue::Integer(_) => lang.pick("整数", "an integer"),
        DeValue::Float(_) => lang.pick("小数", "a decimal number"),
        DeValue::Boolean(_) => lang.pick("true/false", "true/false"),
        DeValue::Datetime(_) => lang.pick("日期", "a date"),
        DeValue::Array(_) => lang.pick("列表", "a list"),
        DeValue::Table(_) => lang.pick("表", "a table"),
    }
}

/// Reads the keys of one table, remembering which were taken so that the rest can be
/// reported as unknown. Problems are collected, not returned one at a time, so a user sees
/// all of them in one run.
pub struct Fields<'a, 's> {
    source: &'a Source<'s>,
    table: &'a DeTable<'s>,
    span: Range<usize>,
    taken: BTreeSet<&'a str>,
    /// Problems found so far.
    pub problems: Vec<Problem>,
}

impl<'a, 's> Fields<'a, 's> {
    /// Starts reading `table`, found at `span` of `source`.
    pub fn new(source: &'a Source<'s>, table: &'a DeTable<'s>, span: Range<usize>) -> Self {
        Fields {
            source,
            table,
            span,
            taken: BTreeSet::new(),
            problems: Vec::new(),
        }
    }

    /// The source the table was read from.
    pub fn source(&self) -> &'a Source<'s> {
        self.source
    }

    /// The span of the table itself, for problems about a missing key.
    pub fn span(&self) -> Range<usize> {
        self.span.clone()
    }

    /// Records a problem at `span`.
    pub fn report(&mut self, span: Range<usize>, message: impl Into<String>) {
        let problem = self.source.problem(span, message);
        self.problems.push(problem);
    }

    /// Takes a key's raw value.
    pub fn take(&mut self, key: &'a str) -> Option<&'a Spanned<DeValue<'s>>> {
        self.taken.insert(key);
        self.table.get(key)
    }

    /// `expected` is what the value must be, as (Chinese, English) words.
    fn take_typed<T>(
        &mut self,
        key: &'a str,
        expected: (&str, &str),
        convert: impl FnOnce(&DeValue<'s>) -> Option<T>,
    ) -> Option<Spanned<T>> {
        let value = self.take(key)?;
        match convert(value.get_ref()) {
            Some(v) => Some(Spanned::new(value.span(), v)),
            None => {
                let found = type_name(value.get_ref());
                let (zh, en) = expected;
                self.report(
                    value.span(),
                    crate::tr!(
                        "`{key}` 应为{zh}，实为{found}",
                        "`{key}` must be {en}, found {found}"
                    ),
                );
                None
            }
        }
    }

    /// A string value.
    pub fn string(&mut self, key: &'a str) -> Option<Spanned<String>> {
        self.take_typed(key, ("字符串", "a string"), |v| {
            v.as_str().map(str::to_owned)
        })
    }

    /// A string value that must be present and not blank.
    pub fn required_string(&mut self, key: &'a str) -> Option<Spanned<String>> {
        let present = self.table.contains_key(key);
        let value = self.string(key);
        match &value {
            None if !present => self.report(
                self.span(),
                crate::tr!("缺少 `{key}`", "missing key `{key}`"),
            ),
            Some(v) if v.get_ref().trim().is_empty() => self.report(
                v.span(),
                crate::tr!("`{key}` 不能为空", "`{key}` must not be empty"),
            ),
            _ => {}
        }
        value
    }

    /// A number, integer or decimal.
    pub fn number(&mut self, key: &'a str) -> Option<Spanned<f64>> {
        self.take_typed(key, ("数字", "a number"), number_of)
    }

    /// An integer.
    pub fn integer(&mut self, key: &'a str) -> Option<Spanned<i64>> {
        self.take_typed(key, ("整数", "a whole number"), integer_of)
    }

    /// A boolean.
    pub fn boolean(&mut self, key: &'a str) -> Option<Spanned<bool>> {
        self.take_typed(key, (" true 或 false", "true or false"), DeValue::as_bool)
    }

    /// A TOML date (`2020-06-02`, no quotes).
    pub fn date(&mut self, key: &'a str) -> Option<Spanned<Date>> {
        let value = self.take(key)?;
        match date_of(value.get_ref()) {
            Ok(date) => Some(Spanned::new(value.span(), date)),
            Err(message) => {
                self.report(
                    value.span(),
                    crate::tr!("`{key}`：{message}", "`{key}`: {message}"),
                );
                None
            }
        }
    }

    /// A list of strings.
    pub fn strings(&mut self, key: &'a str) -> Option<Vec<Spanned<String>>> {
        let value = self.take(key)?;
        let Some(array) = value.get_ref().as_array() else {
            let found = type_name(value.get_ref());
            self.report(
                value.span(),
                crate::tr!(
                    "`{key}` 应为字符串列表，实为{found}",
                    "`{key}` must be a list of strings, found {found}"
                ),
            );
            return None;
        };
        let mut out = Vec::with_capacity(array.len());
        for element in array.iter() {
            match element.get_ref().as_str() {
                Some(s) => out.push(Spanned::new(element.span(), s.to_owned())),
                None => {
                    let found = type_name(element.get_ref());
                    self.report(
                        element.span(),
                        crate::tr!(
                            "`{key}` 只能列字符串，这里是{found}",
                            "`{key}` must list strings only, found {found}"
                        ),
                    );
                }
            }
        }
        Some(out)
    }

    /// A sub-table.
    pub fn table(&mut self, key: &'a str) -> Option<(&'a DeTable<'s>, Range<usize>)> {
        let value = self.take(key)?;
        match value.get_ref().as_table() {
            Some(table) => Some((table, value.span())),
            None => {
                let found = type_name(value.get_ref());
                self.report(
                    value.span(),
                    crate::tr!(
                        "`{key}` 应为表，实为{found}",
                        "`{key}` must be a table, found {found}"
                    ),
                );
                None
            }
        }
    }

    /// Reports every key that was never taken, suggesting the nearest known one, and
    /// returns all problems found.
    pub fn finish(mut self, context: &str) -> Vec<Problem> {
        let known: Vec<&str> = self.taken.iter().copied().collect();
        let unknown: Vec<(String, Range<usize>)> = self
            .table
            .iter()
            .filter(|(k, _)| !self.taken.contains(k.get_ref().as_ref()))
            .map(|(k, _)| (k.get_ref().to_string(), k.span()))
            .collect();
        for (key, span) in unknown {
            let message = match nearest(&key, known.iter().copied()) {
                Some(near) => crate::tr!(
                    "未知的键 `{key}`（位于{context}；是不是 `{near}`？）",
                    "unknown key `{key}` in {context} (did you mean `{near}`?)"
                ),
                None => {
                    let known = known.join(", ");
                    crate::tr!(
                        "未知的键 `{key}`（位于{context}；可用的键：{known}）",
                        "unknown key `{key}` in {context} (known keys: {known})"
                    )
                }
            };
            self.report(span, message);
        }
        self.problems.sort_by_key(|p| (p.line, p.column));
        self.problems
    }
}

/// The candidate closest to `word` by edit distance, if it is close enough to be a likely
/// typo rather than a different word.
pub fn nearest<'c>(word: &str, candidates: impl Iterator<Item = &'c str>) -> Option<&'c str> {
    candidates
        .map(|c| (strsim::levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min()
        .map(|(_, c)| c)
}

/// The hint after an unknown name: "; did you mean `x`?", or nothing without a guess.
pub fn did_you_mean(guess: Option<&str>) -> String {
    match guess {
        Some(n) => crate::tr!("；是不是 `{n}`？", "; did you mean `{n}`?"),
        None => String::new(),
    }
}

/// A TOML integer as `i64`, whatever its radix; `None` when it does not fit.
pub fn integer_of(value: &DeValue<'_>) -> Option<i64> {
    let int = value.as_integer()?;
    let digits = int.as_str().replace('_', "");
    let digits = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0o"))
        .or_else(|| digits.strip_prefix("0b"))
        .unwrap_or(&digits);
    i64::from_str_radix(digits, int.radix()).ok()
}

/// A TOML integer or float as `f64`.
pub fn number_of(value: &DeValue<'_>) -> Option<f64> {
    if let Some(i) = integer_of(value) {
        return Some(i as f64);
    }
    let float = value.as_float()?;
    float.as_str().replace('_', "").parse::<f64>().ok()
}

/// A TOML local date as a civil date; times and offsets are refused, since inspections are
/// dated by day.
pub fn date_of(value: &DeValue<'_>) -> Result<Date, String> {
    let Some(dt) = value.as_datetime() else {
        let found = type_name(value);
        return Err(crate::tr!(
            "应为 2020-06-02 这样的日期（不加引号），实为{found}",
            "expected a date like 2020-06-02 (no quotes), found {found}"
        ));
    };
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => Date::new(d.year as i16, d.month as i8, d.day as i8)
            .map_err(|e| crate::tr!("日期 {dt} 不存在：{e}", "impossible date {dt}: {e}")),
        _ => Err(crate::tr!(
            "应为 2020-06-02 这样的日期，实为 {dt}（请去掉时间）",
            "expected a plain date like 2020-06-02, found {dt} (leave out the time)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locate_counts_characters_not_bytes() {
        let src = Source::new("a = 1\n名称 = 2\n");
        assert_eq!(src.locate(0), (1, 1));
        let offset = src.text().find('=').unwrap();
        assert_eq!(src.locate(offset), (1, 3));
        let second = src.text().rfind('=').unwrap();
        assert_eq!(src.locate(second), (2, 4));
    }

    #[test]
    fn syntax_errors_are_located() {
        let src = Source::new("a = 1\nb = \n");
        let err = src.parse().unwrap_err();
        assert_eq!(err.0.len(), 1);
        assert_eq!(err.0[0].line, 2);
        assert!(err.0[0].message.starts_with("invalid TOML"));
    }

    #[test]
    fn unknown_keys_are_reported_with_a_suggestion() {
        let src = Source::new("name = \"x\"\nnmae = \"y\"\n");
        let doc = src.parse().unwrap();
        let mut fields = Fields::new(&src, doc.get_ref(), doc.span());
        assert_eq!(fields.string("name").unwrap().into_inner(), "x");
        let problems = fields.finish("the test");
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, 2);
        assert!(problems[0].message.contains("did you mean `name`"));
    }

    #[test]
    fn wrong_types_name_the_expected_type() {
        let src = Source::new("n = \"sixty\"\nd = 2020-02-30\n");
        let doc = src.parse();
        // toml itself rejects 2020-02-30 as a date
        assert!(doc.is_err());
        let src = Source::new("n = \"sixty\"\n");
        let doc = src.parse().unwrap();
        let mut fields = Fields::new(&src, doc.get_ref(), doc.span());
        assert!(fields.number("n").is_none());
        let problems = fields.finish("the test");
        assert!(
            problems[0]
                .message
                .contains("must be a number, found a string")
        );
    }
}
