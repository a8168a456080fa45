//! bimtek's Zoom client against the Zoom stand-in: what goes over the wire,
//! how tokens are kept, and what each kind of failure becomes. No database
//! is involved, so these run once, not per backend.

use std::time::Duration;

use bimtek::integrations::zoom::{
    MeetingChanges, NewMeeting, NewRegistrant, RegistrantRef, Schedule, Zoom, ZoomConfig, ZoomError,
};
use bimtek::jobs::JobFailure;
use bimtek::secret::Secret;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::zoom_server::{Failure, HOST_USER, Route, ZoomServer, oauth_vectors};

fn session() -> NewMeeting {
    let start = DateTime::parse_from_rfc3339("2030-07-29T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    NewMeeting {
        host: HOST_USER.into(),
        topic: "Bimtek Bengkulu: Sesi 1".into(),
        agenda: "Pengelolaan perpustakaan desa.".into(),
        schedule: Schedule {
            start,
            end: start + TimeDelta::minutes(90),
            time_zone: chrono_tz::Asia::Jakarta,
        },
        alternative_hosts: vec!["narasumber@bimtek.example".into()],
    }
}

fn person(email: &str, name: &str) -> NewRegistrant {
    NewRegistrant {
        email: email.into(),
        name: name.into(),
    }
}

fn people(n: usize) -> Vec<NewRegistrant> {
    (0..n)
        .map(|i| person(&format!("peserta{i}@example.id"), &format!("Peserta {i}")))
        .collect()
}

async fn meeting(client: &Zoom) -> i64 {
    client.create_meeting(&session()).await.unwrap().id
}

/// The vector's request, sent to the stand-in instead of zoom.us.
async fn send_vector(zoom: &ZoomServer, variant: &Value, authorization: &str) -> reqwest::Response {
    let url = variant["url"]
        .as_str()
        .unwrap()
        .replace("https://zoom.us", &zoom.oauth_base());
    let mut request = reqwest::Client::new()
        .post(url)
        .header("Authorization", authorization)
        .body(variant["body"].as_str().unwrap().to_owned());
    if let Some(content_type) = variant["headers"]["Content-Type"].as_str() {
        request = request.header("Content-Type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_token_request_matches_the_vectors() {
    let zoom = ZoomServer::start().await;
    zoom.client().create_meeting(&session()).await.unwrap();

    let vectors = oauth_vectors();
    let form = &vectors["request_variants"][1];
    let routes: Vec<_> = zoom.requests().iter().map(|r| r.route).collect();
    assert_eq!(routes, [Some(Route::Token), Some(Route::CreateMeeting)]);
    let sent = zoom.one_request_to(Route::Token);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, "/oauth/token");
    assert_eq!(
        sent.header("authorization"),
        vectors["expected_authorization_header"].as_str()
    );
    assert_eq!(
        sent.header("content-type"),
        form["headers"]["Content-Type"].as_str()
    );
    assert_eq!(
        String::from_utf8(sent.body).unwrap(),
        form["body"].as_str().unwrap()
    );
}

#[tokio::test]
async fn the_stand_in_takes_both_request_forms_and_refuses_a_wrong_secret() {
    let zoom = ZoomServer::start().await;
    let vectors = oauth_vectors();
    let good = vectors["expected_authorization_header"].as_str().unwrap();
    for variant in vectors["request_variants"].as_array().unwrap() {
        let response = send_vector(&zoom, variant, good).await;
        assert_eq!(response.status(), 200, "{variant}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["expires_in"], 3599);
        assert!(body["access_token"].as_str().unwrap().len() > 10);
    }
    let credentials = &vectors["credentials"];
    let wrong = format!(
        "Basic {}",
        base64::Engine::encode(
            &base64::engine::general_purpose::STANDARD,
            format!(
                "{}:not-the-secret",
                credentials["client_id"].as_str().unwrap()
            )
        )
    );
    let response = send_vector(&zoom, &vectors["request_variants"][0], &wrong).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        vectors["responses"]["bad_client_credentials"]["body"]
    );
}

#[tokio::test]
async fn a_refused_secret_is_a_permanent_error_in_plain_words() {
    let zoom = ZoomServer::start().await;
    let client = Zoom::new(ZoomConfig {
        client_secret: Secret::new("not-the-secret"),
        ..zoom.config()
    })
    .unwrap();
    let error = client.create_meeting(&session()).await.unwrap_err();
    assert_eq!(
        error,
        ZoomError::Auth {
            reason: "Invalid client_id or client_secret".into()
        }
    );
    assert_eq!(error.key(), "zoom.error.credentials");
    assert!(matches!(JobFailure::from(error), JobFailure::Permanent(_)));
    assert!(zoom.requests_to(Route::CreateMeeting).is_empty());
}

#[tokio::test]
async fn creating_a_meeting_sends_what_zoom_expects() {
    let zoom = ZoomServer::start().await;
    let meeting = zoom.client().create_meeting(&session()).await.unwrap();

    assert_eq!(meeting.id, 85_012_345_678);
    assert!(meeting.id > i64::from(u32::MAX));
    assert_eq!(
        meeting.join_url,
        "https://zoom.us/j/85012345678?pwd=stand-in"
    );
    assert!(
        meeting
            .start_url
            .starts_with("https://zoom.us/s/85012345678")
    );
    assert_eq!(meeting.password.as_deref(), Some("k9Xq2p"));
    assert!(meeting.uuid.is_some() && meeting.host_id.is_some());

    let sent = zoom.one_request_to(Route::CreateMeeting);
    assert_eq!(sent.method, "POST");
    assert_eq!(sent.path, format!("/v2/users/{HOST_USER}/meetings"));
    assert!(
        sent.header("authorization")
            .is_some_and(|h| h.starts_with("Bearer stand-in.")),
        "{:?}",
        sent.header("authorization")
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.header("user-agent"),
        Some(concat!("bimtek/", env!("CARGO_PKG_VERSION")))
    );
    assert_eq!(
        sent.json(),
        json!({
            "type": 2,
            "topic": "Bimtek Bengkulu: Sesi 1",
            "agenda": "Pengelolaan perpustakaan desa.",
            "start_time": "2030-07-29T02:00:00Z",
            "duration": 90,
            "timezone": "Asia/Jakarta",
            "settings": {
                "approval_type": 0,
                "registrants_confirmation_email": false,
                "registrants_email_notification": false,
                "waiting_room": false,
                "join_before_host": false,
                "mute_upon_entry": true,
                "use_pmi": false,
                "alternative_hosts": "narasumber@bimtek.example",
            },
        })
    );

    let fetched = zoom.client().get_meeting(meeting.id).await.unwrap();
    assert_eq!(fetched.id, meeting.id);
    assert_eq!(fetched.status.as_deref(), Some("waiting"));
    assert_eq!(
        zoom.one_request_to(Route::GetMeeting).path,
        "/v2/meetings/85012345678"
    );
}

#[tokio::test]
async fn meetings_are_updated_in_part_and_deleted_quietly() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;
    let later = session().schedule.start + TimeDelta::days(1);
    let changes = MeetingChanges {
        topic: Some("Bimtek Bengkulu: Sesi 1 (diundur)".into()),
        schedule: Some(Schedule {
            start: later,
            end: later + TimeDelta::seconds(3601),
            time_zone: chrono_tz::Asia::Makassar,
        }),
        ..Default::default()
    };
    client.update_meeting(id, &changes).await.unwrap();
    let sent = zoom.one_request_to(Route::UpdateMeeting);
    assert_eq!(
        (sent.method.as_str(), sent.path.as_str()),
        ("PATCH", "/v2/meetings/85012345678")
    );
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "topic": "Bimtek Bengkulu: Sesi 1 (diundur)",
            "start_time": "2030-07-30T02:00:00Z",
            "duration": 61,
            "timezone": "Asia/Makassar",
        })
    );
    let stored = zoom.meeting(id).unwrap();
    assert_eq!(stored["start_time"], "2030-07-30T02:00:00Z");
    assert_eq!(stored["agenda"], "Pengelolaan perpustakaan desa.");

    client.delete_meeting(id).await.unwrap();
    let sent = zoom.one_request_to(Route::DeleteMeeting);
    assert_eq!(sent.method, "DELETE");
    assert_eq!(sent.path, "/v2/meetings/85012345678");
    assert_eq!(
        sent.query_pairs(),
        [
            ("schedule_for_reminder".to_owned(), "false".to_owned()),
            ("cancel_meeting_reminder".to_owned(), "false".to_owned()),
        ]
    );
    assert!(zoom.meeting(id).is_none());

    // Deleting again (a job that ran twice) is not an error; getting it is.
    client.delete_meeting(id).await.unwrap();
    assert_eq!(zoom.requests_to(Route::DeleteMeeting).len(), 2);
    let error = client.get_meeting(id).await.unwrap_err();
    assert!(error.is_meeting_not_found(), "{error:?}");
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn a_registrant_added_twice_is_one_registrant() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;

    let siti = person("Siti.Aminah@example.id", "Siti  Aminah");
    let first = client.add_registrant(id, &siti).await.unwrap();
    assert_eq!(first.email, "Siti.Aminah@example.id");
    assert!(
        first
            .join_url
            .starts_with("https://zoom.us/w/85012345678?tk="),
        "{}",
        first.join_url
    );
    let sent = zoom.one_request_to(Route::AddRegistrant);
    assert_eq!(sent.path, "/v2/meetings/85012345678/registrants");
    assert_eq!(sent.header("content-type"), Some("application/json"));
    assert_eq!(
        sent.json(),
        json!({
            "email": "Siti.Aminah@example.id",
            "first_name": "Siti",
            "last_name": "Aminah",
            "auto_approve": true,
        })
    );

    let again = client
        .add_registrant(id, &person("siti.aminah@example.id", "Siti Aminah"))
        .await
        .unwrap();
    assert_eq!(again.registrant_id, first.registrant_id);
    assert_eq!(again.join_url, first.join_url);

    client
        .add_registrant(id, &person("sukarno@example.id", "Sukarno"))
        .await
        .unwrap();
    let single_name = zoom.requests_to(Route::AddRegistrant).pop().unwrap().json();
    assert_eq!(single_name["first_name"], "Sukarno");
    assert!(single_name.get("last_name").is_none(), "{single_name}");

    assert_eq!(zoom.registrant_count(id), 2);
    let calls = zoom.add_calls(id);
    assert_eq!(calls["siti.aminah@example.id"], 2);
    assert_eq!(calls["sukarno@example.id"], 1);
}

#[tokio::test]
async fn batches_hold_thirty_and_both_success_statuses_are_read() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;
    zoom.set_batch_status(200);

    let added = client.add_registrants(id, &people(31)).await.unwrap();
    assert_eq!(added.len(), 31);
    assert_eq!(added[30].email, "peserta30@example.id");
    assert!(added.iter().all(|r| !r.registrant_id.is_empty()
        && r.join_url.starts_with("https://zoom.us/w/85012345678?tk=")));

    let sent = zoom.requests_to(Route::BatchRegistrants);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].path, "/v2/meetings/85012345678/batch_registrants");
    let first = sent[0].json();
    assert_eq!(first["auto_approve"], true);
    assert_eq!(first["registrants_confirmation_email"], false);
    assert_eq!(first["registrants"].as_array().unwrap().len(), 30);
    assert_eq!(
        first["registrants"][0],
        json!({ "email": "peserta0@example.id", "first_name": "Peserta", "last_name": "0" })
    );
    assert_eq!(sent[1].json()["registrants"].as_array().unwrap().len(), 1);

    // Zoom's usual 201, and a repeat that changes nothing.
    zoom.set_batch_status(201);
    let again = client.add_registrants(id, &people(5)).await.unwrap();
    assert_eq!(again, added[..5]);
    assert_eq!(zoom.registrant_count(id), 31);
    assert_eq!(zoom.add_calls(id)["peserta0@example.id"], 2);
}

#[tokio::test]
async fn listing_follows_every_page_and_cancelled_registrants_drop_out() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;
    let added = client.add_registrants(id, &people(650)).await.unwrap();

    let listed = client.list_registrants(id).await.unwrap();
    assert_eq!(listed, added);
    let pages = zoom.requests_to(Route::ListRegistrants);
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].path, "/v2/meetings/85012345678/registrants");
    assert_eq!(pages[0].query, "page_size=300");
    assert_eq!(pages[1].query, "page_size=300&next_page_token=page.300");
    assert_eq!(pages[2].query, "page_size=300&next_page_token=page.600");

    let cancelled: Vec<RegistrantRef> = added[..2]
        .iter()
        .map(|r| RegistrantRef {
            registrant_id: r.registrant_id.clone(),
            email: r.email.clone(),
        })
        .collect();
    client.cancel_registrants(id, &cancelled).await.unwrap();
    let sent = zoom.one_request_to(Route::RegistrantStatus);
    assert_eq!(sent.method, "PUT");
    assert_eq!(sent.path, "/v2/meetings/85012345678/registrants/status");
    assert_eq!(
        sent.json(),
        json!({
            "action": "cancel",
            "registrants": [
                { "id": added[0].registrant_id, "email": "peserta0@example.id" },
                { "id": added[1].registrant_id, "email": "peserta1@example.id" },
            ],
        })
    );
    assert_eq!(zoom.registrant_count(id), 648);
    assert_eq!(client.list_registrants(id).await.unwrap(), added[2..]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_token_serves_every_call_even_the_first_ones_at_once() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let client = client.clone();
        calls.spawn(async move { client.get_meeting(1).await });
    }
    while let Some(done) = calls.join_next().await {
        assert!(done.unwrap().unwrap_err().is_meeting_not_found());
    }
    let id = meeting(&client).await;
    for _ in 0..10 {
        client.get_meeting(id).await.unwrap();
    }
    assert_eq!(zoom.token_requests(), 1);
    assert_eq!(zoom.requests_to(Route::GetMeeting).len(), 18);
}

#[tokio::test]
async fn the_token_is_renewed_a_minute_before_it_runs_out() {
    let zoom = ZoomServer::start().await;
    zoom.set_token_lifetime(61);
    let client = zoom.client();
    let id = meeting(&client).await;
    client.get_meeting(id).await.unwrap();
    assert_eq!(zoom.token_requests(), 1);

    tokio::time::sleep(Duration::from_millis(1100)).await;
    client.get_meeting(id).await.unwrap();
    // A new token although the old one had a minute left, and no 401
    // (which would show as a second GET).
    assert_eq!(zoom.token_requests(), 2);
    assert_eq!(zoom.requests_to(Route::GetMeeting).len(), 2);
}

#[tokio::test]
async fn an_expired_token_is_renewed_once_and_the_call_sent_again() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;
    zoom.expire_tokens();
    let meeting = client.get_meeting(id).await.unwrap();
    assert_eq!(meeting.id, id);
    assert_eq!(zoom.token_requests(), 2);
    let sent = zoom.requests_to(Route::GetMeeting);
    assert_eq!(sent.len(), 2);
    assert_ne!(
        sent[0].header("authorization"),
        sent[1].header("authorization")
    );

    // A token refused again right after renewal: one renewal, no loop.
    let refused = Failure::error(401, 124, "Invalid access token.");
    zoom.fail_next(Route::GetMeeting, 5, refused);
    let error = client.get_meeting(id).await.unwrap_err();
    assert_eq!(error.key(), "zoom.error.invalid_token");
    assert!(!error.is_retryable());
    assert_eq!(zoom.token_requests(), 3);
    assert_eq!(zoom.requests_to(Route::GetMeeting).len(), 4);
}

#[tokio::test]
async fn rate_limits_say_when_to_try_again() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();

    let at = Utc::now() + TimeDelta::seconds(30);
    zoom.fail_next(Route::CreateMeeting, 1, Failure::rate_limited_until(at));
    let error = client.create_meeting(&session()).await.unwrap_err();
    let wait = error.retry_after().expect("a wait");
    assert!(
        wait > Duration::from_secs(27) && wait <= Duration::from_secs(30),
        "{wait:?}"
    );
    match JobFailure::from(error) {
        JobFailure::Retry { after, .. } => assert_eq!(after, Some(wait)),
        other => panic!("{other:?}"),
    }

    zoom.fail_next(Route::CreateMeeting, 1, Failure::rate_limited(Some("QPS")));
    let error = client.create_meeting(&session()).await.unwrap_err();
    assert_eq!(
        error,
        ZoomError::RateLimited {
            retry_after: Duration::from_secs(2),
            daily: false
        }
    );

    zoom.fail_next(
        Route::CreateMeeting,
        1,
        Failure::rate_limited(Some("Daily-limit")),
    );
    let error = client.create_meeting(&session()).await.unwrap_err();
    let midnight = (Utc::now().date_naive() + TimeDelta::days(1))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc();
    let until_midnight = (midnight - Utc::now()).to_std().unwrap();
    let wait = error.retry_after().unwrap();
    assert!(
        wait.abs_diff(until_midnight) < Duration::from_secs(5),
        "{wait:?} vs {until_midnight:?}"
    );
    assert_eq!(error.key(), "zoom.error.daily_limit");

    zoom.fail_next(Route::CreateMeeting, 1, Failure::rate_limited(None));
    let error = client.create_meeting(&session()).await.unwrap_err();
    assert_eq!(error.retry_after(), Some(Duration::from_secs(2)));

    // The scripted failures are used up: the next call goes through.
    client.create_meeting(&session()).await.unwrap();
}

#[tokio::test]
async fn server_errors_and_silence_are_worth_retrying() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let id = meeting(&client).await;
    zoom.fail_next(
        Route::AddRegistrant,
        1,
        Failure::error(503, 503, "Service Unavailable"),
    );
    let error = client
        .add_registrant(id, &person("a@example.id", "A"))
        .await
        .unwrap_err();
    assert!(matches!(error, ZoomError::Unavailable(_)), "{error:?}");
    assert!(error.is_retryable());
    assert!(matches!(
        JobFailure::from(error),
        JobFailure::Retry { after: None, .. }
    ));
    assert_eq!(zoom.registrant_count(id), 0);

    let config = zoom.config();
    drop(zoom);
    let nobody = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}", nobody.local_addr().unwrap());
    drop(nobody);
    let unreachable = Zoom::new(ZoomConfig {
        oauth_base: closed.parse().unwrap(),
        ..config
    })
    .unwrap();
    let error = unreachable.get_meeting(id).await.unwrap_err();
    assert!(
        matches!(&error, ZoomError::Unavailable(what) if what.starts_with("cannot connect")),
        "{error:?}"
    );
}

#[tokio::test]
async fn refusals_are_permanent_and_explained() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    zoom.fail_next(
        Route::CreateMeeting,
        1,
        Failure::error(
            400,
            4711,
            "Invalid access token, does not contain scopes:[meeting:write:meeting:admin].",
        ),
    );
    let error = client.create_meeting(&session()).await.unwrap_err();
    assert!(!error.is_retryable());
    assert_eq!(error.key(), "zoom.error.missing_scope");
    match JobFailure::from(error) {
        JobFailure::Permanent(text) => assert_eq!(
            text,
            "The Zoom app lacks a permission (scope) it needs (HTTP 400, code 4711): meeting:write:meeting:admin"
        ),
        other => panic!("{other:?}"),
    }

    let elsewhere = NewMeeting {
        host: "bukan.host@example.id".into(),
        ..session()
    };
    let error = client.create_meeting(&elsewhere).await.unwrap_err();
    assert_eq!(error.key(), "zoom.error.host_not_found");
    assert!(
        error
            .to_string()
            .starts_with("The Zoom host user does not exist"),
        "{error}"
    );
}

/// A report row as Zoom gives it: one join of one person.
fn join(user_id: &str, name: &str, email: &str, registrant: &str, from: &str, to: &str) -> Value {
    json!({
        "id": "", "user_id": user_id, "name": name, "user_email": email,
        "registrant_id": registrant, "join_time": from, "leave_time": to,
        "duration": 60, "status": "in_meeting", "failover": false,
    })
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

#[tokio::test]
async fn a_report_is_read_page_by_page_with_registrant_ids_for_each_run() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    let rows: Vec<Value> = (0..7)
        .map(|i| {
            join(
                &format!("1677824{i}"),
                &format!("Peserta {i}"),
                &format!("peserta{i}@example.id"),
                &format!("reg{i}"),
                "2020-07-27T02:00:00Z",
                "2020-07-27T05:00:00Z",
            )
        })
        .collect();
    // Two runs: the second's UUID begins with a slash (encoded twice), the
    // first's holds a lone one and a plus (encoded once).
    zoom.add_instance(
        85_012_345_678,
        "ab/cd+ef==",
        at("2020-07-27T01:55:00Z"),
        rows[..1].to_vec(),
    );
    zoom.add_instance(
        85_012_345_678,
        "/ajXp112QmuoKj4854875==",
        at("2020-07-27T03:05:00Z"),
        rows.clone(),
    );
    zoom.set_report_page_size(3);

    let runs = client.past_instances(85_012_345_678).await.unwrap();
    assert_eq!(
        runs.iter().map(|r| r.uuid.as_str()).collect::<Vec<_>>(),
        ["ab/cd+ef==", "/ajXp112QmuoKj4854875=="]
    );
    assert_eq!(runs[1].start_time, Some(at("2020-07-27T03:05:00Z")));
    let listed = zoom.one_request_to(Route::ListInstances);
    assert_eq!(listed.path, "/v2/past_meetings/85012345678/instances");

    let report = client.participant_report(&runs[1].uuid).await.unwrap();
    assert_eq!(report.len(), 7);
    assert_eq!(report[6].registrant_id, "reg6");
    assert_eq!(report[6].user_email, "peserta6@example.id");
    assert_eq!(report[0].join_time, Some(at("2020-07-27T02:00:00Z")));
    let pages = zoom.requests_to(Route::ReportParticipants);
    assert_eq!(pages.len(), 3, "7 rows in pages of 3");
    assert_eq!(pages[0].query, "page_size=300&include_fields=registrant_id");
    assert_eq!(
        pages[2].query,
        "page_size=300&include_fields=registrant_id&next_page_token=page.6"
    );
    let first = client.participant_report(&runs[0].uuid).await.unwrap();
    assert_eq!(first, report[..1]);
}

#[tokio::test]
async fn a_uuid_that_needs_double_encoding_is_not_found_when_sent_once() {
    let zoom = ZoomServer::start().await;
    zoom.add_instance(1, "/abc//def==", at("2020-07-27T02:00:00Z"), Vec::new());
    let client = zoom.client();
    // The client's way finds it...
    assert!(
        client
            .participant_report("/abc//def==")
            .await
            .unwrap()
            .is_empty()
    );
    // ...a single encoding does not (Zoom reads the slashes as the path's).
    let sent_once = format!(
        "{}/report/meetings/%2Fabc%2F%2Fdef%3D%3D/participants",
        zoom.api_base()
    );
    let bearer = zoom
        .requests_to(Route::ReportParticipants)
        .pop()
        .unwrap()
        .header("authorization")
        .unwrap()
        .to_owned();
    let answer = reqwest::Client::new()
        .get(sent_once)
        .header("authorization", bearer)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 404);
    assert_eq!(answer.json::<Value>().await.unwrap()["code"], 3001);
}

#[tokio::test]
async fn a_report_not_ready_yet_is_worth_asking_again() {
    let zoom = ZoomServer::start().await;
    let client = zoom.client();
    // Just after the end Zoom lists no run yet...
    let error = client.past_instances(7).await.unwrap_err();
    assert!(matches!(error, ZoomError::NotReady(_)), "{error:?}");
    assert!(error.is_retryable());
    // ...and then answers 404/3001 for its report for a while.
    zoom.add_instance(7, "run==", at("2020-07-27T02:00:00Z"), Vec::new());
    zoom.fail_next(Route::ReportParticipants, 1, Failure::report_not_ready());
    let error = client.participant_report("run==").await.unwrap_err();
    assert_eq!(error.key(), "zoom.error.report_not_ready");
    assert!(!error.is_meeting_not_found());
    match JobFailure::from(error) {
        JobFailure::Retry { after: None, error } => {
            assert!(
                error.starts_with("Zoom's participant report is not ready yet"),
                "{error}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert!(client.participant_report("run==").await.unwrap().is_empty());
    // A refusal stays a refusal.
    zoom.fail_next(
        Route::ReportParticipants,
        1,
        Failure::error(400, 12702, "Can not access meeting a year ago."),
    );
    let error = client.participant_report("run==").await.unwrap_err();
    assert!(!error.is_retryable(), "{error:?}");
}
