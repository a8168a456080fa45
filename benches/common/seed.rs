//! Data the benchmarks put beside the demo's, written with SQL that both
//! backends run. Included by path (`#[path = "common/seed.rs"] mod seed;`)
//! by the benches that use it.

/// Inserts `count` confirmed registrations (`peserta{n}@perpusdes.example.id`)
/// for the event `slug`, all of the participant account `participant`; their
/// ids hold the slug, so that several events can be seeded.
pub fn confirmed_registrations(slug: &str, participant: &str, count: usize) -> String {
    format!(
        "INSERT INTO registrations (id, event_id, user_id, status, full_name, email, whatsapp,
             nip, institution, position, province_code, regency_code, library_type, gender,
             disability, consent_at, address_confirmed_at, queued_at, created_at, updated_at,
             confirmation_hash, added_by, search_text)
         WITH RECURSIVE numbers(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM numbers WHERE n < {count})
         SELECT 'bench-{slug}-' || n, e.id, u.id, 'confirmed', 'Peserta ' || n,
             'peserta' || n || '@perpusdes.example.id', '+62812' || (10000000 + n), NULL,
             'Perpustakaan Desa ' || (n % 500), 'Pustakawan', '17', '17.71', 'desa', 'perempuan',
             NULL, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP,
             CURRENT_TIMESTAMP, NULL, NULL, 'peserta ' || n
         FROM numbers, events e, users u
         WHERE e.slug = '{slug}' AND u.email = '{participant}';"
    )
}
