//! The public pages: in Indonesian first, English on request, times with
//! their zone, errors in the layout.

use chrono_tz::Tz;

use crate::support::*;

backend_tests!(the_event_page_is_indonesian_with_wib_times);
async fn the_event_page_is_indonesian_with_wib_times(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-bengkulu", Tz::Asia__Jakarta, true)).await;
    let html = app.page("/events/bimtek-bengkulu").await;
    assert!(
        html.starts_with("<!DOCTYPE html><html lang=\"id\">"),
        "{app}: {html}"
    );
    assert!(html.contains("<h1>Bimtek bimtek-bengkulu</h1>"), "{app}");
    assert!(
        html.contains("Senin, 29 Juli 2030, 09.00</time>–"),
        "{app}: {html}"
    );
    assert!(html.contains("12.00</time> WIB"), "{app}: {html}");
    assert!(html.contains("WIB (Asia/Jakarta)"), "{app}");
    assert!(
        html.contains("<p>Paragraf kedua,<br>baris kedua.</p>"),
        "{app}: {html}"
    );
    assert!(html.contains(r##"<a class="skip" href="#main">"##), "{app}");
    assert!(html.contains("<main id=\"main\""), "{app}");
}

backend_tests!(each_indonesian_zone_has_its_label);
async fn each_indonesian_zone_has_its_label(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-makassar", Tz::Asia__Makassar, true)).await;
    create_event(&app.db, event("bimtek-jayapura", Tz::Asia__Jayapura, true)).await;
    let wita = app.page("/events/bimtek-makassar").await;
    assert!(wita.contains("12.00</time> WITA"), "{app}: {wita}");
    assert!(
        wita.contains(r#"datetime="2030-07-29T09:00:00+08:00""#),
        "{app}"
    );
    let wit = app.page("/events/bimtek-jayapura").await;
    assert!(wit.contains("12.00</time> WIT"), "{app}: {wit}");
    assert!(
        wit.contains(r#"datetime="2030-07-29T09:00:00+09:00""#),
        "{app}"
    );
}

backend_tests!(english_follows_the_browser_and_the_switch);
async fn english_follows_the_browser_and_the_switch(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-en", Tz::Asia__Jakarta, true)).await;
    let browser_english = app
        .client
        .get(app.url("/events/bimtek-en"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(browser_english.contains("<html lang=\"en\">"), "{app}");
    assert!(
        browser_english.contains("Monday 29 July 2030, 09:00</time>–"),
        "{app}: {browser_english}"
    );

    // The switch remembers the choice and returns to the page.
    let switched = app.get("/lang/en?next=%2Fevents%2Fbimtek-en").await;
    assert_eq!(switched.status(), 303, "{app}");
    assert_eq!(switched.headers()["location"], "/events/bimtek-en");
    let cookie = switched.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    assert!(
        cookie.contains("SameSite=Lax") && cookie.contains("HttpOnly"),
        "{cookie}"
    );
    let html = app.page("/events/bimtek-en").await;
    assert!(html.contains("<html lang=\"en\">"), "{app}");
    assert!(html.contains("Skip to main content"), "{app}");

    // ... and back, even against the browser's wish.
    assert_eq!(app.get("/lang/id?next=/").await.status(), 303);
    let html = app
        .client
        .get(app.url("/"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"id\">"), "{app}");
}

backend_tests!(the_switch_never_leaves_the_site);
async fn the_switch_never_leaves_the_site(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let response = app.get("/lang/en?next=%2F%2Fevil.example%2F").await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(response.headers()["location"], "/", "{app}");
    assert_eq!(app.get("/lang/fr").await.status(), 404, "{app}");
}

backend_tests!(the_home_page_lists_published_events_only);
async fn the_home_page_lists_published_events_only(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-terbit", Tz::Asia__Jakarta, true)).await;
    create_event(&app.db, event("bimtek-draf", Tz::Asia__Jakarta, false)).await;
    let html = app.page("/").await;
    assert!(
        html.contains(r#"href="/events/bimtek-terbit""#),
        "{app}: {html}"
    );
    assert!(!html.contains("bimtek-draf"), "{app}: a draft is listed");
    assert_eq!(
        app.get("/events/bimtek-draf").await.status(),
        404,
        "{app}: a draft is public"
    );
}

backend_tests!(an_empty_home_page_says_so);
async fn an_empty_home_page_says_so(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let html = app.page("/").await;
    assert!(
        html.contains("Belum ada bimtek yang dijadwalkan"),
        "{app}: {html}"
    );
}

backend_tests!(unknown_pages_get_a_404_page_in_the_layout);
async fn unknown_pages_get_a_404_page_in_the_layout(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    for path in ["/events/tidak-ada", "/tidak-ada/sama-sekali"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{app}: {path}");
        assert_eq!(
            response.headers()["content-type"],
            "text/html; charset=utf-8"
        );
        let html = response.text().await.unwrap();
        assert!(html.contains("<html lang=\"id\">"), "{app}: {html}");
        assert!(
            html.contains("<h1>Halaman tidak ditemukan</h1>"),
            "{app}: {html}"
        );
    }
}

backend_tests!(api_errors_are_json_with_a_reason);
async fn api_errors_are_json_with_a_reason(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let response = app
        .client
        .get(app.url("/api/tidak-ada"))
        .header("Accept-Language", "en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "{app}");
    assert_eq!(response.headers()["content-type"], "application/json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert_eq!(body["error"], "Page not found");
    assert!(
        body["reason"].as_str().unwrap().contains("does not exist"),
        "{body}"
    );
    assert_eq!(body["request_id"].as_str().unwrap().len(), 32, "{body}");
}

backend_tests!(methods_a_route_does_not_serve_answer_405);
async fn methods_a_route_does_not_serve_answer_405(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-405", Tz::Asia__Jakarta, true)).await;
    for path in ["/", "/events/bimtek-405", "/healthz"] {
        let response = app.client.post(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 405, "{app}: POST {path}");
        assert_eq!(
            response.headers()["allow"],
            "GET, HEAD",
            "{app}: POST {path}"
        );
        let html = response.text().await.unwrap();
        assert!(
            html.contains("<h1>Metode tidak diizinkan</h1>"),
            "{app}: {html}"
        );
    }
    let response = app
        .client
        .delete(app.url("/events/bimtek-405"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405, "{app}");
}

backend_tests!(the_stylesheet_is_cached_for_a_year_under_its_hash);
async fn the_stylesheet_is_cached_for_a_year_under_its_hash(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let html = app.page("/").await;
    let href = html
        .split("<link rel=\"stylesheet\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the page links its stylesheet")
        .to_owned();
    assert!(
        href.starts_with("/static/app.") && href.ends_with(".css"),
        "{href}"
    );
    let response = app.get(&href).await;
    assert_eq!(response.status(), 200, "{app}");
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(response.text().await.unwrap().contains(".skip"), "{app}");
    assert_eq!(
        app.get("/static/app.0000000000000000.css").await.status(),
        404,
        "{app}"
    );
}

backend_tests!(pages_stay_light);
async fn pages_stay_light(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-ringan", Tz::Asia__Jakarta, true)).await;
    let html = app.page("/events/bimtek-ringan").await;
    let href = html
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let css = app.page(&format!("/static/{href}")).await;
    let total = html.len() + css.len();
    assert!(
        total < 30 * 1024,
        "{app}: the event page weighs {total} bytes with its CSS"
    );
}

/// Body and headers of `path`, asked with `accept_encoding` when given.
async fn fetch(
    app: &TestApp,
    path: &str,
    accept_encoding: Option<&str>,
) -> (reqwest::header::HeaderMap, Vec<u8>) {
    let mut request = client().get(app.url(path));
    if let Some(encoding) = accept_encoding {
        request = request.header("Accept-Encoding", encoding);
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200, "{app}: {path}");
    let headers = response.headers().clone();
    (headers, response.bytes().await.unwrap().to_vec())
}

backend_tests!(pages_and_css_come_gzipped_to_clients_that_ask);
async fn pages_and_css_come_gzipped_to_clients_that_ask(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-ringkas", Tz::Asia__Jakarta, true)).await;
    let css = bimtek::web::assets::stylesheet_url();
    for path in ["/events/bimtek-ringkas", "/", css.as_str()] {
        let (headers, plain) = fetch(&app, path, None).await;
        assert!(
            headers.get("content-encoding").is_none(),
            "{app}: {path} unasked: {headers:?}"
        );

        let (headers, gzipped) = fetch(&app, path, Some("gzip, deflate, br")).await;
        assert_eq!(headers["content-encoding"], "gzip", "{app}: {path}");
        assert!(
            headers
                .get_all("vary")
                .iter()
                .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("accept-encoding")),
            "{app}: {path}: {headers:?}"
        );
        let mut unpacked = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(gzipped.as_slice()),
            &mut unpacked,
        )
        .unwrap();
        assert_eq!(unpacked, plain, "{app}: {path}");
        assert!(
            gzipped.len() < plain.len(),
            "{app}: {path}: {} bytes in gzip, {} without",
            gzipped.len(),
            plain.len()
        );
    }
}
