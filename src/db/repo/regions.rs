use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::regions;
use crate::domain::region::{Region, RegionLevel};

type Row = (String, String, String, Option<String>, String);

fn columns() -> (
    regions::code,
    regions::level,
    regions::name,
    regions::province_code,
    regions::time_zone,
) {
    (
        regions::code,
        regions::level,
        regions::name,
        regions::province_code,
        regions::time_zone,
    )
}

fn into_region((code, level, name, province_code, time_zone): Row) -> Region {
    Region {
        level: RegionLevel::parse(&level).unwrap_or(RegionLevel::Regency),
        time_zone: time_zone.parse().unwrap_or(chrono_tz::Tz::Asia__Jakarta),
        code,
        name,
        province_code,
    }
}

/// The whole list (552 rows), for matching names in imports and naming codes in lists.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .order(regions::code.asc())
        .select(columns())
        .load::<Row>(conn)
        .map(|rows| rows.into_iter().map(into_region).collect())
}
