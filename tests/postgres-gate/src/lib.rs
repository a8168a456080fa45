//! `postgres_gate::test! { #[tokio::test] async fn postgres() { … } }`
//! passes the test through when BIMTEK_TEST_POSTGRES_URL was set at build
//! time, and otherwise marks it ignored, so that `cargo test` reports it as
//! ignored, never as passed.

#[cfg(postgres_configured)]
#[macro_export]
macro_rules! test {
    ($(#[$attribute:meta])* async fn $name:ident() $body:block) => {
        $(#[$attribute])*
        async fn $name() $body
    };
}

#[cfg(not(postgres_configured))]
#[macro_export]
macro_rules! test {
    ($(#[$attribute:meta])* async fn $name:ident() $body:block) => {
        $(#[$attribute])*
        #[ignore = "set BIMTEK_TEST_POSTGRES_URL to run it"]
        async fn $name() $body
    };
}
