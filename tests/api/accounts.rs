//! Accounts end to end, with e-mail delivered over SMTP to a server the test
//! runs: the first administrator, invitations, resets, participants' links,
//! and every bad link, password and form refused with no change.

use std::time::Duration;

use bimtek::db::repo::tokens;
use bimtek::db::{Db, DbError};
use bimtek::domain::account::{EventRole, TokenPurpose};
use bimtek::services::accounts;
use chrono::Utc;
use chrono_tz::Tz;

use crate::support::smtp::SmtpServer;
use crate::support::*;

const WAIT: Duration = Duration::from_secs(30);

async fn count_users(db: &Db) -> usize {
    accounts::all_users(db).await.unwrap().len()
}

backend_tests!(the_first_administrator_comes_from_the_setup_link);
async fn the_first_administrator_comes_from_the_setup_link(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let base = url::Url::parse(&app.address).unwrap();
    let link = accounts::setup_link(&app.db, &base)
        .await
        .unwrap()
        .expect("no users yet");
    let browser = app.browser();
    let (status, html) = browser.text(&link).await;
    assert_eq!(status, 200, "{app}: {html}");

    // Bad entries come back with their messages, what was typed kept.
    let token = crate::support::csrf_in(&html);
    let fields = [
        ("name", ""),
        ("email", "kepala@dispusip"),
        ("password", "pendek"),
    ];
    let response = browser.post_with_token(&link, &fields, &token).await;
    assert_eq!(response.status(), 422, "{app}");
    let html = response.text().await.unwrap();
    assert!(html.contains("Nama wajib diisi."), "{app}: {html}");
    assert!(html.contains(r#"value="kepala@dispusip""#), "{app}: {html}");
    assert!(html.contains("Kata sandi minimal 10 karakter."), "{app}");
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="f-email-error""#),
        "{app}: {html}"
    );
    assert_eq!(count_users(&app.db).await, 0, "{app}");

    let fields = [
        ("name", "H. Meri Sasdi, M.Pd."),
        ("email", "Kepala@Dispusip.example.id"),
        ("password", "perpustakaan-bengkulu"),
    ];
    let response = browser.post_with_token(&link, &fields, &token).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), "/admin");
    let (status, html) = browser.text("/admin").await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.contains("kepala@dispusip.example.id"),
        "{app}: the address is stored lower-cased"
    );

    // Used once, the link is gone; no second administrator through it.
    let (status, html) = app.browser().text(&link).await;
    assert_eq!(status, 400, "{app}");
    assert!(html.contains("Tautan tidak berlaku"), "{app}: {html}");
    assert_eq!(
        accounts::setup_link(&app.db, &base).await.unwrap(),
        None,
        "{app}"
    );
}

backend_tests!(an_invited_organiser_chooses_a_password_and_invites_a_speaker);
async fn an_invited_organiser_chooses_a_password_and_invites_a_speaker(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let bimtek = create_event(&app.db, event("bimtek-undangan", Tz::Asia__Jakarta, true)).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let event_id = bimtek.id.to_string();
    let response = admin
        .post(
            "/admin/invitations",
            &[
                ("name", "Rina Oktaviani, S.Sos."),
                ("email", "rina@perpus.example.id"),
                ("lang", "id"),
                ("event_id", &event_id),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");

    let mail = smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(mail.rcpt_to, vec!["rina@perpus.example.id".to_owned()]);
    assert_eq!(
        mail.subject(),
        "Undangan bimtek: panitia pada Bimtek bimtek-undangan"
    );
    assert!(
        mail.header("From")
            .unwrap()
            .contains("bimtek@dispusip.example.id"),
        "{:?}",
        mail.header("From")
    );
    assert!(
        mail.header("Message-ID").unwrap().ends_with("@localhost>"),
        "{:?}",
        mail.header("Message-ID")
    );
    assert!(
        mail.text().starts_with("Yth. Rina Oktaviani, S.Sos.,"),
        "{}",
        mail.text()
    );
    let link = mail
        .first_link(&format!("{}/invitation/", app.address))
        .expect("an invitation link");

    let rina = app.browser();
    let (status, html) = rina.text(&link).await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.contains("Rina Oktaviani, S.Sos."),
        "{app}: greeted by name"
    );
    let response = rina
        .post(&link, &[("password", "rina@perpus.example.id")])
        .await;
    assert_eq!(response.status(), 422, "{app}");
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Kata sandi tidak boleh sama dengan alamat e-mail.")
    );
    let response = rina
        .post(&link, &[("password", "strategi-tpbis-2020")])
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let (status, html) = rina.text(&format!("/manage/events/{}", bimtek.slug)).await;
    assert_eq!(status, 200, "{app}: the organiser runs her event: {html}");

    // She invites a speaker, whose e-mail answers to her.
    let response = rina
        .post(
            &format!("/manage/events/{}/invitations", bimtek.slug),
            &[
                ("name", "Dr. Ahmad Fauzi"),
                ("email", "ahmad@perpusnas.example.id"),
                ("role", "speaker"),
                ("lang", "en"),
            ],
        )
        .await;
    assert_eq!(response.status(), 303, "{app}");
    let mails = smtp.wait_for(2, WAIT).await;
    let speaker = &mails[1];
    assert_eq!(
        speaker.subject(),
        "bimtek invitation: speaker of Bimtek bimtek-undangan"
    );
    assert_eq!(
        speaker.header("Reply-To").as_deref(),
        Some("rina@perpus.example.id")
    );

    // The invitation link is used up.
    assert_eq!(app.browser().text(&link).await.0, 400, "{app}");
    let (_, log) = admin.text("/admin/audit").await;
    assert!(
        log.contains("Undangan diterima") && log.contains("Peran diberikan"),
        "{app}: {log}"
    );
}

backend_tests!(a_password_is_reset_by_a_single_use_link_and_unknown_addresses_learn_nothing);
async fn a_password_is_reset_by_a_single_use_link_and_unknown_addresses_learn_nothing(
    backend: TestBackend,
) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    staff(&app.db, "panitia@dispusip.example.id", false, None).await;
    let browser = app.browser();
    let known = browser
        .post(
            "/password/forgot",
            &[("email", "panitia@dispusip.example.id")],
        )
        .await;
    assert_eq!(known.status(), 200, "{app}");
    let known = known.text().await.unwrap();
    let unknown = browser
        .post("/password/forgot", &[("email", "siapa@entah.example.id")])
        .await;
    assert_eq!(unknown.status(), 200, "{app}");
    let unknown = unknown.text().await.unwrap();
    let message = |html: &str| {
        html.split("role=\"status\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(
        message(&known),
        message(&unknown),
        "{app}: the answers differ"
    );

    let mail = smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(mail.rcpt_to, vec!["panitia@dispusip.example.id".to_owned()]);
    assert!(mail.text().contains("60 menit"), "{}", mail.text());
    let link = mail
        .first_link(&format!("{}/password/reset/", app.address))
        .unwrap();
    let response = browser
        .post(&link, &[("password", "kata-sandi-baru-2026")])
        .await;
    assert_eq!(response.status(), 303, "{app}");

    let fresh = app.browser();
    let old = fresh
        .post(
            "/sign-in",
            &[
                ("email", "panitia@dispusip.example.id"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(old.status(), 422, "{app}: the old password still works");
    fresh
        .sign_in("panitia@dispusip.example.id", "kata-sandi-baru-2026")
        .await;
    let reused = app
        .browser()
        .post(&link, &[("password", "lagi-lagi-diganti")])
        .await;
    assert_eq!(reused.status(), 400, "{app}: a used link works again");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        smtp.received().len(),
        1,
        "{app}: mail went to an unknown address"
    );
}

backend_tests!(expired_and_forged_links_are_refused_with_a_clear_page);
async fn expired_and_forged_links_are_refused_with_a_clear_page(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let person = staff(&app.db, "panitia@dispusip.example.id", false, None).await;
    let issue = |purpose, age: chrono::Duration| {
        let user = person.id.clone();
        app.db.run(move |conn| -> Result<String, DbError> {
            Ok(tokens::issue(conn, purpose, Some(&user), Utc::now() - age)?)
        })
    };
    let expired_reset = issue(TokenPurpose::PasswordReset, chrono::Duration::minutes(61))
        .await
        .unwrap();
    let expired_sign_in = issue(TokenPurpose::SignIn, chrono::Duration::minutes(31))
        .await
        .unwrap();
    let fresh_sign_in = issue(TokenPurpose::SignIn, chrono::Duration::minutes(29))
        .await
        .unwrap();
    let browser = app.browser();
    for path in [
        format!("/password/reset/{expired_reset}"),
        format!("/my/sign-in/{expired_sign_in}"),
        "/password/reset/dipalsukan-sama-sekali".to_owned(),
        "/invitation/dipalsukan".to_owned(),
        "/setup/dipalsukan".to_owned(),
        // The right secret for the wrong purpose.
        format!("/password/reset/{fresh_sign_in}"),
    ] {
        let (status, html) = browser.text(&path).await;
        assert_eq!(status, 400, "{app}: {path}");
        assert!(
            html.contains("<h1>Tautan tidak berlaku</h1>"),
            "{app}: {path}: {html}"
        );
        let response = browser
            .post(&path, &[("password", "perpustakaan-2026")])
            .await;
        assert_eq!(response.status(), 400, "{app}: POST {path}");
    }
    assert_eq!(
        browser
            .text(&format!("/my/sign-in/{fresh_sign_in}"))
            .await
            .0,
        200,
        "{app}: 29 minutes is still valid"
    );
    let fresh = app.browser();
    fresh.sign_in("panitia@dispusip.example.id", PASSWORD).await;
}

backend_tests!(wrong_passwords_are_refused_alike_and_then_slowed_down);
async fn wrong_passwords_are_refused_alike_and_then_slowed_down(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    staff(&app.db, "panitia@dispusip.example.id", false, None).await;
    let browser = app.browser();
    let wrong = browser
        .post(
            "/sign-in",
            &[
                ("email", "panitia@dispusip.example.id"),
                ("password", "salah-salah-salah"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), 422, "{app}");
    let wrong = wrong.text().await.unwrap();
    assert!(
        wrong.contains("Alamat e-mail atau kata sandi salah."),
        "{app}"
    );
    assert!(
        wrong.contains(r#"value="panitia@dispusip.example.id""#),
        "{app}: the address is kept"
    );
    let nobody = browser
        .post(
            "/sign-in",
            &[
                ("email", "tidak.ada@dispusip.example.id"),
                ("password", "salah-salah-salah"),
            ],
        )
        .await;
    assert_eq!(nobody.status(), 422, "{app}");
    assert!(
        nobody
            .text()
            .await
            .unwrap()
            .contains("Alamat e-mail atau kata sandi salah."),
        "{app}"
    );
    assert_eq!(
        browser.get("/admin").await.status(),
        303,
        "{app}: signed in after a failure"
    );

    // Four more failures for the account: then even the right password waits.
    for _ in 0..4 {
        browser
            .post(
                "/sign-in",
                &[
                    ("email", "panitia@dispusip.example.id"),
                    ("password", "tebak-tebakan"),
                ],
            )
            .await;
    }
    let right = browser
        .post(
            "/sign-in",
            &[
                ("email", "panitia@dispusip.example.id"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(right.status(), 429, "{app}");
    assert!(
        right
            .text()
            .await
            .unwrap()
            .contains("coba lagi dalam 1 menit"),
        "{app}"
    );
    // An account that does not exist is slowed down the same way.
    for _ in 0..5 {
        browser
            .post(
                "/sign-in",
                &[
                    ("email", "tidak.ada@dispusip.example.id"),
                    ("password", "x-x-x-x-x-x"),
                ],
            )
            .await;
    }
    let response = browser
        .post(
            "/sign-in",
            &[
                ("email", "tidak.ada@dispusip.example.id"),
                ("password", "x-x-x-x-x-x"),
            ],
        )
        .await;
    assert_eq!(response.status(), 429, "{app}");
}

backend_tests!(a_participant_signs_in_by_link_and_sees_bimtek_saya);
async fn a_participant_signs_in_by_link_and_sees_bimtek_saya(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    participant(&app.db, "siti@perpusdes.example.id", "Siti Aminah, S.IPI").await;
    let browser = app.browser();
    let response = browser
        .post("/my/sign-in", &[("email", " Siti@PerpusDes.example.id ")])
        .await;
    assert_eq!(response.status(), 200, "{app}");
    let mail = smtp.wait_for(1, WAIT).await.remove(0);
    assert_eq!(mail.subject(), "Tautan masuk bimtek");
    assert!(mail.text().contains("30 menit"), "{}", mail.text());
    let link = mail
        .first_link(&format!("{}/my/sign-in/", app.address))
        .unwrap();

    // Opening the link (as a mail scanner would) spends nothing.
    assert_eq!(app.browser().text(&link).await.0, 200);
    let (status, html) = browser.text(&link).await;
    assert_eq!(status, 200, "{app}");
    let token = crate::support::csrf_in(&html);
    let response = browser.post_with_token(&link, &[], &token).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(Browser::location(&response), "/my");
    let (status, html) = browser.text("/my").await;
    assert_eq!(status, 200, "{app}");
    assert!(
        html.contains("<h1>Bimtek saya</h1>") && html.contains("Siti Aminah, S.IPI"),
        "{app}: {html}"
    );
    assert_eq!(
        html.matches(r#"action="/sign-out""#).count(),
        1,
        "{app}: one way to sign out, in the header"
    );
    // A link is no key to the organisers' pages.
    assert_eq!(browser.get("/admin").await.status(), 303, "{app}");

    assert_eq!(
        app.browser().post(&link, &[]).await.status(),
        400,
        "{app}: a used link works again"
    );
    let response = browser.post("/sign-out", &[]).await;
    assert_eq!(response.status(), 303, "{app}");
    assert_eq!(
        browser.get("/my").await.status(),
        303,
        "{app}: still signed in after signing out"
    );
}

backend_tests!(forged_forms_are_refused_and_change_nothing);
async fn forged_forms_are_refused_and_change_nothing(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let bimtek = create_event(&app.db, event("bimtek-csrf", Tz::Asia__Jakarta, true)).await;
    staff(
        &app.db,
        "admin@dispusip.example.id",
        true,
        Some((&bimtek, EventRole::Organiser)),
    )
    .await;
    let admin = app.browser();
    admin.sign_in("admin@dispusip.example.id", PASSWORD).await;
    let users_before = count_users(&app.db).await;
    let fields = [
        ("name", "Penyusup"),
        ("email", "penyusup@jahat.example"),
        ("lang", "id"),
        ("event_id", ""),
    ];

    let forged = admin
        .post_with_token("/admin/invitations", &fields, "token-palsu")
        .await;
    assert_eq!(forged.status(), 403, "{app}");
    assert!(
        forged
            .text()
            .await
            .unwrap()
            .contains("<h1>Formulir kedaluwarsa</h1>"),
        "{app}"
    );
    let missing = admin
        .client
        .post(admin.url("/admin/invitations"))
        .form(&fields)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 403, "{app}");
    // The right token, but the browser says the form came from elsewhere.
    let token = admin.csrf().await;
    for (header, value) in [
        ("Sec-Fetch-Site", "cross-site"),
        ("Origin", "https://jahat.example"),
    ] {
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        let response = admin
            .client
            .post(admin.url("/admin/invitations"))
            .header(header, value)
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{app}: {header}: {value}");
    }
    // Another visitor's token is no good either.
    let stranger = app.browser().csrf().await;
    assert_eq!(
        admin
            .post_with_token("/admin/invitations", &fields, &stranger)
            .await
            .status(),
        403,
        "{app}"
    );

    assert_eq!(
        count_users(&app.db).await,
        users_before,
        "{app}: a forged form created a user"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(smtp.received().is_empty(), "{app}: a forged form sent mail");
    // The same form from the page itself works.
    let same_site = admin.post("/admin/invitations", &fields).await;
    assert_eq!(same_site.status(), 303, "{app}");
}

backend_tests!(the_session_cookie_is_locked_down);
async fn the_session_cookie_is_locked_down(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    staff(&app.db, "panitia@dispusip.example.id", false, None).await;
    let browser = app.browser();
    let token = browser.csrf().await;
    let response = browser
        .post_with_token(
            "/sign-in",
            &[
                ("email", "panitia@dispusip.example.id"),
                ("password", PASSWORD),
            ],
            &token,
        )
        .await;
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with("bimtek="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(
        !cookie.contains("Secure"),
        "{app}: Secure over plain HTTP would never come back: {cookie}"
    );
    assert!(
        !cookie.contains("panitia"),
        "{app}: the cookie is readable: {cookie}"
    );
    // Signing in gives a new token: one picked up before does not carry over.
    assert_ne!(browser.csrf().await, token, "{app}");
    // Public pages set no cookie for visitors.
    assert!(
        app.browser()
            .get("/")
            .await
            .headers()
            .get("set-cookie")
            .is_none(),
        "{app}"
    );
}

backend_tests!(link_requests_cannot_flood_an_inbox);
async fn link_requests_cannot_flood_an_inbox(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    participant(&app.db, "siti@perpusdes.example.id", "Siti Aminah").await;
    let browser = app.browser();
    for _ in 0..8 {
        let response = browser
            .post("/my/sign-in", &[("email", "siti@perpusdes.example.id")])
            .await;
        assert_eq!(response.status(), 200, "{app}: the answer stays the same");
    }
    let allowance = bimtek::services::mail::UNSOLICITED_PER_HOUR as usize;
    smtp.wait_for(allowance, WAIT).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        smtp.received().len(),
        allowance,
        "{app}: more links in an hour than the allowance"
    );
}

/// Posts the sign-in form from `address` (the app runs behind a proxy).
async fn sign_in_from(
    browser: &Browser,
    token: &str,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    browser
        .client
        .post(browser.url("/sign-in"))
        .header("x-forwarded-for", address)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", token),
        ])
        .send()
        .await
        .expect("request sent")
}

/// How many of these answers checked the password (422) rather than being
/// told to wait (429, with Retry-After).
async fn checked(answers: Vec<reqwest::Response>, app: &TestApp) -> usize {
    let mut checked = 0;
    for answer in answers {
        match answer.status().as_u16() {
            422 => checked += 1,
            429 => assert!(
                answer.headers().contains_key("retry-after"),
                "{app}: a 429 says when"
            ),
            other => panic!("{app}: {other}: {}", answer.text().await.unwrap()),
        }
    }
    checked
}

backend_tests!(a_burst_of_guesses_gets_no_more_checks_than_the_limit);
async fn a_burst_of_guesses_gets_no_more_checks_than_the_limit(backend: TestBackend) {
    let app = spawn_app_with(&backend, |settings| settings.behind_proxy = true).await;
    staff(&app.db, "panitia@dispusip.example.id", false, None).await;
    let browser = app.browser();
    let token = browser.csrf().await;

    // 39 guesses at one account sent at once: five are checked.
    let guesses = (0..39).map(|n| {
        let password = format!("tebakan-ke-{n}");
        let (browser, token) = (&browser, &token);
        async move {
            sign_in_from(
                browser,
                token,
                "198.51.100.1",
                "panitia@dispusip.example.id",
                &password,
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(guesses).await;
    assert_eq!(checked(answers, &app).await, 5, "{app}: one account");

    // 80 at once on as many accounts from one address: twenty are checked.
    let guesses =
        (0..80).map(|n| {
            let email = format!("tebak{n}@dispusip.example.id");
            let (browser, token) = (&browser, &token);
            async move {
                sign_in_from(browser, token, "198.51.100.2", &email, "tebak-tebakan-saja").await
            }
        });
    let answers = futures_util::future::join_all(guesses).await;
    assert_eq!(checked(answers, &app).await, 20, "{app}: one address");
}

backend_tests!(a_stranger_guessing_cannot_lock_the_owner_out);
async fn a_stranger_guessing_cannot_lock_the_owner_out(backend: TestBackend) {
    let app = spawn_app_with(&backend, |settings| settings.behind_proxy = true).await;
    staff(&app.db, "admin@dispusip.example.id", true, None).await;
    let stranger = app.browser();
    let token = stranger.csrf().await;
    let mut answers = Vec::new();
    for n in 0..8 {
        let guess = format!("tebakan-ke-{n}");
        let answer = sign_in_from(
            &stranger,
            &token,
            "203.0.113.9",
            "admin@dispusip.example.id",
            &guess,
        )
        .await;
        answers.push(answer.status().as_u16());
    }
    assert_eq!(answers, [422, 422, 422, 422, 422, 429, 429, 429], "{app}");
    let refused = sign_in_from(
        &stranger,
        &token,
        "203.0.113.9",
        "admin@dispusip.example.id",
        PASSWORD,
    )
    .await;
    assert_eq!(
        refused.status(),
        429,
        "{app}: even the right password waits there"
    );
    assert_eq!(
        refused.headers()["retry-after"],
        "60",
        "{app}: the first wait is a minute"
    );

    // The owner, from their own address, makes a typo and then signs in.
    let owner = app.browser();
    let token = owner.csrf().await;
    let typo = sign_in_from(
        &owner,
        &token,
        "198.51.100.7",
        "admin@dispusip.example.id",
        "kata-sandi-panitya",
    )
    .await;
    assert_eq!(typo.status(), 422, "{app}");
    let right = sign_in_from(
        &owner,
        &token,
        "198.51.100.7",
        "admin@dispusip.example.id",
        PASSWORD,
    )
    .await;
    assert_eq!(right.status(), 303, "{app}: the owner is not locked out");
}

/// Someone's session cookie as a copy of it would be held: signed in from a
/// client without a cookie store, the cookie taken from the answer.
async fn copied_session(app: &TestApp, email: &str, password: &str) -> String {
    let raw = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let cookie_of = |response: &reqwest::Response| {
        let set = response.headers()["set-cookie"].to_str().unwrap();
        set.split(';').next().unwrap().to_owned()
    };
    let page = raw.get(app.url("/sign-in")).send().await.unwrap();
    let anonymous = cookie_of(&page);
    let token = csrf_in(&page.text().await.unwrap());
    let signed_in = raw
        .post(app.url("/sign-in"))
        .header("cookie", &anonymous)
        .form(&[
            ("email", email),
            ("password", password),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_in.status(), 303, "{app}");
    cookie_of(&signed_in)
}

/// What `path` answers to a request carrying only this cookie.
async fn with_cookie(app: &TestApp, cookie: &str, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
}

backend_tests!(a_copied_cookie_stops_working_after_sign_out_and_after_a_reset);
async fn a_copied_cookie_stops_working_after_sign_out_and_after_a_reset(backend: TestBackend) {
    let smtp = SmtpServer::start().await;
    let app = app_with_smtp(&backend, &smtp).await;
    let email = "panitia@dispusip.example.id";
    staff(&app.db, email, false, None).await;

    // Signed in on two devices; signing out on one ends both, and the copy.
    let office = copied_session(&app, email, PASSWORD).await;
    let phone = copied_session(&app, email, PASSWORD).await;
    assert_eq!(
        with_cookie(&app, &office, "/my").await.status(),
        200,
        "{app}"
    );
    let page = with_cookie(&app, &office, "/my")
        .await
        .text()
        .await
        .unwrap();
    let signed_out = app
        .client
        .post(app.url("/sign-out"))
        .header("cookie", &office)
        .form(&[("csrf_token", csrf_in(&page))])
        .send()
        .await
        .unwrap();
    assert_eq!(signed_out.status(), 303, "{app}");
    for (device, cookie) in [("office copy", &office), ("phone", &phone)] {
        let after = with_cookie(&app, cookie, "/my").await;
        assert_eq!(
            after.status(),
            303,
            "{app}: the {device} still works after sign-out"
        );
    }

    // A password reset ends the sessions that knew the old password.
    let stolen = copied_session(&app, email, PASSWORD).await;
    assert_eq!(
        with_cookie(&app, &stolen, "/my").await.status(),
        200,
        "{app}"
    );
    let owner = app.browser();
    let asked = owner.post("/password/forgot", &[("email", email)]).await;
    assert_eq!(asked.status(), 200, "{app}");
    let mail = smtp.wait_for(1, WAIT).await.remove(0);
    let link = mail
        .first_link(&format!("{}/password/reset/", app.address))
        .unwrap();
    let reset = owner
        .post(&link, &[("password", "kata-sandi-baru-2026")])
        .await;
    assert_eq!(reset.status(), 303, "{app}");
    assert_eq!(
        with_cookie(&app, &stolen, "/my").await.status(),
        303,
        "{app}: a session from before the reset still works"
    );
    assert_eq!(
        owner.get("/my").await.status(),
        200,
        "{app}: the new session works"
    );
}
