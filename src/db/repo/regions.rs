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

/// The 38 provinces, by name.
pub fn provinces(conn: &mut DbConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .filter(regions::province_code.is_null())
        .order(regions::name.asc())
        .select(columns())
        .load::<Row>(conn)
        .map(|rows| rows.into_iter().map(into_region).collect())
}

/// The regencies and cities of a province, by name.
pub fn within(conn: &mut DbConnection, province_code: &str) -> QueryResult<Vec<Region>> {
    regions::table
        .filter(regions::province_code.eq(province_code))
        .order(regions::name.asc())
        .select(columns())
        .load::<Row>(conn)
        .map(|rows| rows.into_iter().map(into_region).collect())
}

pub fn find(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Region>> {
    regions::table
        .find(code)
        .select(columns())
        .first::<Row>(conn)
        .optional()
        .map(|row| row.map(into_region))
}

/// The whole list (552 rows), for matching names in imports and naming codes in lists.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<Region>> {
    regions::table
        .order(regions::code.asc())
        .select(columns())
        .load::<Row>(conn)
        .map(|rows| rows.into_iter().map(into_region).collect())
}
