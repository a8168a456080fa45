//! Why a participant receives no certificate, in words: the dry run and
//! the batch page say it so.

use super::Lang;
use crate::domain::action_plan::State;
use crate::domain::certificate::eligibility::Reason;

pub fn reason_text(lang: Lang, reason: &Reason) -> String {
    match reason {
        Reason::AttendanceBelow { percent, required } => lang.tf(
            "certificate.reason.attendance_below",
            &[("percent", percent), ("required", required)],
        ),
        Reason::AttendanceNotYet => lang.t("certificate.reason.attendance_not_yet").to_owned(),
        Reason::AttendanceRefused => lang.t("certificate.reason.attendance_refused").to_owned(),
        Reason::PlanMissing => lang.t("certificate.reason.plan_missing").to_owned(),
        Reason::PlanNotAccepted(state) => lang
            .t(match state {
                State::Draft => "certificate.reason.plan_draft",
                State::Submitted => "certificate.reason.plan_submitted",
                // An accepted plan is no reason; a revision asked is the
                // only state left.
                State::RevisionAsked | State::Accepted => "certificate.reason.plan_revision_asked",
            })
            .to_owned(),
    }
}

/// Every reason, joined for one line of a list.
pub fn reasons_text(lang: Lang, reasons: &[Reason]) -> String {
    reasons
        .iter()
        .map(|r| reason_text(lang, r))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a certificate could not be rendered, as the render job keeps it
/// ("glyph:王", "picture:…"), in words; any other reason (a mail server's
/// answer) as it came.
pub fn render_reason(lang: Lang, stored: &str) -> String {
    if let Some(text) = stored.strip_prefix("glyph:") {
        lang.tf("certificate.error.glyph", &[("text", &text)])
    } else if stored.starts_with("picture:") {
        lang.t("certificate.error.picture").to_owned()
    } else {
        stored.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_organisers_say_them() {
        let reasons = [
            Reason::AttendanceBelow {
                percent: 62,
                required: 80,
            },
            Reason::PlanNotAccepted(State::Submitted),
        ];
        assert_eq!(
            reasons_text(Lang::Id, &reasons),
            "kehadiran 62 %, minimal 80 %; RTL belum diterima (menunggu penilaian)"
        );
        assert_eq!(
            reasons_text(Lang::En, &reasons),
            "attendance 62 %, minimum 80 %; action plan (RTL) not accepted yet (awaiting review)"
        );
    }
}
