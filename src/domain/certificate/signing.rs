//! Which certificate a signed PDF coming back belongs to (the TTE loop):
//! the signatory's tool returns the files bimtek issued, signed, in any
//! order and under any name, so each is known by what it carries.
//!
//! The verify code bimtek wrote into the file's title and keywords names
//! the certificate; the issued file being the signed file's beginning
//! (signing tools append the signature as an incremental update) shows
//! the signature was made over exactly what bimtek issued. When the code
//! names a certificate but the issued file is not the beginning (a tool
//! that saves the document anew), the code alone is taken: the file is
//! still that certificate's, signed, and the result says it was matched
//! by its code only.

use std::collections::BTreeSet;

/// The words of a file's identifiers that may be verify codes, in lower
/// case as codes are kept: its title ("SERTIFIKAT k7m2… — Siti") and
/// keywords ("k7m2…, https://…/verify/k7m2…") cut at anything but
/// letters, digits and dashes.
pub fn codes_in(identifiers: &[String]) -> BTreeSet<String> {
    identifiers
        .iter()
        .flat_map(|text| text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')))
        .filter(|word| word.len() >= MIN_CODE)
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Shorter words are never codes (bimtek's have 26 characters; the
/// sample certificate's 14).
const MIN_CODE: usize = 12;

/// A certificate of the event whose code the file carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub revoked: bool,
    /// Its PDF was rendered and stored.
    pub rendered: bool,
    /// The file it issued is the signed file's beginning.
    pub continued: bool,
}

/// How a file was matched to its certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Evidence {
    /// Its code, and the issued file is the signed file's beginning.
    CodeAndContent,
    /// Its code alone.
    Code,
}

/// Why a signed file is matched to no certificate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unmatched {
    /// No certificate of this event carries a code the file holds.
    Nothing,
    /// The certificate (the index given) was revoked: a revoked number is
    /// never signed, its reissue is another file.
    Revoked(usize),
    /// The certificate (the index given) has no file yet: nothing issued
    /// can have been signed.
    NotRendered(usize),
    /// Codes of several certificates in force, none of whose files it
    /// continues.
    Several,
}

/// The certificate, among those whose code the file carries, that it is
/// the signed copy of: the one in force whose issued file it continues,
/// else the only one in force by its code; never a revoked one.
pub fn choose(candidates: &[Candidate]) -> Result<(usize, Evidence), Unmatched> {
    let usable = |c: &&Candidate| !c.revoked && c.rendered;
    if let Some(i) = candidates.iter().position(|c| usable(&c) && c.continued) {
        return Ok((i, Evidence::CodeAndContent));
    }
    let in_force: Vec<usize> = (0..candidates.len())
        .filter(|&i| usable(&&candidates[i]))
        .collect();
    match in_force[..] {
        [one] => Ok((one, Evidence::Code)),
        [_, _, ..] => Err(Unmatched::Several),
        [] => {
            if let Some(i) = candidates.iter().position(|c| !c.revoked) {
                Err(Unmatched::NotRendered(i))
            } else if candidates.is_empty() {
                Err(Unmatched::Nothing)
            } else {
                Err(Unmatched::Revoked(0))
            }
        }
    }
}

/// The signers as one line, in the order they signed: names carry commas
/// ("Drs. H. Meri Sasdi, M.Pd."), so they are joined by semicolons.
pub fn signers_line<'a>(names: impl IntoIterator<Item = Option<&'a str>>) -> Option<String> {
    let names: Vec<&str> = names
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .collect();
    (!names.is_empty()).then(|| names.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IN_FORCE: Candidate = Candidate {
        revoked: false,
        rendered: true,
        continued: false,
    };

    #[test]
    fn codes_are_the_long_words_of_titles_and_keywords_in_lower_case() {
        let identifiers = vec![
            "SERTIFIKAT K7M2-Q9XD-4HPA — Dra. Hj. Siti Rahmawati, S.IP., M.Hum.".to_owned(),
            "K7M2-Q9XD-4HPA, https://bimtek.example.id/verify/K7M2-Q9XD-4HPA".to_owned(),
            "abcdefghijklmnopqrstuvwxyz".to_owned(),
        ];
        assert_eq!(
            codes_in(&identifiers).into_iter().collect::<Vec<_>>(),
            ["abcdefghijklmnopqrstuvwxyz", "k7m2-q9xd-4hpa"]
        );
        assert!(codes_in(&[]).is_empty());
    }

    #[test]
    fn the_certificate_whose_file_it_continues_comes_first() {
        let continued = Candidate {
            continued: true,
            ..IN_FORCE
        };
        assert_eq!(
            choose(&[IN_FORCE, continued]),
            Ok((1, Evidence::CodeAndContent))
        );
        assert_eq!(choose(&[IN_FORCE]), Ok((0, Evidence::Code)));
        assert_eq!(choose(&[IN_FORCE, IN_FORCE]), Err(Unmatched::Several));
    }

    #[test]
    fn a_revoked_or_unrendered_certificate_is_never_signed() {
        let revoked = Candidate {
            revoked: true,
            continued: true,
            ..IN_FORCE
        };
        let waiting = Candidate {
            rendered: false,
            ..IN_FORCE
        };
        assert_eq!(choose(&[revoked]), Err(Unmatched::Revoked(0)));
        assert_eq!(choose(&[revoked, waiting]), Err(Unmatched::NotRendered(1)));
        assert_eq!(choose(&[revoked, IN_FORCE]), Ok((1, Evidence::Code)));
        assert_eq!(choose(&[]), Err(Unmatched::Nothing));
    }

    #[test]
    fn signers_are_joined_by_semicolons() {
        assert_eq!(
            signers_line([
                Some("Drs. H. Meri Sasdi, M.Pd."),
                None,
                Some(" "),
                Some("Dr. Adin Bondar, S.Sos., M.Si.")
            ]),
            Some("Drs. H. Meri Sasdi, M.Pd.; Dr. Adin Bondar, S.Sos., M.Si.".to_owned())
        );
        assert_eq!(signers_line([None]), None);
    }
}
