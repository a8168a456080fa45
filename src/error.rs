//! The services' error: what went wrong in the domain's terms. The web layer
//! maps it once to a status, and the error renderer turns that into a page
//! or a JSON body.

use crate::db::DbError;
use crate::domain::event::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// Signed in, but this is not theirs to see or do.
    #[error("forbidden")]
    Forbidden,
    /// Not signed in; the address to sign in at (with the page to come
    /// back to).
    #[error("sign-in required")]
    SignInRequired(String),
    /// A link that is unknown, expired or already used: one answer for all,
    /// so that the page does not tell which.
    #[error("invalid or expired link")]
    InvalidLink,
    /// Too many attempts; try again after this long.
    #[error("too many attempts")]
    Throttled(std::time::Duration),
    /// Every password hasher stayed busy; try again in a moment.
    #[error("busy")]
    Busy,
    /// An upload over its limit.
    #[error("payload too large")]
    TooLarge,
    /// A form body over the form limit.
    #[error("form too large")]
    FormTooLarge,
    /// A body sent to a form in another format than a form's.
    #[error("not a form")]
    NotAForm,
    /// A form sent without its session's token, or from another site.
    #[error("forged or expired form")]
    Csrf,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("{0}")]
    Internal(String),
}

impl Error {
    pub fn invalid(field: &'static str, message: &'static str) -> Error {
        Error::Invalid(vec![FieldError::new(field, message)])
    }
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        Error::Db(DbError::Query(error))
    }
}
