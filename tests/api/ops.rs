//! What operators and monitoring read: health and metrics.

use bimtek::db::Backend;

use crate::support::*;

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

backend_tests!(metrics_count_requests_by_route);
async fn metrics_count_requests_by_route(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    for _ in 0..3 {
        app.get("/events/tidak-ada").await;
    }
    let response = app.get("/metrics").await;
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
