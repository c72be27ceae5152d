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

    fn load(name: &str) -> Checklist {
        Checklist::from_toml(text(name).unwrap()).unwrap()
    }

    fn clauses_checked(checklist: &Checklist) -> Vec<&str> {
        let mut clauses: Vec<&str> = checklist.items.iter().map(|i| i.clause.as_str()).collect();
        clauses.dedup();
        clauses
    }

    /// Issue 2: every requirement of 3.1.1–3.5, 4.1 and 5.2 that applies to the site kind
    /// is checked; 3.4.5 is the village's.
    #[test]
    fn every_site_clause_is_checked_by_an_item() {
        let township = load("puyang-2020/township");
        assert_eq!(
            clauses_checked(&township),
            [
                "3.1.1", "3.1.2", "3.1.3", "3.1.4", "3.2.1", "3.2.2", "3.3", "3.4.1", "3.4.2",
                "3.4.3", "3.4.4", "3.5", "4.1", "5.2"
            ]
        );
        let village = load("puyang-2020/village");
        assert_eq!(clauses_checked(&village), ["3.4.5"]);
    }

    /// docs/clauses.md rulings that the Puyang checklists must encode.
    #[test]
    fn the_rulings_hold_in_the_puyang_checklists() {
        use crate::checklist::Severity;
        use crate::checklist::kinds::{Kind, Op};
        let c = load("puyang-2020/township");
        let item = |id: &str| c.item(id).unwrap_or_else(|| panic!("no item {id}"));
        // 1: 以上 includes the bound
        match &item("site.floor_area").kind {
            Kind::Number(n) => assert_eq!((n.min, n.max), (Some(60.0), None)),
            other => panic!("{other:?}"),
        }
        // 2: 尽量 and 还可 are advisory, everything else mandatory
        let advisory: Vec<&str> = c
            .items
            .iter()
            .filter(|i| i.severity == Severity::Advisory)
            .map(|i| i.id.as_str())
            .collect();
        assert_eq!(advisory, ["site.open_hall", "amenities.optional"]);
        // 3: the five named departments are the minimum set
        match &item("windows.departments").kind {
            Kind::Includes(i) => assert_eq!(
                i.members(),
                ["民政局", "人社局", "医保局", "公安局", "市场监管局"]
            ),
            other => panic!("{other:?}"),
        }
        // 4: 1 到 2 inclusive
        match &item("windows.comprehensive").kind {
            Kind::Count(n) => assert_eq!((n.min, n.max), (Some(1), Some(2))),
            other => panic!("{other:?}"),
        }
        // 5: the township's own name followed by 便民服务中心
        match &item("sign.name").kind {
            Kind::Text(t) => assert_eq!(t.pattern, "^{township}便民服务中心$"),
            other => panic!("{other:?}"),
        }
        // 6: two trainees per comprehensive window
        match &item("org.trainees").kind {
            Kind::Rule(r) => {
                assert_eq!(
                    (r.op, r.factor, r.of.as_str()),
                    (Op::AtLeast, 2.0, "windows.comprehensive")
                )
            }
            other => panic!("{other:?}"),
        }
        // 3.4.1's five systems
        match &item("rules.systems").kind {
            Kind::Includes(i) => assert_eq!(i.members().len(), 5),
            other => panic!("{other:?}"),
        }
        let village = load("puyang-2020/village");
        assert!(
            village
                .items
                .iter()
                .all(|i| i.severity == Severity::Mandatory)
        );
    }

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
