//! Every route × every kind of visitor, with the status each must get.
//! A new route joins the table in the same change that adds it.

use bimtek::domain::account::{Account, EventRole};
use bimtek::domain::event::Event;
use bimtek::domain::session::SessionForm;
use bimtek::services::sessions;
use chrono_tz::Tz;

use crate::support::*;

/// Sent to a sign-in page (303 to /sign-in or /my/sign-in).
const SIGN_IN: u16 = 0;

const ROLES: [&str; 7] = [
    "anonymous",
    "participant",
    "speaker",
    "reviewer",
    "organiser of another event",
    "organiser",
    "administrator",
];

struct Case {
    method: &'static str,
    path: String,
    /// Form fields for POST (empty: the form comes back with its messages,
    /// which shows the request was let through).
    fields: Vec<(&'static str, String)>,
    expect: [u16; 7],
}

fn get(path: impl Into<String>, expect: [u16; 7]) -> Case {
    Case {
        method: "GET",
        path: path.into(),
        fields: Vec::new(),
        expect,
    }
}

fn post(path: impl Into<String>, fields: &[(&'static str, &str)], expect: [u16; 7]) -> Case {
    let fields = fields.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    Case {
        method: "POST",
        path: path.into(),
        fields,
        expect,
    }
}

async fn signed_in_as_participant(app: &TestApp) -> Browser {
    let person = participant(&app.db, "siti@perpusdes.example.id", "Siti Aminah").await;
    signed_in_by_link(app, &person).await
}

/// A session of `event`, planned by `admin`; returns its id.
async fn agenda_item(app: &TestApp, admin: &Account, event: &Event) -> String {
    let form = SessionForm {
        title: "Pembukaan".into(),
        date: "2030-07-29".into(),
        start_time: "09:00".into(),
        end_time: "09:30".into(),
        delivery: "in_person".into(),
        location: "Aula".into(),
        ..SessionForm::default()
    };
    sessions::create(&app.db, admin, event, form, &origin(&app.address))
        .await
        .expect("the session is created")
        .id
}

/// The status, with a redirection to a sign-in page read as [`SIGN_IN`].
fn seen(response: &reqwest::Response) -> u16 {
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match response.status().as_u16() {
        303 if location.starts_with("/sign-in") || location.starts_with("/my/sign-in") => SIGN_IN,
        other => other,
    }
}

backend_tests!(every_route_answers_each_role_as_it_should);
async fn every_route_answers_each_role_as_it_should(backend: TestBackend) {
    // Zoom's webhooks on, so that their address exists.
    let app = spawn_app_with(&backend, |s| {
        s.zoom_args.zoom_webhook_secret =
            Some(bimtek::secret::Secret::new("Hp3kV9sQ2mW7xZ1bN4tR8c"));
    })
    .await;
    let ours = create_event(&app.db, event("bimtek-kita", Tz::Asia__Jakarta, true)).await;
    let theirs = create_event(&app.db, event("bimtek-mereka", Tz::Asia__Jakarta, true)).await;
    let speaker = staff(
        &app.db,
        "narasumber@perpusnas.example.id",
        false,
        Some((&ours, EventRole::Speaker)),
    )
    .await;
    staff(
        &app.db,
        "penilai@perpusnas.example.id",
        false,
        Some((&ours, EventRole::Reviewer)),
    )
    .await;
    staff(
        &app.db,
        "andi@perpus.example.id",
        false,
        Some((&theirs, EventRole::Organiser)),
    )
    .await;
    staff(
        &app.db,
        "rina@perpus.example.id",
        false,
        Some((&ours, EventRole::Organiser)),
    )
    .await;
    let admin = staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let session = agenda_item(&app, &admin, &ours).await;

    let mut browsers = vec![app.browser(), signed_in_as_participant(&app).await];
    for email in [
        "narasumber@perpusnas.example.id",
        "penilai@perpusnas.example.id",
        "andi@perpus.example.id",
        "rina@perpus.example.id",
        "admin@dispusip.example.id",
    ] {
        let browser = app.browser();
        browser.sign_in(email, PASSWORD).await;
        browsers.push(browser);
    }
    // A message of our event, to resend.
    let rina = &browsers[5];
    rina.post(
        "/manage/events/bimtek-kita/invitations",
        &[
            ("name", "Tamu"),
            ("email", "tamu@perpus.example.id"),
            ("role", "speaker"),
            ("lang", "id"),
        ],
    )
    .await;
    let message = bimtek::services::mail::recent(&app.db, Some(ours.id.to_string()), 1)
        .await
        .unwrap()[0]
        .id
        .clone();
    let css = app.page("/").await;
    let css = css
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();

    let all = |status| [status; 7];
    let staff_only = |organiser, admin| [SIGN_IN, SIGN_IN, 403, 403, 403, organiser, admin];
    let plans = |status| [SIGN_IN, SIGN_IN, 403, status, 403, status, status];
    let cases = vec![
        // Public
        get("/", all(200)),
        get("/events/bimtek-kita", all(200)),
        get(format!("/static/{css}"), all(200)),
        get("/healthz", all(200)),
        // Not on the public port unless a metrics token is set.
        get("/metrics", all(404)),
        get("/tidak-ada", all(404)),
        // Zoom's, authenticated by its signature alone: whoever sends a
        // form, signed in or not, is refused.
        post("/webhooks/zoom", &[], all(401)),
        get("/webhooks/zoom", all(404)),
        get("/events/bimtek-kita/register", all(200)),
        post("/events/bimtek-kita/register", &[], all(422)),
        get("/registrations/confirm/palsu", all(200)),
        post("/registrations/confirm/palsu", &[], all(400)),
        // Accounts
        get("/sign-in", all(200)),
        post("/sign-in", &[], all(422)),
        get("/password/forgot", all(200)),
        post("/password/forgot", &[], all(422)),
        get("/password/reset/palsu", all(400)),
        post(
            "/password/reset/palsu",
            &[("password", "perpustakaan-2026")],
            all(400),
        ),
        get("/invitation/palsu", all(400)),
        post(
            "/invitation/palsu",
            &[("password", "perpustakaan-2026")],
            all(400),
        ),
        get("/setup/palsu", all(400)),
        post("/setup/palsu", &[], all(400)),
        get("/my/sign-in", all(200)),
        post("/my/sign-in", &[], all(422)),
        get("/my/sign-in/palsu", all(400)),
        post("/my/sign-in/palsu", &[], all(400)),
        get("/my", [SIGN_IN, 200, 200, 200, 200, 200, 200]),
        get(
            "/my/registrations/tidak-ada/cancel",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        post(
            "/my/registrations/tidak-ada/cancel",
            &[],
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get(
            "/my/registrations/tidak-ada/invitation.ics",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        // A plan is its seat holder's alone: anyone else, whatever their
        // role, finds nothing there.
        get(
            "/my/registrations/tidak-ada/plan",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        post(
            "/my/registrations/tidak-ada/plan",
            &[("title", "RTL")],
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get(
            "/my/registrations/tidak-ada/plan/attachment",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get(
            "/my/registrations/tidak-ada/follow-ups/tidak-ada",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        post(
            "/my/registrations/tidak-ada/follow-ups/tidak-ada",
            &[],
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get(
            "/my/registrations/tidak-ada/follow-ups/tidak-ada/evidence/tidak-ada",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get(
            "/my/registrations/tidak-ada/plan/print",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        // The private feed: nothing to show before one is made; then
        // each signed-in person makes one of their own and stops it.
        get("/my/calendar", [SIGN_IN, 303, 303, 303, 303, 303, 303]),
        post("/my/calendar", &[], [SIGN_IN, 303, 303, 303, 303, 303, 303]),
        post(
            "/my/calendar/revoke",
            &[],
            [SIGN_IN, 303, 303, 303, 303, 303, 303],
        ),
        get("/calendar/tidak-ada.ics", all(404)),
        // Staff
        get("/admin", staff_only(403, 200)),
        post("/admin/invitations", &[], staff_only(403, 422)),
        get("/admin/outbox", staff_only(403, 200)),
        get("/admin/audit", staff_only(403, 200)),
        get("/manage/events/bimtek-kita", staff_only(200, 200)),
        get("/manage/events/bimtek-kita/outbox", staff_only(200, 200)),
        get(
            "/manage/events/bimtek-kita/outbox?page=1",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/invitations",
            &[],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/registrations",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/registrations/decide",
            &[("decision", "approve"), ("ids", "tidak-ada")],
            staff_only(303, 303),
        ),
        get(
            "/manage/events/bimtek-kita/registrations/new",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/registrations/new",
            &[],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/registrations/export?format=csv",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/registrations/import",
            &[],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/registrations/import/tidak-ada",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/registrations/import/tidak-ada",
            &[],
            staff_only(404, 404),
        ),
        get("/manage/events/bimtek-kita/questions", staff_only(200, 200)),
        post(
            "/manage/events/bimtek-kita/questions",
            &[],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/questions/tidak-ada/delete",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/questions/tidak-ada/delete",
            &[],
            staff_only(404, 404),
        ),
        get("/manage/events/bimtek-kita/sessions", staff_only(200, 200)),
        post(
            "/manage/events/bimtek-kita/sessions",
            &[],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/new",
            staff_only(200, 200),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/edit"),
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/sessions/tidak-ada/edit",
            &[],
            staff_only(404, 404),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/delete"),
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/tidak-ada/delete",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/sessions/tidak-ada/delete",
            &[],
            staff_only(404, 404),
        ),
        // An in-person session has no meeting to try again.
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/zoom/retry"),
            &[],
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/sessions/tidak-ada/zoom/retry",
            &[],
            staff_only(404, 404),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/import"),
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/tidak-ada/attendance/import",
            staff_only(404, 404),
        ),
        // A form that is not a multipart upload is refused on its file field.
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/import"),
            &[],
            staff_only(422, 422),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/import/tidak-ada"),
            staff_only(404, 404),
        ),
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/import/tidak-ada"),
            &[("zone", "Asia/Jakarta")],
            staff_only(404, 404),
        ),
        // Attendance
        get(
            "/manage/events/bimtek-kita/attendance",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance?show=below&page=1",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/export?format=csv",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/export?format=xlsx",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/export?format=pdf",
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/review",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/review?page=1&other=0",
            staff_only(200, 200),
        ),
        // Nothing chosen: the queue comes back with its message.
        post(
            "/manage/events/bimtek-kita/attendance/review",
            &[("action", "assign")],
            staff_only(422, 422),
        ),
        post(
            "/manage/events/bimtek-kita/attendance/review",
            &[("action", "dismiss"), ("identity", "name:tidak-ada")],
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/review/answers",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/review/answers?page=1",
            staff_only(200, 200),
        ),
        // No such answer to take back.
        post(
            "/manage/events/bimtek-kita/attendance/review/answers",
            &[("session_id", &session), ("identity", "name:tidak-ada")],
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/attendance/participants/tidak-ada",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/attendance/participants/tidak-ada",
            &[("decision", "minutes")],
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/attendance/participants/tidak-ada/entries",
            &[("session_id", &session)],
            staff_only(404, 404),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance"),
            staff_only(200, 200),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance?status=absent"),
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/tidak-ada/attendance",
            staff_only(404, 404),
        ),
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/excuses"),
            &[],
            staff_only(422, 422),
        ),
        post(
            "/manage/events/bimtek-kita/sessions/tidak-ada/attendance/excuses",
            &[("reason", "Sakit")],
            staff_only(404, 404),
        ),
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/attendance/print"),
            staff_only(200, 200),
        ),
        // The event's action plans, read by its organisers and its
        // reviewers (who may decide on them, but not choose who reviews):
        // the overview (filtered), its exports and its printed plans.
        get("/manage/events/bimtek-kita/plans", plans(200)),
        get(
            "/manage/events/bimtek-kita/plans?state=submitted&late=1&strategy=community&province=17&regency=17.71&q=siti&page=1",
            plans(200),
        ),
        get(
            "/manage/events/bimtek-kita/plans/export?format=csv&province=17",
            plans(200),
        ),
        get(
            "/manage/events/bimtek-kita/plans/export?format=csv&part=activities",
            plans(200),
        ),
        get(
            "/manage/events/bimtek-kita/plans/export?format=xlsx",
            plans(200),
        ),
        get(
            "/manage/events/bimtek-kita/plans/export?format=pdf",
            plans(404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/print?strategy=advocacy",
            plans(200),
        ),
        get(
            "/manage/events/bimtek-kita/plans/tidak-ada/print",
            plans(404),
        ),
        get("/manage/events/bimtek-kita/plans/tidak-ada", plans(404)),
        get(
            "/manage/events/bimtek-kita/plans/tidak-ada/attachment",
            plans(404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/tidak-ada/changes",
            plans(404),
        ),
        post(
            "/manage/events/bimtek-kita/plans/tidak-ada/review",
            &[("decision", "accept"), ("version", "1")],
            plans(404),
        ),
        post(
            "/manage/events/bimtek-kita/plans/tidak-ada/reviewer",
            &[("reviewer", "")],
            staff_only(404, 404),
        ),
        // Follow-up of the plans: its dates.
        get(
            "/manage/events/bimtek-kita/plans/follow-ups",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/plans/follow-ups",
            &[],
            staff_only(422, 422),
        ),
        post(
            "/manage/events/bimtek-kita/plans/follow-ups/tidak-ada/remove",
            &[],
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/follow-ups/tidak-ada",
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/follow-ups/tidak-ada/export?format=csv",
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/follow-ups/tidak-ada/reports/tidak-ada",
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/plans/follow-ups/tidak-ada/reports/tidak-ada/evidence/tidak-ada",
            staff_only(404, 404),
        ),
        // Certificates: the organisers' pages; a holder's download, found
        // by nobody else; the public verify page.
        get(
            "/manage/events/bimtek-kita/certificates",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/settings",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/settings",
            &[],
            staff_only(422, 422),
        ),
        // A form that is not a multipart upload is refused on its file field.
        post(
            "/manage/events/bimtek-kita/certificates/pictures/logo",
            &[],
            staff_only(422, 422),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/pictures/tidak-ada",
            &[],
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/preview",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/dry-run",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/issue",
            &[],
            staff_only(303, 303),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/retry",
            &[],
            staff_only(303, 303),
        ),
        get(
            "/my/certificates/tidak-ada",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        get("/verify/tidak-ada", all(404)),
        // Certificates after issuing: one certificate's page, revoking,
        // sending again, issuing to one participant; speakers' and
        // committee certificates.
        get(
            "/manage/events/bimtek-kita/certificates/issued/tidak-ada",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/issued/tidak-ada/revoke",
            &[("reason", "Nama salah ketik"), ("reissue", "on")],
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/issued/tidak-ada/resend",
            &[],
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/issue/tidak-ada",
            &[],
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/team",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/team/speakers",
            &[],
            staff_only(303, 303),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/team/committee",
            &[],
            staff_only(422, 422),
        ),
        get("/my/sessions", [SIGN_IN, SIGN_IN, 200, 200, 200, 200, 200]),
        // Profiles: staff keep their own; the organisers of an event keep
        // those of its speakers (a form that is not a multipart upload is
        // let through, then refused); photos are anyone's to see.
        get("/my/profile", [SIGN_IN, SIGN_IN, 200, 200, 200, 200, 200]),
        post(
            "/my/profile",
            &[("name", "Nama")],
            [SIGN_IN, SIGN_IN, 422, 422, 422, 422, 422],
        ),
        get(
            format!("/manage/events/bimtek-kita/speakers/{}", speaker.id),
            staff_only(200, 200),
        ),
        post(
            format!("/manage/events/bimtek-kita/speakers/{}", speaker.id),
            &[("name", "Nama")],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/speakers/tidak-ada",
            staff_only(404, 404),
        ),
        get(
            format!("/speakers/{}/photo/tidak-ada", speaker.id),
            all(404),
        ),
        // Session materials: put up by the session's speakers (the
        // speaker here has no session) and the event's organisers, read by
        // whoever their visibility admits.
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/materials"),
            staff_only(200, 200),
        ),
        // A form, not the upload it expects: let through, then refused.
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/materials"),
            &[("title", "Slide")],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/tidak-ada/materials",
            [SIGN_IN, SIGN_IN, 404, 404, 404, 404, 404],
        ),
        get("/manage/events/bimtek-kita/materials", staff_only(200, 200)),
        post(
            "/manage/events/bimtek-kita/materials/tidak-ada/hide",
            &[("hidden", "true")],
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/materials/tidak-ada/remove",
            &[],
            staff_only(404, 404),
        ),
        get("/events/bimtek-kita/materials", all(200)),
        get("/events/bimtek-kita/materials.zip", all(200)),
        get("/events/tidak-ada/materials", all(404)),
        get("/materials/tidak-ada", all(404)),
        get("/materials/tidak-ada/versions/1", all(404)),
        // The electronic signature loop: out as a ZIP, back as uploads (a
        // form that is not a multipart upload is refused on its file field).
        get(
            "/manage/events/bimtek-kita/certificates/unsigned.zip",
            staff_only(200, 200),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/unsigned.zip?kind=tamu",
            staff_only(404, 404),
        ),
        get(
            "/manage/events/bimtek-kita/certificates/signed",
            staff_only(200, 200),
        ),
        post(
            "/manage/events/bimtek-kita/certificates/signed",
            &[],
            staff_only(422, 422),
        ),
        // Self check-in: the organisers' desk of an in-person session, and
        // the participant's page, refused to everyone here since nobody
        // holds a seat in the event.
        get(
            format!("/manage/events/bimtek-kita/sessions/{session}/checkin"),
            staff_only(200, 200),
        ),
        post(
            format!("/manage/events/bimtek-kita/sessions/{session}/checkin"),
            &[("action", "open"), ("minutes", "")],
            staff_only(422, 422),
        ),
        get(
            "/manage/events/bimtek-kita/sessions/tidak-ada/checkin",
            staff_only(404, 404),
        ),
        post(
            "/manage/events/bimtek-kita/sessions/tidak-ada/checkin",
            &[("action", "close")],
            staff_only(404, 404),
        ),
        get(
            format!("/checkin/{session}"),
            [SIGN_IN, 403, 403, 403, 403, 403, 403],
        ),
        post(
            format!("/checkin/{session}"),
            &[("code", "123456")],
            [SIGN_IN, 403, 403, 403, 403, 403, 403],
        ),
        get(
            "/checkin/tidak-ada",
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        post(
            "/checkin/tidak-ada",
            &[("code", "123456")],
            [SIGN_IN, 404, 404, 404, 404, 404, 404],
        ),
        // Starting an event takes the organiser flag of the account (the
        // staff here hold event roles only) or an administrator.
        get("/manage/events/new", staff_only(403, 200)),
        post("/manage/events", &[], staff_only(403, 422)),
        get("/manage/events/bimtek-kita/edit", staff_only(200, 200)),
        post("/manage/events/bimtek-kita/edit", &[], staff_only(422, 422)),
        post(
            "/manage/events/bimtek-kita/publish",
            &[("published", "1")],
            staff_only(303, 303),
        ),
        get(
            "/manage/events/tidak-ada",
            [SIGN_IN, SIGN_IN, 404, 404, 404, 404, 404],
        ),
        post(
            format!("/outbox/{message}/resend"),
            &[("back", "/selesai")],
            staff_only(303, 303),
        ),
        // Last: these change the browser's state.
        get("/lang/en", all(303)),
        post("/sign-out", &[], all(303)),
    ];
    let mut wrong = Vec::new();
    for case in &cases {
        for (role, browser) in browsers.iter().enumerate() {
            // HEAD (monitoring probes) answers as GET does, without a body.
            if case.method == "GET" {
                let head = browser
                    .client
                    .head(browser.url(&case.path))
                    .send()
                    .await
                    .expect("request sent");
                let status = seen(&head);
                let body = head.bytes().await.unwrap();
                if status != case.expect[role] || !body.is_empty() {
                    wrong.push(format!(
                        "HEAD {} as {}: expected {} and no body, got {status} and {} bytes",
                        case.path,
                        ROLES[role],
                        case.expect[role],
                        body.len()
                    ));
                }
            }
            let response = match case.method {
                "GET" => browser.get(&case.path).await,
                _ => {
                    let fields: Vec<(&str, &str)> =
                        case.fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    browser.post(&case.path, &fields).await
                }
            };
            let status = response.status().as_u16();
            let seen = seen(&response);
            let location = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            // Whatever a signed-in person is shown, and every private
            // page, stays out of caches (Back after signing out on a
            // shared PC); the stylesheet keeps its own long caching.
            let private = ["/my", "/manage", "/admin", "/outbox"]
                .iter()
                .any(|p| case.path.starts_with(p));
            let cache = response
                .headers()
                .get("cache-control")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if (role > 0 || private) && !case.path.starts_with("/static/") && cache != "no-store" {
                wrong.push(format!(
                    "{} {} as {}: Cache-Control {cache:?}, not no-store",
                    case.method, case.path, ROLES[role]
                ));
            }
            if seen != case.expect[role] {
                wrong.push(format!(
                    "{} {} as {}: expected {}, got {status} {location}",
                    case.method, case.path, ROLES[role], case.expect[role]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{app}:\n{}", wrong.join("\n"));
}
