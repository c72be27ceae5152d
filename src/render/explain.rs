//! The score explained in words, the same in every output.

use crate::audit::{Outcome, SiteResult, Status};
use crate::checklist::Severity;
use crate::lang::Lang;
use crate::points::Points;

/// How a site's score was made up, one point per line: the applicable maximum, what was
/// not applicable, waived, unrecorded or advisory, and what rectifying adds back. The
/// terminal table and every report say it in these words.
pub fn score_explanation(site: &SiteResult<'_>, lang: Lang) -> Vec<String> {
    let s = &site.score;
    let total = site.checklist.total_points;
    let sum = |pick: &dyn Fn(&Outcome<'_>) -> bool| -> (usize, Points) {
        site.findings
            .iter()
            .filter(|o| pick(o))
            .fold((0, Points::ZERO), |(n, p), o| (n + 1, p + o.lost))
    };
    let (rectify_n, rectify_p) = sum(&|o| o.needs_rectification());
    let (advisory_n, advisory_p) =
        sum(&|o| o.status == Status::Fail && o.item.severity == Severity::Advisory);
    let (unrecorded_n, unrecorded_p) = sum(&|o| o.status == Status::Unrecorded);
    let (waived_n, waived_p) = sum(&|o| o.status == Status::Waived);
    let mut lines = vec![match lang {
        Lang::Zh => format!(
            "得分 {}/{}，得分率 {}%（得分 ÷ 适用满分）",
            s.earned,
            s.max,
            s.percent()
        ),
        Lang::En => format!(
            "score {}/{}, {}% of the applicable maximum",
            s.earned,
            s.max,
            s.percent()
        ),
    }];
    if s.not_applicable > Points::ZERO {
        lines.push(match lang {
            Lang::Zh => format!(
                "不适用项 {} 分不计入满分（{total} → {}）",
                s.not_applicable, s.max
            ),
            Lang::En => format!(
                "{} points not applicable, left out of the maximum ({total} → {})",
                s.not_applicable, s.max
            ),
        });
    }
    if waived_n > 0 {
        lines.push(match lang {
            Lang::Zh => format!("豁免 {waived_n} 项失 {waived_p} 分（豁免期内不影响结论）"),
            Lang::En => format!(
                "{waived_n} waived items cost {waived_p} points (no effect on the verdict while waived)"
            ),
        });
    }
    if unrecorded_n > 0 {
        lines.push(match lang {
            Lang::Zh => format!("未记录 {unrecorded_n} 项共 {unrecorded_p} 分，补查后计分"),
            Lang::En => format!(
                "{unrecorded_n} items ({unrecorded_p} points) unrecorded, scored once recorded"
            ),
        });
    }
    if advisory_n > 0 {
        lines.push(match lang {
            Lang::Zh => format!("建议项 {advisory_n} 项失 {advisory_p} 分（不影响结论）"),
            Lang::En => format!(
                "{advisory_n} advisory items cost {advisory_p} points (no effect on the verdict)"
            ),
        });
    }
    if rectify_n > 0 {
        lines.push(match lang {
            Lang::Zh => format!("须整改 {rectify_n} 项，整改后加回 {rectify_p} 分"),
            Lang::En => {
                format!("{rectify_n} items to rectify, adding back {rectify_p} points")
            }
        });
    }
    if lines.len() == 1 && s.earned == s.max {
        lines.push(
            lang.pick("所有适用项均符合要求", "every applicable item passed")
                .to_owned(),
        );
    }
    lines
}
