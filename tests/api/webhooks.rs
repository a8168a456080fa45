//! Zoom's webhook deliveries to `POST /webhooks/zoom`, on the real server:
//! the shared vectors (`fixtures/zoom-*.json`, copied from shared/zoom),
//! refusals that store nothing, and deliveries duplicated, replayed and out
//! of order giving the rows one ordered delivery gives. What the deliveries
//! leave is read from the application's database, row by row, and from the
//! organisers' page of the session.

use std::collections::HashMap;
use std::time::Duration;

use bimtek::db::models::AttendanceRow;
use bimtek::db::repo::session_registrants::{self, Scope};
use bimtek::db::repo::sessions as sessions_repo;
use bimtek::db::{Db, DbError};
use bimtek::domain::attendance::Source;
use bimtek::domain::session::SessionForm;
use bimtek::domain::session::ZoomStatus;
use bimtek::i18n::Lang;
use bimtek::integrations::zoom::webhook::signature;
use bimtek::secret::Secret;
use bimtek::services::accounts::Origin;
use bimtek::services::attendance::reports::{self, JobState};
use bimtek::services::{registrations, sessions};
use chrono::{NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde_json::{Value, json};

use crate::support::zoom_server::{HOST_USER, ZoomServer};
use crate::support::*;

const SIGNED: &str = include_str!("support/fixtures/zoom-signed-webhooks.json");
const VALIDATION: &str = include_str!("support/fixtures/zoom-url-validation.json");
/// The secret of the signed vectors.
const SECRET: &str = "Hp3kV9sQ2mW7xZ1bN4tR8c";
const VECTORS_MEETING: i64 = 85746065123;

fn cases(file: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(file).unwrap();
    all["cases"].as_array().unwrap().clone()
}

fn case(name: &str) -> Value {
    cases(SIGNED)
        .into_iter()
        .find(|c| c["name"] == name)
        .unwrap()
}

/// Webhooks on with `secret`, accepting signatures `tolerance` old.
async fn webhook_app(backend: &TestBackend, secret: &str, tolerance: Duration) -> TestApp {
    let secret = Secret::new(secret);
    spawn_app_with(backend, |s| {
        s.zoom_args.zoom_webhook_secret = Some(secret);
        s.zoom_args.zoom_webhook_tolerance = tolerance;
    })
    .await
}

/// Wide enough for the vectors, signed in March 2026, to be fresh now.
fn vectors_tolerance() -> Duration {
    let oldest = 1773651681;
    Duration::from_secs(u64::try_from(Utc::now().timestamp() - oldest).unwrap() + 3600)
}

/// Posts `body` as Zoom does, with these two headers.
async fn deliver(address: &str, body: &str, timestamp: &str, signature: &str) -> reqwest::Response {
    client()
        .post(format!("{address}/webhooks/zoom"))
        .header("content-type", "application/json; charset=utf-8")
        .header("user-agent", "Zoom Marketplace/1.0a")
        .header("x-zm-request-timestamp", timestamp)
        .header("x-zm-signature", signature)
        .body(body.to_owned())
        .send()
        .await
        .expect("request sent")
}

/// A vector as its case gives it.
async fn deliver_case(address: &str, case: &Value) -> reqwest::Response {
    deliver(
        address,
        case["raw_body"].as_str().unwrap(),
        case["x-zm-request-timestamp"].as_str().unwrap(),
        case["x-zm-signature"].as_str().unwrap(),
    )
    .await
}

/// `body` signed now with `secret`, as Zoom signs a fresh delivery.
async fn deliver_signed(address: &str, secret: &str, body: &str) -> reqwest::Response {
    let now = Utc::now().timestamp().to_string();
    let signed = signature(&Secret::new(secret), &now, body.as_bytes());
    deliver(address, body, &now, &signed).await
}

/// A Zoom session of its own event held in meeting `meeting_id`, and its
/// participants (e-mail, and the registrant id Zoom gave them, if any).
struct Held {
    session_id: String,
    /// Registration ids by e-mail.
    people: HashMap<String, String>,
}

async fn held_in(app: &TestApp, meeting_id: i64, people: &[(&str, Option<&str>)]) -> Held {
    let event = create_event(&app.db, event("bimtek-zoom", Tz::Asia__Jakarta, true)).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let origin = Origin {
        base_url: url::Url::parse(&app.address).unwrap(),
        address: None,
        lang: Lang::Id,
    };
    let form = SessionForm {
        title: "Pengelolaan Perpustakaan Desa".into(),
        date: "2030-07-29".into(),
        start_time: "09:00".into(),
        end_time: "11:00".into(),
        mandatory: true,
        delivery: "zoom".into(),
        zoom_host: "pelatihan@dispusip.example.id".into(),
        ..SessionForm::default()
    };
    let session_id = sessions::create(&app.db, &admin, &event, form, &origin)
        .await
        .expect("the session is created")
        .id;
    let mut ids = HashMap::new();
    for (n, (email, _)) in people.iter().enumerate() {
        let mut fields: HashMap<String, String> = person(n).into_iter().collect();
        fields.insert("email".into(), (*email).into());
        let id = registrations::add_by_hand(&app.db, &event, fields, &admin, &origin)
            .await
            .expect("the participant is added");
        ids.insert((*email).to_owned(), id);
    }
    // Zoom is not configured: its jobs end at once, and the meeting and the
    // registrant ids are written as Zoom would have given them.
    wait_for_jobs(&app.db).await;
    let (event_id, session, given) = (
        event.id.to_string(),
        session_id.clone(),
        people
            .iter()
            .filter_map(|(email, registrant)| Some((ids[*email].clone(), (*registrant)?)))
            .map(|(id, registrant)| (id, registrant.to_owned()))
            .collect::<Vec<_>>(),
    );
    app.db
        .transaction(move |conn| -> Result<(), DbError> {
            let now = Utc::now();
            let link = "https://zoom.us/j/1";
            sessions_repo::set_meeting(conn, &session, meeting_id, link, link)?;
            for (registration, registrant) in given {
                session_registrants::add_pending(
                    conn,
                    &event_id,
                    Scope::Registration(&registration),
                    now,
                )?;
                session_registrants::mark_added(
                    conn,
                    &session,
                    &registration,
                    &registrant,
                    link,
                    now,
                )?;
            }
            Ok(())
        })
        .await
        .unwrap();
    Held {
        session_id,
        people: ids,
    }
}

/// The evidence of a session, in the order of its keys.
async fn evidence(db: &Db, session_id: &str) -> Vec<AttendanceRow> {
    let id = session_id.to_owned();
    db.run(move |conn| -> Result<_, DbError> {
        use bimtek::db::schema::attendance_rows as rows;
        use diesel::prelude::*;
        Ok(rows::table
            .filter(rows::session_id.eq(id))
            .order(rows::dedup_key)
            .select(AttendanceRow::as_select())
            .load(conn)?)
    })
    .await
    .unwrap()
}

/// The minutes each participant has in the session, in the order the
/// organisers' page for it lists them (by name): what the page shows of
/// the evidence the deliveries left.
async fn minutes_shown(app: &TestApp, held: &Held) -> Vec<u32> {
    let rina = organiser(app, "bimtek-zoom").await;
    let path = format!(
        "/manage/events/bimtek-zoom/sessions/{}/attendance",
        held.session_id
    );
    let (status, page) = rina.text(&path).await;
    assert_eq!(status, 200, "{app}: {page}");
    let chunks: Vec<&str> = page.split(" dari 120 menit").collect();
    chunks[..chunks.len() - 1]
        .iter()
        .map(|before| {
            let digits: String = before
                .chars()
                .rev()
                .take_while(char::is_ascii_digit)
                .collect();
            digits.chars().rev().collect::<String>().parse().unwrap()
        })
        .collect()
}

/// Each run of the session's meeting: its UUID, start and end.
type Instance = (String, Option<NaiveDateTime>, Option<NaiveDateTime>);

async fn instances(db: &Db, session_id: &str) -> Vec<Instance> {
    let id = session_id.to_owned();
    db.run(move |conn| -> Result<_, DbError> {
        use bimtek::db::schema::zoom_meeting_instances as instances;
        use diesel::prelude::*;
        Ok(instances::table
            .filter(instances::session_id.eq(id))
            .order(instances::meeting_uuid)
            .select((
                instances::meeting_uuid,
                instances::started_at,
                instances::ended_at,
            ))
            .load(conn)?)
    })
    .await
    .unwrap()
}

/// Deliveries kept, and of those the ones their job has read.
async fn kept(db: &Db) -> (i64, i64) {
    db.run(|conn| -> Result<_, DbError> {
        use bimtek::db::schema::zoom_webhooks::dsl::*;
        use diesel::prelude::*;
        let all = zoom_webhooks.count().get_result(conn)?;
        let read = zoom_webhooks
            .filter(processed_at.is_not_null())
            .count()
            .get_result(conn)?;
        Ok((all, read))
    })
    .await
    .unwrap()
}

async fn webhook_jobs(db: &Db) -> i64 {
    db.run(|conn| -> Result<_, DbError> {
        use bimtek::db::schema::jobs::dsl::*;
        use diesel::prelude::*;
        Ok(jobs
            .filter(kind.eq("zoom_webhook"))
            .count()
            .get_result(conn)?)
    })
    .await
    .unwrap()
}

fn utc(text: &str) -> NaiveDateTime {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .naive_utc()
}

backend_tests!(the_shared_vectors_pass_against_the_real_server);
async fn the_shared_vectors_pass_against_the_real_server(backend: TestBackend) {
    let app = webhook_app(&backend, SECRET, vectors_tolerance()).await;
    let held = held_in(
        &app,
        VECTORS_MEETING,
        &[
            ("alice.nguyen@example.com", Some("r7QeXkT3S0uB1mN9aZpL2w")),
            ("siti.nurhaliza@example.my", Some("k2PwZ8nR4tYq6LxV0bMs1A")),
        ],
    )
    .await;

    // The URL-validation challenges, each to an instance with its secret,
    // and never answered without the signature.
    for case in cases(VALIDATION) {
        let secret = Secret::new(case["secret_token"].as_str().unwrap());
        let tolerance = vectors_tolerance();
        let address = start_instance(&app, move |s| {
            s.zoom_args.zoom_webhook_secret = Some(secret);
            s.zoom_args.zoom_webhook_tolerance = tolerance;
        })
        .await;
        let request = &case["request"];
        let body = request["raw_body"].as_str().unwrap();
        let headers = &request["headers"];
        let timestamp = headers["x-zm-request-timestamp"].as_str().unwrap();
        let signed = headers["x-zm-signature"].as_str().unwrap();
        let answer = deliver(&address, body, timestamp, signed).await;
        assert_eq!(
            answer.status().as_u16(),
            case["expected_response_status"].as_u64().unwrap() as u16,
            "{app}: {}",
            case["plainToken"]
        );
        let expected: Value =
            serde_json::from_str(case["expected_response_body"].as_str().unwrap()).unwrap();
        assert_eq!(answer.json::<Value>().await.unwrap(), expected, "{app}");
        let forged = deliver(&address, body, timestamp, &signed.replace('a', "b")).await;
        assert_eq!(forged.status(), 401, "{app}: an unsigned challenge");
    }

    for case in cases(SIGNED) {
        let expected = case["expected"]["http_status"].as_u64().unwrap() as u16;
        let address = if case["name"] == "invalid_stale_timestamp" {
            // At the default window its signed time is too old; at the
            // window the others need it would pass (its HMAC is right), as
            // it does in the unit test at the clock it was made for.
            let secret = Secret::new(SECRET);
            start_instance(&app, move |s| {
                s.zoom_args.zoom_webhook_secret = Some(secret);
            })
            .await
        } else {
            app.address.clone()
        };
        let answer = deliver_case(&address, &case).await;
        assert_eq!(answer.status(), expected, "{app}: {}", case["name"]);
        if let Some(escaped) = case.get("escaped_variant") {
            // Valid for its own bytes; the same event, so not kept twice.
            let answer = deliver(
                &app.address,
                escaped["raw_body"].as_str().unwrap(),
                case["x-zm-request-timestamp"].as_str().unwrap(),
                escaped["x-zm-signature"].as_str().unwrap(),
            )
            .await;
            assert_eq!(answer.status(), 200, "{app}: the escaped variant");
        }
    }
    wait_for_jobs(&app.db).await;
    assert_eq!(
        kept(&app.db).await,
        (5, 5),
        "{app}: the five valid ones, read"
    );

    let rows = evidence(&app.db, &held.session_id).await;
    let by_name = |name: &str| {
        rows.iter()
            .find(|r| r.display_name == name)
            .unwrap_or_else(|| panic!("{app}: a row for {name}: {rows:#?}"))
    };
    assert_eq!(rows.len(), 3, "{app}: {rows:#?}");
    let alice = by_name("Alice Nguyen");
    assert_eq!(
        (alice.joined_at, alice.left_at),
        (
            Some(utc("2026-03-16T09:02:10Z")),
            Some(utc("2026-03-16T09:47:40Z"))
        ),
        "{app}: her join and leave make one row"
    );
    assert_eq!(
        alice.registration_id.as_deref(),
        Some(held.people["alice.nguyen@example.com"].as_str())
    );
    assert_eq!(alice.matched_by.as_deref(), Some("registrant_id"));
    assert_eq!(alice.dedup_key, "webhook:/aB3//kLm9QxZ2pTqW7eYw==:16779264");
    let siti = by_name("Siti Nurhaliza \u{d6}");
    assert_eq!(siti.joined_at, Some(utc("2026-03-16T09:01:20Z")));
    assert_eq!(siti.left_at, None);
    assert_eq!(
        siti.registration_id.as_deref(),
        Some(held.people["siti.nurhaliza@example.my"].as_str())
    );
    let carlos = by_name("iPhone de Carlos");
    assert_eq!(
        (
            carlos.email.as_deref(),
            carlos.registrant_id.as_deref(),
            carlos.registration_id.as_deref(),
        ),
        (None, None, None),
        "{app}: a guest waits for review"
    );
    assert_eq!(carlos.identity, "name:iPhone de Carlos");
    assert_eq!(
        instances(&app.db, &held.session_id).await,
        vec![(
            "/aB3//kLm9QxZ2pTqW7eYw==".to_owned(),
            None,
            Some(utc("2026-03-16T11:00:00Z"))
        )],
        "{app}: the instance and its end"
    );
}

backend_tests!(refused_deliveries_store_nothing);
async fn refused_deliveries_store_nothing(backend: TestBackend) {
    let app = webhook_app(&backend, SECRET, Duration::from_secs(300)).await;
    held_in(&app, VECTORS_MEETING, &[]).await;
    let body = case("participant_joined_alice")["raw_body"]
        .as_str()
        .unwrap()
        .to_owned();
    let now = Utc::now().timestamp();
    let sign =
        |secret: &str, at: i64| signature(&Secret::new(secret), &at.to_string(), body.as_bytes());
    let refused: Vec<(&str, String, String, String)> = vec![
        (
            "the wrong secret",
            body.clone(),
            now.to_string(),
            sign("Wr0ngSecretT0ken123456", now),
        ),
        (
            "a stale timestamp",
            body.clone(),
            (now - 360).to_string(),
            sign(SECRET, now - 360),
        ),
        (
            "a timestamp from the future",
            body.clone(),
            (now + 360).to_string(),
            sign(SECRET, now + 360),
        ),
        (
            "another body under the signature",
            body.replace("Alice", "Alicia"),
            now.to_string(),
            sign(SECRET, now),
        ),
        (
            "another time under the signature",
            body.clone(),
            (now + 1).to_string(),
            sign(SECRET, now),
        ),
        ("no signature", body.clone(), now.to_string(), String::new()),
    ];
    for (what, body, timestamp, signed) in &refused {
        let answer = deliver(&app.address, body, timestamp, signed).await;
        assert_eq!(answer.status(), 401, "{app}: {what}");
    }
    // The vectors refused: the wrong secret, and the stale one at the
    // default window (it is months old by the real clock).
    for name in ["invalid_wrong_secret", "invalid_stale_timestamp"] {
        let answer = deliver_case(&app.address, &case(name)).await;
        assert_eq!(answer.status(), 401, "{app}: {name}");
    }
    // Signed, but not a delivery: refused too, as Zoom would not send it.
    let answer = deliver_signed(&app.address, SECRET, "not json").await;
    assert_eq!(answer.status(), 400, "{app}");
    let huge = format!(r#"{{"event":"x","pad":"{}"}}"#, "a".repeat(70 * 1024));
    let answer = deliver_signed(&app.address, SECRET, &huge).await;
    assert_eq!(answer.status(), 413, "{app}: over the body limit");
    assert_eq!(kept(&app.db).await, (0, 0), "{app}: nothing kept");
    assert_eq!(webhook_jobs(&app.db).await, 0, "{app}: nothing queued");

    // The same delivery signed now passes: the refusals were for cause.
    let answer = deliver_signed(&app.address, SECRET, &body).await;
    assert_eq!(answer.status(), 200, "{app}");
    assert_eq!(kept(&app.db).await.0, 1, "{app}");
}

backend_tests!(without_a_secret_the_address_does_not_exist);
async fn without_a_secret_the_address_does_not_exist(backend: TestBackend) {
    let app = spawn_app(&backend).await;
    let vector = case("participant_joined_alice");
    let answer = deliver_case(&app.address, &vector).await;
    assert_eq!(answer.status(), 404, "{app}");
    let ours = answer.text().await.unwrap();
    let nowhere = client()
        .post(app.url("/webhooks/tidak-ada"))
        .body(vector["raw_body"].as_str().unwrap().to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);
    assert_eq!(
        ours,
        nowhere
            .text()
            .await
            .unwrap()
            .replace("%2Fwebhooks%2Ftidak-ada", "%2Fwebhooks%2Fzoom"),
        "{app}: the same page as any unknown address"
    );
    let asked = app.get("/webhooks/zoom").await;
    assert_eq!(asked.status(), 404, "{app}: nor is it there for GET");
    assert_eq!(kept(&app.db).await, (0, 0), "{app}");
}

/// One meeting's deliveries as Zoom would send them, in the order things
/// happened: its start and end, Alice (known by her registrant id) with a
/// reconnection, Budi (known only by his e-mail, which his "left" lacks,
/// and written in another case), a guest with no e-mail, someone in the
/// waiting room only, and an event bimtek does not act on.
fn meeting_story(meeting: i64, uuid: &str) -> Vec<String> {
    let object = |extra: Value| {
        let mut object = json!({
            "id": meeting.to_string(),
            "uuid": uuid,
            "host_id": "Hk3n2F0qRbWz1x9YvT7m5A",
            "topic": "Pengelolaan Perpustakaan Desa",
            "type": 2,
            "start_time": "2030-07-29T02:00:00Z",
            "timezone": "Asia/Jakarta",
            "duration": 120,
        });
        object
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        object
    };
    let delivery = |event: &str, ts: i64, object: Value| {
        json!({
            "event": event,
            "event_ts": ts,
            "payload": {"account_id": "Xq7LmP2sRZe8tNvC0dYw1g", "object": object},
        })
        .to_string()
    };
    let participant = |event: &str, ts: i64, person: Value| {
        delivery(event, ts, object(json!({ "participant": person })))
    };
    let joined = "meeting.participant_joined";
    let left = "meeting.participant_left";
    vec![
        participant(
            "meeting.participant_joined_waiting_room",
            1,
            json!({"user_id": "400", "user_name": "Dewi", "email": "dewi@perpus.example.id", "date_time": "2030-07-29T01:58:00Z"}),
        ),
        delivery(
            "meeting.started",
            2,
            object(json!({"start_time": "2030-07-29T01:59:50Z"})),
        ),
        participant(
            joined,
            3,
            json!({"user_id": "100", "user_name": "Alice", "id": "", "email": "alice@perpus.example.id", "registrant_id": "r-alice", "join_time": "2030-07-29T02:00:30Z"}),
        ),
        participant(
            joined,
            4,
            json!({"user_id": "200", "user_name": "Budi Santoso", "id": "", "email": "Budi@Perpus.example.id", "registrant_id": null, "join_time": "2030-07-29T02:05:00Z"}),
        ),
        participant(
            joined,
            5,
            json!({"user_id": "300", "user_name": "Carlos (tamu)", "id": "", "email": "", "registrant_id": "", "join_time": "2030-07-29T02:10:00Z"}),
        ),
        delivery(
            "meeting.sharing_started",
            6,
            object(json!({"sharing_details": {"content": "application"}})),
        ),
        participant(
            left,
            7,
            json!({"user_id": "300", "user_name": "Carlos (tamu)", "id": "", "email": "", "leave_time": "2030-07-29T02:20:00Z"}),
        ),
        participant(
            left,
            8,
            json!({"user_id": "100", "user_name": "Alice", "id": "", "email": "alice@perpus.example.id", "registrant_id": "r-alice", "leave_time": "2030-07-29T02:40:00Z", "leave_reason": "left the meeting. Reason : Network connection error."}),
        ),
        participant(
            joined,
            9,
            json!({"user_id": "101", "user_name": "Alice", "id": "", "email": "alice@perpus.example.id", "registrant_id": "r-alice", "join_time": "2030-07-29T02:41:00Z"}),
        ),
        participant(
            left,
            10,
            json!({"user_id": "200", "id": "", "leave_time": "2030-07-29T03:30:00Z"}),
        ),
        participant(
            left,
            11,
            json!({"user_id": "101", "user_name": "Alice", "id": "", "email": "alice@perpus.example.id", "registrant_id": "r-alice", "leave_time": "2030-07-29T04:00:00Z", "leave_reason": "left the meeting. Reason : Host ended the meeting."}),
        ),
        delivery(
            "meeting.ended",
            12,
            object(json!({"end_time": "2030-07-29T04:00:05Z"})),
        ),
    ]
}

/// What a session's evidence says, without what differs between two
/// databases (ids, the time a row was written), registrations by e-mail.
fn comparable(rows: &[AttendanceRow], people: &HashMap<String, String>) -> Vec<String> {
    let email_of: HashMap<&str, &str> = people
        .iter()
        .map(|(email, id)| (id.as_str(), email.as_str()))
        .collect();
    rows.iter()
        .map(|r| {
            format!(
                "{} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                r.dedup_key,
                r.source,
                r.identity,
                r.display_name,
                r.email,
                r.registrant_id,
                r.joined_at,
                r.left_at,
                r.registration_id.as_deref().map(|id| email_of[id]),
                r.matched_by,
            )
        })
        .collect()
}

const PEOPLE: [(&str, Option<&str>); 3] = [
    ("alice@perpus.example.id", Some("r-alice")),
    ("budi@perpus.example.id", None),
    ("dewi@perpus.example.id", None),
];

backend_tests!(duplicated_replayed_and_shuffled_deliveries_give_the_ordered_rows);
async fn duplicated_replayed_and_shuffled_deliveries_give_the_ordered_rows(backend: TestBackend) {
    let (meeting, uuid) = (81234567890, "/Qx7//Ab9cD2eF4gH6iJ8k==");
    let story = meeting_story(meeting, uuid);

    // Once, in order.
    let ordered = webhook_app(&backend, SECRET, Duration::from_secs(300)).await;
    let first = held_in(&ordered, meeting, &PEOPLE).await;
    for body in &story {
        let answer = deliver_signed(&ordered.address, SECRET, body).await;
        assert_eq!(answer.status(), 200, "{ordered}: {body}");
        // Each read before the next arrives.
        wait_for_jobs(&ordered.db).await;
    }
    let expected = comparable(
        &evidence(&ordered.db, &first.session_id).await,
        &first.people,
    );

    // What it must come to: Alice's two joins by her registrant id, Budi's
    // by his e-mail (his "left" said neither), the guest for review, and
    // nothing for the waiting room.
    let at = |h: u32, m: u32, s: u32| {
        chrono::NaiveDate::from_ymd_opt(2030, 7, 29)
            .unwrap()
            .and_hms_opt(h, m, s)
            .unwrap()
    };
    let alice = Some("alice@perpus.example.id");
    let want = vec![
        format!(
            "webhook:{uuid}:100 Webhook registrant:r-alice \"Alice\" Some(\"alice@perpus.example.id\") Some(\"r-alice\") {:?} {:?} {alice:?} Some(\"registrant_id\")",
            Some(at(2, 0, 30)),
            Some(at(2, 40, 0))
        ),
        format!(
            "webhook:{uuid}:101 Webhook registrant:r-alice \"Alice\" Some(\"alice@perpus.example.id\") Some(\"r-alice\") {:?} {:?} {alice:?} Some(\"registrant_id\")",
            Some(at(2, 41, 0)),
            Some(at(4, 0, 0))
        ),
        format!(
            "webhook:{uuid}:200 Webhook email:budi@perpus.example.id \"Budi Santoso\" Some(\"Budi@Perpus.example.id\") None {:?} {:?} Some(\"budi@perpus.example.id\") Some(\"email\")",
            Some(at(2, 5, 0)),
            Some(at(3, 30, 0))
        ),
        format!(
            "webhook:{uuid}:300 Webhook name:Carlos (tamu) \"Carlos (tamu)\" None None {:?} {:?} None None",
            Some(at(2, 10, 0)),
            Some(at(2, 20, 0))
        ),
    ];
    assert_eq!(expected, want, "{ordered}");
    let expected_instances = vec![(uuid.to_owned(), Some(at(1, 59, 50)), Some(at(4, 0, 5)))];
    assert_eq!(
        instances(&ordered.db, &first.session_id).await,
        expected_instances,
        "{ordered}"
    );
    assert_eq!(kept(&ordered.db).await, (12, 12), "{ordered}");
    // On the organisers' page: Alice 39.5 + 79 minutes of the 120, Budi
    // 85, Dewi (only in the waiting room) none.
    let shown = minutes_shown(&ordered, &first).await;
    assert_eq!(shown, [118, 85, 0], "{ordered}");

    // Backwards, each twice, each read before the next comes: every
    // leave is read before its join, the end before the start. Then some
    // again after they were read (a replay), signed afresh (a retry).
    let backwards = webhook_app(&backend, SECRET, Duration::from_secs(300)).await;
    let held = held_in(&backwards, meeting, &PEOPLE).await;
    for body in story.iter().rev() {
        for _ in 0..2 {
            let answer = deliver_signed(&backwards.address, SECRET, body).await;
            assert_eq!(answer.status(), 200, "{backwards}: {body}");
        }
        wait_for_jobs(&backwards.db).await;
    }
    for body in [&story[0], &story[2], &story[10], &story[11]] {
        let answer = deliver_signed(&backwards.address, SECRET, body).await;
        assert_eq!(answer.status(), 200, "{backwards}: a replay is taken");
    }
    wait_for_jobs(&backwards.db).await;
    assert_eq!(
        comparable(
            &evidence(&backwards.db, &held.session_id).await,
            &held.people
        ),
        expected,
        "{backwards}: the rows of the ordered delivery"
    );
    assert_eq!(
        instances(&backwards.db, &held.session_id).await,
        expected_instances,
        "{backwards}"
    );
    assert_eq!(
        kept(&backwards.db).await,
        (12, 12),
        "{backwards}: each kept once"
    );

    // All at once, each twice: joins and leaves of one join read by jobs
    // running side by side.
    let burst = webhook_app(&backend, SECRET, Duration::from_secs(300)).await;
    let held = held_in(&burst, meeting, &PEOPLE).await;
    let sends = story.iter().chain(story.iter()).map(|body| {
        let address = burst.address.clone();
        async move { deliver_signed(&address, SECRET, body).await.status() }
    });
    for status in futures_util::future::join_all(sends).await {
        assert_eq!(status, 200, "{burst}");
    }
    wait_for_jobs(&burst.db).await;
    assert_eq!(
        comparable(&evidence(&burst.db, &held.session_id).await, &held.people),
        expected,
        "{burst}: the rows of the ordered delivery"
    );
    assert_eq!(
        instances(&burst.db, &held.session_id).await,
        expected_instances,
        "{burst}"
    );
    assert_eq!(kept(&burst.db).await, (12, 12), "{burst}: each kept once");
    assert_eq!(minutes_shown(&burst, &held).await, shown, "{burst}");

    // A meeting none of our sessions is held in: kept, read, and no
    // session changes.
    let elsewhere = meeting_story(89999999999, "lain==");
    let answer = deliver_signed(&burst.address, SECRET, &elsewhere[2]).await;
    assert_eq!(answer.status(), 200, "{burst}");
    wait_for_jobs(&burst.db).await;
    assert_eq!(kept(&burst.db).await, (13, 13), "{burst}");
    assert_eq!(
        comparable(&evidence(&burst.db, &held.session_id).await, &held.people),
        expected,
        "{burst}"
    );
}

backend_tests!(a_delivery_that_cannot_be_kept_is_answered_for_zoom_to_retry);
async fn a_delivery_that_cannot_be_kept_is_answered_for_zoom_to_retry(backend: TestBackend) {
    let app = webhook_app(&backend, SECRET, Duration::from_secs(300)).await;
    let held = held_in(&app, VECTORS_MEETING, &[]).await;
    let body = case("participant_joined_missing_email")["raw_body"]
        .as_str()
        .unwrap()
        .to_owned();
    let rename = |from: &'static str, to: &'static str| {
        app.db.transaction(move |conn| -> Result<(), DbError> {
            use diesel::connection::SimpleConnection;
            Ok(conn.batch_execute(&format!("ALTER TABLE {from} RENAME TO {to}"))?)
        })
    };
    // The table out of reach, as when the database is away.
    rename("zoom_webhooks", "zoom_webhooks_away").await.unwrap();
    let answer = deliver_signed(&app.address, SECRET, &body).await;
    assert!(
        answer.status().is_server_error(),
        "{app}: {} (Zoom retries only 5xx)",
        answer.status()
    );
    rename("zoom_webhooks_away", "zoom_webhooks").await.unwrap();
    assert_eq!(webhook_jobs(&app.db).await, 0, "{app}: nothing queued");
    // Zoom's retry.
    let answer = deliver_signed(&app.address, SECRET, &body).await;
    assert_eq!(answer.status(), 200, "{app}");
    wait_for_jobs(&app.db).await;
    assert_eq!(kept(&app.db).await, (1, 1), "{app}");
    assert_eq!(evidence(&app.db, &held.session_id).await.len(), 1, "{app}");
}

backend_tests!(a_meetings_end_has_its_report_read_at_once_which_later_deliveries_leave_alone);
async fn a_meetings_end_has_its_report_read_at_once_which_later_deliveries_leave_alone(
    backend: TestBackend,
) {
    let zoom = ZoomServer::start().await;
    let config = zoom.config();
    let secret = Secret::new(SECRET);
    let app = spawn_app_with(&backend, |s| {
        s.zoom = Some(config);
        s.zoom_args.zoom_webhook_secret = Some(secret);
    })
    .await;
    let slug = "bimtek-zoom";
    let event = create_event(&app.db, event(slug, Tz::Asia__Jakarta, true)).await;
    let rina = organiser(&app, slug).await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let origin = Origin {
        base_url: url::Url::parse(&app.address).unwrap(),
        address: None,
        lang: Lang::Id,
    };
    // The story's Alice carries the registrant id Zoom gives this one.
    let registered = registrations::add_by_hand(
        &app.db,
        &event,
        person(1).into_iter().collect(),
        &admin,
        &origin,
    )
    .await
    .unwrap();
    // In 2030: its report is planned for long after this test.
    let form = [
        ("title", "Pengelolaan Perpustakaan Desa"),
        ("date", "2030-07-29"),
        ("start_time", "09:00"),
        ("end_time", "11:00"),
        ("delivery", "zoom"),
        ("zoom_host", HOST_USER),
    ];
    let answer = rina
        .post(&format!("/manage/events/{slug}/sessions"), &form)
        .await;
    assert_eq!(answer.status(), 303, "{app}");
    let (session, registrant) = until("the meeting and the registrant id", || async {
        let session = sessions::of_event(&app.db, &event.id.to_string())
            .await
            .unwrap()
            .pop()?;
        let id = session.id.clone();
        let linked = app
            .db
            .run(move |conn| -> Result<_, DbError> {
                Ok(session_registrants::of_session(conn, &id)?)
            })
            .await
            .unwrap();
        let registrant = linked.first()?.zoom_registrant_id.clone()?;
        (session.zoom.status == ZoomStatus::Ready).then_some((session, registrant))
    })
    .await;
    wait_for_jobs(&app.db).await;
    let meeting = session.zoom.meeting_id.unwrap();
    let uuid = "Wn3Ji//8TRmfNnbfQoH2JQ==";
    let story = meeting_story(meeting, uuid)
        .into_iter()
        .map(|body| body.replace("r-alice", &registrant))
        .collect::<Vec<_>>();
    let planned = |standing: reports::Standing| match standing.job {
        JobState::Planned { at, .. } => at,
        other => panic!("{app}: the report job is {other:?}"),
    };
    let ahead = planned(reports::standing(&app.db, &session.id).await.unwrap());
    assert!(ahead > Utc::now() + chrono::Duration::days(365), "{app}");

    // Live: Alice's first join, as the webhooks show it.
    let answer = deliver_signed(&app.address, SECRET, &story[2]).await;
    assert_eq!(answer.status(), 200, "{app}");
    wait_for_jobs(&app.db).await;
    let live = evidence(&app.db, &session.id).await;
    assert_eq!(live.len(), 1, "{app}: {live:#?}");
    assert_eq!(live[0].source, Source::Webhook);

    // Zoom's report of the run, then the meeting's end: read at once.
    zoom.add_instance(
        meeting,
        uuid,
        chrono::DateTime::parse_from_rfc3339("2030-07-29T01:59:50Z")
            .unwrap()
            .to_utc(),
        vec![json!({
            "id": "", "user_id": "100", "name": "Alice", "user_email": "alice@perpus.example.id",
            "registrant_id": registrant,
            "join_time": "2030-07-29T02:00:30Z", "leave_time": "2030-07-29T02:40:00Z",
            "duration": 2370, "status": "in_meeting", "failover": false,
        })],
    );
    let answer = deliver_signed(&app.address, SECRET, &story[11]).await;
    assert_eq!(answer.status(), 200, "{app}");
    let standing = until("the report to be read", || async {
        let standing = reports::standing(&app.db, &session.id).await.unwrap();
        (standing.job == JobState::Done).then_some(standing)
    })
    .await;
    assert_eq!(standing.instances.len(), 1, "{app}");
    assert!(standing.instances[0].report_read_at.is_some(), "{app}");
    assert!(
        standing.instances[0].ended_at.is_some(),
        "{app}: its end, from the webhook"
    );
    let read = evidence(&app.db, &session.id).await;
    let seen = |rows: &[AttendanceRow]| {
        rows.iter()
            .map(|r| (r.source, r.joined_at, r.left_at, r.registration_id.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        seen(&read),
        [(
            Source::Report,
            Some(utc("2030-07-29T02:00:30Z")),
            Some(utc("2030-07-29T02:40:00Z")),
            Some(registered.clone())
        )],
        "{app}: the report's row in place of the webhook's"
    );

    // The run's late deliveries (its leave, a join) add nothing to it.
    for body in [&story[7], &story[8]] {
        let answer = deliver_signed(&app.address, SECRET, body).await;
        assert_eq!(answer.status(), 200, "{app}");
    }
    wait_for_jobs(&app.db).await;
    assert_eq!(
        seen(&evidence(&app.db, &session.id).await),
        seen(&read),
        "{app}"
    );
    assert_eq!(kept(&app.db).await, (4, 4), "{app}");
}

backend_tests!(a_sighting_asks_for_its_one_person_and_matches_as_before);
/// Reading a delivery (or any sighting) looks up the participant its
/// registrant id or e-mail names, by an index, instead of loading the
/// event's roster for each one; and matches exactly as before: a known
/// registrant id; an unknown one never by its e-mail; an e-mail whatever
/// its case; a cancelled participant's e-mail not at all; a name alone
/// waits for review.
async fn a_sighting_asks_for_its_one_person_and_matches_as_before(backend: TestBackend) {
    use std::sync::{Arc, Mutex};

    use bimtek::domain::attendance::Seen;
    use bimtek::services::attendance::evidence::{self, Observed};
    use diesel::Connection;
    use diesel::connection::InstrumentationEvent;

    let app = spawn_app(&backend).await;
    let held = held_in(
        &app,
        81234567890,
        &[
            ("budi@perpusdes.example.id", Some("zr-budi")),
            ("sari@perpusdes.example.id", None),
            ("dedi@perpusdes.example.id", None),
        ],
    )
    .await;
    let dedi = held.people["dedi@perpusdes.example.id"].clone();
    app.db
        .run(move |conn| -> Result<(), DbError> {
            use bimtek::db::schema::registrations::dsl::*;
            use diesel::prelude::*;
            diesel::update(registrations.find(dedi))
                .set(status.eq("cancelled"))
                .execute(conn)?;
            Ok(())
        })
        .await
        .unwrap();
    let sightings = [
        ("budi", Some("sari@perpusdes.example.id"), Some("zr-budi")),
        ("sari", Some("sari@perpusdes.example.id"), Some("zr-other")),
        ("sari-2", Some(" Sari@PerpusDes.example.ID "), None),
        ("dedi", Some("dedi@perpusdes.example.id"), None),
        ("guest", None, None),
    ];
    let statements = Arc::new(Mutex::new(Vec::new()));
    let (session, seen) = (held.session_id.clone(), statements.clone());
    app.db
        .transaction(move |conn| -> Result<(), DbError> {
            let observed: Vec<Observed<'_>> = sightings
                .iter()
                .map(|(name, email, registrant)| Observed {
                    source: Source::Webhook,
                    dedup_key: format!("test:{name}"),
                    meeting_uuid: Some("run-1"),
                    import_id: None,
                    seen: Seen {
                        name,
                        email: *email,
                        registrant_id: *registrant,
                        zoom_user_id: None,
                    },
                    joined_at: Some(Utc::now()),
                    left_at: None,
                    minutes: None,
                    registration: None,
                })
                .collect();
            conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                if let InstrumentationEvent::StartQuery { query, .. } = event {
                    seen.lock().unwrap().push(query.to_string());
                }
            });
            let recorded = evidence::record(conn, &session, &observed, Utc::now());
            conn.set_instrumentation(|_: InstrumentationEvent<'_>| {});
            Ok(recorded?)
        })
        .await
        .unwrap();

    let statements = statements.lock().unwrap().clone();
    let roster_reads: Vec<&String> = statements
        .iter()
        .filter(|sql| sql.contains("registrations"))
        .collect();
    assert!(!roster_reads.is_empty(), "{statements:#?}");
    for sql in roster_reads {
        let condition = sql.split_once("WHERE").map_or("", |(_, c)| c);
        assert!(
            condition.contains("email") || condition.contains("zoom_registrant_id"),
            "{app}: registrations read without naming the one person: {sql}"
        );
    }
    let matched: HashMap<String, (Option<String>, Option<String>)> =
        evidence(&app.db, &held.session_id)
            .await
            .into_iter()
            .map(|r| (r.dedup_key, (r.registration_id, r.matched_by)))
            .collect();
    let id = |email: &str| Some(held.people[email].clone());
    let expected: HashMap<String, (Option<String>, Option<String>)> = [
        (
            "budi",
            id("budi@perpusdes.example.id"),
            Some("registrant_id"),
        ),
        ("sari", None, None),
        ("sari-2", id("sari@perpusdes.example.id"), Some("email")),
        ("dedi", None, None),
        ("guest", None, None),
    ]
    .into_iter()
    .map(|(name, registration, how)| {
        (
            format!("test:{name}"),
            (registration, how.map(str::to_owned)),
        )
    })
    .collect();
    assert_eq!(matched, expected, "{app}");
}
