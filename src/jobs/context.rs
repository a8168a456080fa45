use std::sync::Arc;

use crate::db::Db;
use crate::integrations::mail::Mailer;
use crate::integrations::storage::Storage;
use crate::integrations::zoom::Zoom;

/// What the application's jobs share.
pub struct JobContext {
    pub db: Db,
    pub mailer: Arc<Mailer>,
    /// `None`: Zoom is not configured.
    pub zoom: Option<Zoom>,
    /// How long an invitation to a Zoom session waits for the
    /// participant's personal link.
    pub zoom_link_wait: std::time::Duration,
    pub storage: Storage,
    /// For links in e-mails written by jobs.
    pub base_url: url::Url,
}
