//! Headers every response carries, whatever its status.

use chrono_tz::Tz;

use crate::support::*;

backend_tests!(every_response_carries_the_security_headers);
async fn every_response_carries_the_security_headers(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-aman", Tz::Asia__Jakarta, true)).await;
    let css = app.page("/").await;
    let css = css
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let requests = [
        app.client.get(app.url("/")),
        app.client.get(app.url("/events/bimtek-aman")),
        app.client.get(app.url(&format!("/static/{css}"))),
        app.client.get(app.url("/tidak-ada")),
        app.client.get(app.url("/api/tidak-ada")),
        app.client.post(app.url("/")),
        app.client.get(app.url("/healthz")),
        app.client.get(app.url("/metrics")),
        app.client.get(app.url("/lang/en")),
    ];
    for request in requests {
        let request = request.build().unwrap();
        let what = format!("{app}: {} {}", request.method(), request.url().path());
        let response = app.client.execute(request).await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("default-src 'none'"), "{what}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("script-src"),
            "{what}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(headers["referrer-policy"], "same-origin", "{what}");
        assert_eq!(headers["x-frame-options"], "DENY", "{what}");
        assert!(headers.contains_key("x-request-id"), "{what}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "{what}: HSTS over plain HTTP"
        );
    }
}

backend_tests!(a_sane_request_id_from_a_proxy_is_kept_and_a_forged_one_replaced);
async fn a_sane_request_id_from_a_proxy_is_kept_and_a_forged_one_replaced(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "lb-7f3a91")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.headers()["x-request-id"], "lb-7f3a91", "{app}");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("X-Request-Id", "<script>")
        .send()
        .await
        .unwrap();
    let id = replaced.headers()["x-request-id"].to_str().unwrap();
    assert_eq!(id.len(), 32, "{app}: {id}");
    assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{app}: {id}");
}

backend_tests!(pages_have_no_script_at_all);
async fn pages_have_no_script_at_all(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    create_event(&app.db, event("bimtek-tanpa-js", Tz::Asia__Jakarta, true)).await;
    for path in ["/", "/events/bimtek-tanpa-js", "/tidak-ada"] {
        let response = app.get(path).await;
        let html = response.text().await.unwrap();
        assert!(!html.contains("<script"), "{app}: {path} has a script");
        assert!(
            !html.contains(" style="),
            "{app}: {path} has an inline style"
        );
    }
}

backend_tests!(the_language_switch_goes_back_only_to_this_site);
/// Browsers drop tabs and newlines from a `Location` before following it,
/// so `/%09/evil.example` would lead off the site; other control characters
/// must not break the header (a 500).
async fn the_language_switch_goes_back_only_to_this_site(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    for next in [
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0d%0a/evil.example",
        "/%00",
        "/%5Cevil.example",
        "//evil.example",
        "https://evil.example",
    ] {
        let response = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(response.status(), 303, "{app}: {next}");
        assert_eq!(response.headers()["location"], "/", "{app}: {next}");
    }
    let response = app.get("/lang/en?next=/events/x%3Fa%3D1").await;
    assert_eq!(response.headers()["location"], "/events/x?a=1", "{app}");
}

backend_tests!(a_body_that_stops_arriving_gets_408_and_the_connection_closes);
/// A client that declares 1,000 bytes and sends 10 held the connection
/// (and a worker's buffer) for minutes.
async fn a_body_that_stops_arriving_gets_408_and_the_connection_closes(backend: TestBackend) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_app_with(&backend, |s| {
        s.body_timeout = std::time::Duration::from_secs(1)
    })
    .await;
    let authority = app.address.trim_start_matches("http://").to_owned();
    let mut socket = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let started = std::time::Instant::now();
    socket
        .write_all(
            format!(
                "POST /sign-in HTTP/1.1\r\nHost: {authority}\r\n\
                 Content-Type: application/x-www-form-urlencoded\r\n\
                 Content-Length: 1000\r\n\r\nemail=abcd"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    // Read to the end: the server must answer and then close.
    let read = tokio::time::timeout(
        std::time::Duration::from_secs(15),
        socket.read_to_end(&mut answer),
    )
    .await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        read.is_ok(),
        "{app}: still open after {:?}: {answer}",
        started.elapsed()
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{app}: {answer}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{app}: {:?}",
        started.elapsed()
    );
}

backend_tests!(the_origin_check_compares_with_the_public_address_not_host);
/// Behind a proxy `Host` is whatever reaches the port; the public address
/// is what a browser on this site sends as `Origin`.
async fn the_origin_check_compares_with_the_public_address_not_host(backend: TestBackend) {
    let public = "http://bimtek.example.id:8080";
    let app = spawn_app_with(&backend, |s| {
        s.base_url = Some(url::Url::parse(public).unwrap())
    })
    .await;
    let browser = app.browser();
    let token = browser.csrf().await;
    let send = |origin: String| {
        let form = [
            ("email", "siapa@perpus.example.id"),
            ("password", "salah-sekali-2026"),
            ("csrf_token", token.as_str()),
        ];
        browser
            .client
            .post(browser.url("/sign-in"))
            .header("Origin", origin)
            .form(&form)
            .send()
    };
    let ours = send(public.to_owned()).await.unwrap();
    assert_eq!(ours.status(), 422, "{app}: from the public address");
    // The server's own host and port, as `Host` says: not the site.
    let host = send(app.address.clone()).await.unwrap();
    assert_eq!(host.status(), 403, "{app}: from {}", app.address);
}
