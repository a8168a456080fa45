//! Registrations under a rush, on real databases: exactly as many seats as
//! there are, the rest in line in order, nothing lost.

use bimtek::domain::registration::{Form, Status};
use bimtek::error::Error;
use bimtek::i18n::Lang;
use bimtek::services::registrations::{self, Registered};
use chrono_tz::Tz;

use crate::fixtures::{create_event, event};
use crate::helpers::{backends, spawn_app_with, spawn_apps};

fn form(n: usize) -> Form {
    Form {
        full_name: format!("Peserta {n}, S.IPI"),
        email: format!("peserta{n}@perpusdes.example.id"),
        whatsapp: format!("0812-3456-{:04}", n),
        institution: "Perpustakaan Desa Sukamaju".into(),
        position: "Pustakawan".into(),
        province_code: "17".into(),
        regency_code: "17.71".into(),
        library_type: "desa".into(),
        gender: "perempuan".into(),
        consent: true,
        ..Form::default()
    }
}

async fn new_registration(db: &bimtek::db::Db, event_id: &str, form: Form) -> String {
    match registrations::register(db, event_id, form, Lang::Id)
        .await
        .unwrap()
    {
        Registered::New { id } => id,
        other => panic!("expected a new registration, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rush_of_200_for_50_seats_confirms_exactly_50() {
    for backend in backends() {
        // Enough connections for many decisions to overlap.
        let app = spawn_app_with(&backend, |s| s.db_pool_size = 32).await;
        let bimtek = create_event(&app.db, event("bimtek-rebutan", Tz::Asia__Jakarta, true)).await;
        let event_id = bimtek.id.to_string();
        registrations::set_seats(&app.db, &event_id, Some(50), false)
            .await
            .unwrap();

        let rush: Vec<_> = (0..200)
            .map(|n| {
                let (db, event_id) = (app.db.clone(), event_id.clone());
                tokio::spawn(async move {
                    let id = new_registration(&db, &event_id, form(n)).await;
                    registrations::confirm_address(&db, &id).await.unwrap()
                })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in rush {
            outcomes.push(task.await.unwrap());
        }
        let confirmed = registrations::with_status(&app.db, &event_id, Status::Confirmed)
            .await
            .unwrap();
        let waiting = registrations::with_status(&app.db, &event_id, Status::Waitlisted)
            .await
            .unwrap();
        assert_eq!(confirmed.len(), 50, "{app}");
        assert_eq!(waiting.len(), 150, "{app}");
        assert_eq!(
            outcomes.iter().filter(|s| **s == Status::Confirmed).count(),
            50,
            "{app}"
        );

        // A freed seat goes to the first in line, and only one seat is given.
        let promoted = registrations::cancel(&app.db, &confirmed[0]).await.unwrap();
        assert_eq!(promoted.as_deref(), Some(waiting[0].as_str()), "{app}");
        let confirmed = registrations::with_status(&app.db, &event_id, Status::Confirmed)
            .await
            .unwrap();
        assert_eq!(confirmed.len(), 50, "{app}");
        let still_waiting = registrations::with_status(&app.db, &event_id, Status::Waitlisted)
            .await
            .unwrap();
        assert_eq!(
            still_waiting,
            waiting[1..].to_vec(),
            "{app}: the line kept its order"
        );
    }
}

#[tokio::test]
async fn duplicates_moderation_and_bad_regions() {
    for app in spawn_apps().await {
        let bimtek = create_event(&app.db, event("bimtek-moderasi", Tz::Asia__Jakarta, true)).await;
        let event_id = bimtek.id.to_string();
        registrations::set_seats(&app.db, &event_id, Some(10), true)
            .await
            .unwrap();

        let id = new_registration(&app.db, &event_id, form(1)).await;
        assert_eq!(
            registrations::confirm_address(&app.db, &id).await.unwrap(),
            Status::AwaitingApproval,
            "{app}"
        );
        assert_eq!(
            registrations::confirm_address(&app.db, &id).await.unwrap(),
            Status::AwaitingApproval,
            "{app}: twice"
        );

        let mut again = form(1);
        again.email = "PESERTA1@perpusdes.example.id".into();
        let second = registrations::register(&app.db, &event_id, again, Lang::Id)
            .await
            .unwrap();
        assert_eq!(second, Registered::AlreadyRegistered { id }, "{app}");

        let mut elsewhere = form(2);
        elsewhere.regency_code = "17.99".into();
        match registrations::register(&app.db, &event_id, elsewhere, Lang::Id).await {
            Err(Error::Invalid(errors)) => assert_eq!(errors[0].field, "regency_code", "{app}"),
            other => panic!("{app}: {other:?}"),
        }
    }
}
