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

/// The language of error messages, set once by the binary from the command's `--lang`.
/// Errors are made deep in the readers, far from any command's arguments, and an error
/// is one line the user reads at once: so its language is the process's, not a parameter
/// of every reader. A library caller that sets nothing gets English.
static MESSAGES: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sets the language of error messages for the rest of the process.
pub fn set_messages(lang: Lang) {
    MESSAGES.store(lang == Lang::Zh, std::sync::atomic::Ordering::Relaxed);
}

/// The language of error messages ([`set_messages`]; English if never set).
pub fn messages() -> Lang {
    if MESSAGES.load(std::sync::atomic::Ordering::Relaxed) {
        Lang::Zh
    } else {
        Lang::En
    }
}

/// An error message in the language of [`messages`]: `tr!("中文 {x}", "English {x}")`,
/// both formats capturing the same names from the scope.
#[macro_export]
macro_rules! tr {
    ($zh:literal, $en:literal $(,)?) => {
        match $crate::lang::messages() {
            $crate::lang::Lang::Zh => format!($zh),
            $crate::lang::Lang::En => format!($en),
        }
    };
}
