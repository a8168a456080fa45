//! Indonesia's provinces, regencies (kabupaten) and cities (kota), by their
//! Kemendagri codes: the official list participants choose from and
//! organisers report by.

use chrono_tz::Tz;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionLevel {
    Province,
    Regency,
    City,
}

impl RegionLevel {
    pub fn parse(s: &str) -> Option<RegionLevel> {
        match s {
            "province" => Some(RegionLevel::Province),
            "regency" => Some(RegionLevel::Regency),
            "city" => Some(RegionLevel::City),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// "17" for Bengkulu, "17.71" for Kota Bengkulu.
    pub code: String,
    pub level: RegionLevel,
    pub name: String,
    /// The province a regency or city belongs to.
    pub province_code: Option<String>,
    /// Where a participant lives decides which time they see next to the
    /// event's own (WIB, WITA or WIT).
    pub time_zone: Tz,
}

/// A regency's or city's code starts with its province's: "17.71" lies in "17".
pub fn lies_in(regency_code: &str, province_code: &str) -> bool {
    regency_code
        .split_once('.')
        .is_some_and(|(province, rest)| province == province_code && !rest.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_nest() {
        assert!(lies_in("17.71", "17"));
        assert!(!lies_in("17.71", "16"));
        assert!(!lies_in("17", "17"));
        assert!(!lies_in("17.", "17"));
    }
}
