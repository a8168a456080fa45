//! What operators and monitoring read: health and metrics.

use bimtek::db::Backend;

use crate::support::*;

const TOKEN: &str = "rahasia-metrik-2026";

backend_tests!(health_reports_the_database_in_use);
async fn health_reports_the_database_in_use(backend: TestBackend) {
    let expected = match backend {
        TestBackend::Sqlite => Backend::Sqlite,
        TestBackend::Postgres(_) => Backend::Postgres,
    };
    let app = spawn_app(&backend).await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], expected.name());
}

backend_tests!(metrics_are_served_only_with_their_token);
/// The counts by route and the queue are not for strangers on the public
/// port: without a token set there are no metrics; with one, only a
/// request bearing it reads them.
async fn metrics_are_served_only_with_their_token(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    assert_eq!(app.get("/metrics").await.status(), 404, "{app}");
    let app = spawn_app_with(&backend, |s| {
        s.metrics_token = Some(bimtek::secret::Secret::new(TOKEN))
    })
    .await;
    let url = app.url("/metrics");
    assert_eq!(app.get("/metrics").await.status(), 401, "{app}");
    let wrong = app.client.get(&url).bearer_auth("tebakan").send().await;
    assert_eq!(wrong.unwrap().status(), 401, "{app}");
    let right = app.client.get(&url).bearer_auth(TOKEN);
    assert_eq!(right.send().await.unwrap().status(), 200, "{app}");
}

backend_tests!(metrics_count_requests_by_route);
async fn metrics_count_requests_by_route(backend: TestBackend) {
    let app = spawn_app_with(&backend, |s| {
        s.metrics_token = Some(bimtek::secret::Secret::new(TOKEN))
    })
    .await;
    for _ in 0..3 {
        app.get("/events/tidak-ada").await;
    }
    app.get("/tidak/ada").await;
    let response = app
        .client
        .get(app.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{app}");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
        "{app}"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains(
            r#"bimtek_http_requests_total{method="GET",route="/events/{slug}",status="404"} 3"#
        ),
        "{app}: {text}"
    );
    assert!(
        text.contains(
            r#"bimtek_http_requests_total{method="GET",route="(unmatched)",status="404"} 1"#
        ),
        "{app}: {text}"
    );
    assert!(
        text.contains("bimtek_http_request_duration_seconds_bucket"),
        "{app}"
    );
    assert!(
        text.contains(r#"bimtek_jobs{status="queued"} 0"#),
        "{app}: {text}"
    );
    assert!(
        text.contains(r#"bimtek_db_pool_connections{state="open"}"#),
        "{app}"
    );
}
