//! The checklists that ship inside the binary: the Puyang 2020 ones, so a record that
//! stands alone can be checked on a machine with nothing but `yanshou`. They stay plain
//! files under `checklists/`, readable and copyable as templates for other counties.

/// `(name, TOML text)` of every checklist compiled in. A campaign names one as
/// `builtin:<name>`.
pub const CHECKLISTS: &[(&str, &str)] = &[
    (
        "puyang-2020/township",
        include_str!("../../checklists/puyang-2020/township.toml"),
    ),
    (
        "puyang-2020/village",
        include_str!("../../checklists/puyang-2020/village.toml"),
    ),
];

/// The built-in checklists used when no campaign says otherwise, one per site kind.
pub const DEFAULTS: &[&str] = &["puyang-2020/township", "puyang-2020/village"];

/// The TOML text of a built-in checklist.
pub fn text(name: &str) -> Option<&'static str> {
    CHECKLISTS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, text)| *text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::Checklist;

    #[test]
    fn every_builtin_checklist_is_valid() {
        for (name, text) in CHECKLISTS {
            if let Err(problems) = Checklist::from_toml(text) {
                panic!("{name}:\n{problems}");
            }
        }
        for name in DEFAULTS {
            assert!(text(name).is_some(), "{name}");
        }
    }
}
