//! Revoking a certificate: the reason organisers give, kept on the
//! certificate and in the audit log.

use super::FieldError;

/// A reason at most, in characters: a sentence or two.
pub const REASON_MAX: usize = 500;

/// The reason as typed, trimmed, or the `reason` field's message: a
/// revocation without a reason cannot be explained to its holder later.
pub fn check_reason(raw: &str) -> Result<String, FieldError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(FieldError::new(
            "reason",
            "certificate.error.reason_missing",
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(FieldError::new("reason", "certificate.error.reason_long"));
    }
    Ok(reason.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_required_and_kept_as_typed() {
        assert_eq!(
            check_reason("  Nama salah ketik: Rahmawati  ").unwrap(),
            "Nama salah ketik: Rahmawati"
        );
        assert_eq!(
            check_reason(" \n ").unwrap_err().message,
            "certificate.error.reason_missing"
        );
        assert!(check_reason(&"a".repeat(REASON_MAX)).is_ok());
        assert_eq!(
            check_reason(&"a".repeat(REASON_MAX + 1))
                .unwrap_err()
                .message,
            "certificate.error.reason_long"
        );
    }
}
