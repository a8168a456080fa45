//! The official region list ships with the migrations, on both backends.

use bimtek::domain::region::{RegionLevel, lies_in};
use bimtek::domain::time::zone_label;
use bimtek::services::regions;
use chrono::Utc;
use chrono_tz::Tz;

use crate::support::*;

backend_tests!(every_province_regency_and_city_is_there_with_its_zone);
async fn every_province_regency_and_city_is_there_with_its_zone(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let directory = regions::directory(&app.db).await.unwrap();
    let provinces = directory.provinces();
    assert_eq!(provinces.len(), 38, "{app}");
    let mut places = 0;
    for province in provinces {
        assert_eq!(
            province.level,
            RegionLevel::Province,
            "{app}: {}",
            province.name
        );
        let within = directory.within(&province.code);
        assert!(
            !within.is_empty(),
            "{app}: {} has no regencies",
            province.name
        );
        for place in within {
            assert!(
                lies_in(&place.code, &province.code),
                "{app}: {} in {}",
                place.code,
                province.code
            );
            assert_ne!(place.level, RegionLevel::Province, "{app}");
        }
        places += within.len();
    }
    assert_eq!(places, 514, "{app}");

    let bengkulu = directory.find("17.71").expect("Kota Bengkulu");
    assert_eq!(
        (bengkulu.name.as_str(), bengkulu.level),
        ("Kota Bengkulu", RegionLevel::City),
        "{app}"
    );
    assert_eq!(zone_label(bengkulu.time_zone, Utc::now()), "WIB", "{app}");
    let label = |code: &str| zone_label(directory.find(code).unwrap().time_zone, Utc::now());
    assert_eq!(label("73"), "WITA", "{app}: Sulawesi Selatan");
    assert_eq!(label("91"), "WIT", "{app}: Papua");
    let pontianak = directory.find("61").unwrap();
    assert_eq!(
        pontianak.time_zone,
        Tz::Asia__Pontianak,
        "{app}: Kalimantan Barat"
    );
    assert_eq!(zone_label(pontianak.time_zone, Utc::now()), "WIB", "{app}");
}
