//! Reads BIMTEK_TEST_POSTGRES_URL at build time, the only time an
//! `#[ignore]` can be decided. It lives in this small crate rather than in
//! bimtek's own build script so that setting or unsetting the variable
//! rebuilds this crate and the test binary, not the whole application.

fn main() {
    println!("cargo::rerun-if-env-changed=BIMTEK_TEST_POSTGRES_URL");
    println!("cargo::rustc-check-cfg=cfg(postgres_configured)");
    if std::env::var_os("BIMTEK_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=postgres_configured");
    }
}
