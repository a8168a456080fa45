//! The official region list ships with the migrations, on both backends.

use bimtek::domain::region::{RegionLevel, lies_in};
use bimtek::domain::time::zone_label;
use bimtek::services::regions;
use chrono::Utc;
use chrono_tz::Tz;

use crate::helpers::spawn_apps;

#[tokio::test]
async fn every_province_regency_and_city_is_there_with_its_zone() {
    for app in spawn_apps().await {
        let provinces = regions::provinces(&app.db).await.unwrap();
        assert_eq!(provinces.len(), 38, "{app}");
        let mut places = 0;
        for province in &provinces {
            assert_eq!(
                province.level,
                RegionLevel::Province,
                "{app}: {}",
                province.name
            );
            let within = regions::within(&app.db, &province.code).await.unwrap();
            assert!(
                !within.is_empty(),
                "{app}: {} has no regencies",
                province.name
            );
            for place in &within {
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

        let bengkulu = regions::find(&app.db, "17.71")
            .await
            .unwrap()
            .expect("Kota Bengkulu");
        assert_eq!(
            (bengkulu.name.as_str(), bengkulu.level),
            ("Kota Bengkulu", RegionLevel::City),
            "{app}"
        );
        assert_eq!(zone_label(bengkulu.time_zone, Utc::now()), "WIB", "{app}");
        let labels = |code: &'static str| {
            let db = app.db.clone();
            async move {
                zone_label(
                    regions::find(&db, code).await.unwrap().unwrap().time_zone,
                    Utc::now(),
                )
            }
        };
        assert_eq!(labels("73").await, "WITA", "{app}: Sulawesi Selatan");
        assert_eq!(labels("91").await, "WIT", "{app}: Papua");
        let pontianak = regions::find(&app.db, "61").await.unwrap().unwrap();
        assert_eq!(
            pontianak.time_zone,
            Tz::Asia__Pontianak,
            "{app}: Kalimantan Barat"
        );
        assert_eq!(zone_label(pontianak.time_zone, Utc::now()), "WIB", "{app}");
    }
}
