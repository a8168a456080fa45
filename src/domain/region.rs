//! Indonesia's provinces, regencies (kabupaten) and cities (kota), by their
//! Kemendagri codes: the official list participants choose from and
//! organisers report by.

use std::collections::HashMap;

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

/// The whole list, indexed. It is seed data that the program never
/// changes, so it is read once and consulted in memory: the form lists the
/// provinces on every view, and every registration checks two codes.
#[derive(Debug)]
pub struct Directory {
    by_code: HashMap<String, Region>,
    /// By name.
    provinces: Vec<Region>,
    /// Each province's regencies and cities, by name.
    within: HashMap<String, Vec<Region>>,
}

impl Directory {
    pub fn new(regions: Vec<Region>) -> Directory {
        let mut provinces = Vec::new();
        let mut within: HashMap<String, Vec<Region>> = HashMap::new();
        for region in &regions {
            match &region.province_code {
                None => provinces.push(region.clone()),
                Some(province) => within
                    .entry(province.clone())
                    .or_default()
                    .push(region.clone()),
            }
        }
        provinces.sort_by(|a, b| a.name.cmp(&b.name));
        for places in within.values_mut() {
            places.sort_by(|a, b| a.name.cmp(&b.name));
        }
        let by_code = regions.into_iter().map(|r| (r.code.clone(), r)).collect();
        Directory {
            by_code,
            provinces,
            within,
        }
    }

    pub fn provinces(&self) -> &[Region] {
        &self.provinces
    }

    /// A province's regencies and cities; none for an unknown code.
    pub fn within(&self, province_code: &str) -> &[Region] {
        self.within.get(province_code).map_or(&[], Vec::as_slice)
    }

    pub fn find(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    /// Whether `code` names a province.
    pub fn is_province(&self, code: &str) -> bool {
        self.find(code)
            .is_some_and(|r| r.level == RegionLevel::Province)
    }

    /// Whether `regency_code` names a regency or city of that province.
    pub fn is_within(&self, regency_code: &str, province_code: &str) -> bool {
        self.find(regency_code)
            .is_some_and(|r| r.province_code.as_deref() == Some(province_code))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str, province: Option<&str>) -> Region {
        Region {
            code: code.into(),
            level: if province.is_some() {
                RegionLevel::City
            } else {
                RegionLevel::Province
            },
            name: name.into(),
            province_code: province.map(str::to_owned),
            time_zone: Tz::Asia__Jakarta,
        }
    }

    #[test]
    fn the_directory_lists_by_name_and_checks_pairs() {
        let directory = Directory::new(vec![
            region("17.71", "Kota Bengkulu", Some("17")),
            region("17", "Bengkulu", None),
            region("11", "Aceh", None),
            region("17.01", "Bengkulu Selatan", Some("17")),
        ]);
        let names = |list: &[Region]| list.iter().map(|r| r.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(directory.provinces()), ["Aceh", "Bengkulu"]);
        assert_eq!(
            names(directory.within("17")),
            ["Bengkulu Selatan", "Kota Bengkulu"]
        );
        assert!(directory.within("99").is_empty());
        assert!(directory.is_province("17"));
        assert!(!directory.is_province("17.71"));
        assert!(directory.is_within("17.71", "17"));
        assert!(!directory.is_within("17.71", "11"));
        assert!(!directory.is_within("17", "17"));
    }

    #[test]
    fn codes_nest() {
        assert!(lies_in("17.71", "17"));
        assert!(!lies_in("17.71", "16"));
        assert!(!lies_in("17", "17"));
        assert!(!lies_in("17.", "17"));
    }
}
