//! Action plans put in place for the pages that follow them up.

use bimtek::db::models::{ActionPlanRow, ActionPlanVersionRow};
use bimtek::db::repo::{action_plans, registrations};
use bimtek::db::{Db, DbError};
use bimtek::domain::action_plan::{Activity, Content, State, Strategy};
use chrono::Utc;

/// The plan of a participant, as submitted: two activities.
pub fn plan_content(title: &str) -> Content {
    let activity = |what: &str, month: &str| Activity {
        what: what.into(),
        month: month.into(),
        responsible: "Kepala perpustakaan desa".into(),
        resources: "Rp 2.500.000 dari dana desa".into(),
        partner: "Karang Taruna".into(),
    };
    Content {
        title: title.into(),
        situation: "Dua komputer tanpa internet.".into(),
        objectives: "Warga desa belajar memakai internet.".into(),
        target_group: "Ibu-ibu PKK dan pelajar SMP".into(),
        strategies: vec![Strategy::Information],
        activities: vec![
            activity("Pelatihan literasi digital", "2030-09"),
            activity("Lomba bercerita", "2030-11"),
        ],
        indicators: "30 warga mengikuti pelatihan.".into(),
    }
}

/// A plan in `state` for the registration, with its submitted version,
/// written straight into the database (review has its own pages); returns
/// the plan's id.
pub async fn plan_in_state(db: &Db, registration_id: &str, title: &str, state: State) -> String {
    let (registration_id, content) = (
        registration_id.to_owned(),
        serde_json::to_string(&plan_content(title)).unwrap(),
    );
    db.transaction(move |conn| -> Result<_, DbError> {
        let registration = registrations::find(conn, &registration_id)?.unwrap();
        let now = Utc::now().naive_utc();
        let id = uuid::Uuid::now_v7().simple().to_string();
        action_plans::insert(
            conn,
            &ActionPlanRow {
                id: id.clone(),
                registration_id: registration.id.clone(),
                event_id: registration.event_id.clone(),
                state,
                content: content.clone(),
                attachment_key: None,
                attachment_name: None,
                attachment_kind: None,
                version: 1,
                late: false,
                reviewer_id: None,
                created_at: now,
                updated_at: now,
                submitted_at: Some(now),
            },
        )?;
        action_plans::insert_version(
            conn,
            &ActionPlanVersionRow {
                plan_id: id.clone(),
                version: 1,
                content,
                attachment_key: None,
                attachment_name: None,
                attachment_kind: None,
                late: false,
                submitted_by: registration.user_id,
                submitted_at: now,
            },
        )?;
        Ok(id)
    })
    .await
    .unwrap()
}
