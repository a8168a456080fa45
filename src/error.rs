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
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for Error {
    fn from(error: diesel::result::Error) -> Self {
        Error::Db(DbError::Query(error))
    }
}
