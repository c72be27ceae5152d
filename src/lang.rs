//! The two languages yanshou speaks. Chinese is the default because the standard, the
//! inspectors and the townships all work in Chinese; English is for reviewers and scripts.

use clap::ValueEnum;

/// Output language of tables, reports and human-readable descriptions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// 中文 (default).
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Picks the text for this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// Picks an optional English text, falling back to the Chinese original: English
    /// titles are optional in checklists, Chinese ones are not.
    pub fn pick_opt<'a>(self, zh: &'a str, en: Option<&'a str>) -> &'a str {
        match (self, en) {
            (Lang::En, Some(en)) => en,
            _ => zh,
        }
    }

    /// The separator between members of a list: 、 in Chinese, a comma in English.
    pub fn list_separator(self) -> &'static str {
        self.pick("、", ", ")
    }
}
