//! The words for what the core decides: every status, verdict and follow-up in Chinese and
//! English, in one table, so that the core returns codes and the renderers word them.

use crate::audit::recheck::FollowUp;
use crate::audit::{Outcome, Status, Verdict};
use crate::lang::Lang;

/// What a code of the core is called in a language.
pub trait Label {
    /// The word or short phrase for `self` in `lang`.
    fn label(self, lang: Lang) -> &'static str;
}

impl Label for Status {
    /// 符合 / 不符合 / 未记录 / 不适用 / 豁免.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Status::Pass => lang.pick("符合", "pass"),
            Status::Fail => lang.pick("不符合", "fail"),
            Status::Unrecorded => lang.pick("未记录", "unrecorded"),
            Status::NotApplicable => lang.pick("不适用", "not applicable"),
            Status::Waived => lang.pick("豁免", "waived"),
        }
    }
}

impl Label for Verdict {
    /// 合格 / 不合格 / 待补查.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            Verdict::Pass => lang.pick("合格", "pass"),
            Verdict::Rectify => lang.pick("不合格", "rectify"),
            Verdict::Incomplete => lang.pick("待补查", "incomplete"),
        }
    }
}

impl Label for FollowUp {
    /// 已整改 / 仍不符合 / 逾期 / 待复查 / 新发现问题 / 豁免 / 待补查 / 已补查.
    fn label(self, lang: Lang) -> &'static str {
        match self {
            FollowUp::Fixed => lang.pick("已整改", "fixed"),
            FollowUp::StillFailing => lang.pick("仍不符合", "still failing"),
            FollowUp::Overdue => lang.pick("逾期", "overdue"),
            FollowUp::Pending => lang.pick("待复查", "pending"),
            FollowUp::New => lang.pick("新发现问题", "new failure"),
            FollowUp::Waived => lang.pick("豁免", "waived"),
            FollowUp::ToRecord => lang.pick("待补查", "to record"),
            FollowUp::Recorded => lang.pick("已补查", "recorded"),
        }
    }
}

/// The waiver of a waived item in words: why, who approved it and until when; `None` for
/// an item no waiver covers.
pub fn waiver_note(outcome: &Outcome<'_>, lang: Lang) -> Option<String> {
    let w = outcome.waiver?;
    Some(match lang {
        Lang::Zh => format!(
            "豁免：{}（{} 于 {} 批准，{} 起失效）",
            w.reason, w.approved_by, w.approved_on, w.expires
        ),
        Lang::En => format!(
            "waived: {} (approved by {} on {}, expires {})",
            w.reason, w.approved_by, w.approved_on, w.expires
        ),
    })
}
