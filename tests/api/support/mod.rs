//! What the integration tests share: the application on a fresh database
//! (`app`) or as its own process (`process`), people and events put in
//! place (`people`), the SMTP server, the Zoom stand-in and an
//! S3-compatible server, waiting for the application's background work
//! (`jobs`), and `backend_tests!`, which names each test after its backend.

mod app;
mod jobs;
mod mail;
mod people;
mod plans;
pub mod process;
pub mod s3_server;
pub mod smtp;
pub mod zoom_server;

pub use app::*;
pub use jobs::*;
pub use mail::*;
pub use people::*;
pub use plans::*;

/// `backend_tests!(name);` above `async fn name(backend: TestBackend)`
/// makes the tests `name::sqlite` and `name::postgres`, so that a failure
/// names its backend. The PostgreSQL one is ignored unless
/// BIMTEK_TEST_POSTGRES_URL was set when the tests were built (cargo
/// rebuilds them when it changes); set, an unreachable server fails it.
/// `backend_tests!(name, multi_thread);` runs both on two worker threads.
macro_rules! backend_tests {
    ($name:ident) => {
        $crate::support::backend_tests!($name, tokio::test);
    };
    ($name:ident, multi_thread) => {
        $crate::support::backend_tests!(
            $name,
            tokio::test(flavor = "multi_thread", worker_threads = 2)
        );
    };
    ($name:ident, $test:meta) => {
        mod $name {
            #[$test]
            async fn sqlite() {
                super::$name($crate::support::TestBackend::Sqlite).await
            }

            postgres_gate::test! {
                #[$test]
                async fn postgres() {
                    super::$name($crate::support::TestBackend::postgres()).await
                }
            }
        }
    };
}
pub(crate) use backend_tests;
