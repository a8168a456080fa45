//! What operators and monitoring read: health and metrics.

use bimtek::db::Backend;

use crate::helpers::{POSTGRES_ENV, backends, spawn_apps};

#[tokio::test]
async fn health_reports_the_database_in_use() {
    let apps = spawn_apps().await;
    let mut seen = Vec::new();
    for app in &apps {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200, "{app}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok", "{app}");
        seen.push(body["database"].as_str().unwrap().to_owned());
    }
    // The suite runs on PostgreSQL exactly when it is asked to.
    let expected: Vec<&str> = match std::env::var(POSTGRES_ENV) {
        Ok(_) => vec![Backend::Sqlite.name(), Backend::Postgres.name()],
        Err(_) => vec![Backend::Sqlite.name()],
    };
    assert_eq!(seen, expected);
    assert_eq!(backends().len(), expected.len());
}

#[tokio::test]
async fn metrics_count_requests_by_route() {
    for app in spawn_apps().await {
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
}
