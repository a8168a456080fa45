//! The signed-in state lives in an encrypted, signed cookie (actix-session's
//! private cookie store): nothing on the server to share between instances.

use actix_session::Session;
use chrono::Utc;

use crate::domain::account::Account;

const USER: &str = "uid";
const NAME: &str = "name";
const ADMIN: &str = "admin";
const STAFF: &str = "staff";
/// "password" or "link": only a password opens the organiser pages.
const METHOD: &str = "via";
const SINCE: &str = "since";
/// The account's session generation when the session started: raised in
/// the database, it ends this session and every copy of its cookie.
const GENERATION: &str = "gen";
const CSRF: &str = "csrf";
/// A new calendar feed's secret, between the POST that makes it and the
/// page that shows it once; the cookie is encrypted.
const NEW_FEED: &str = "new_feed";

/// A session older than this must sign in again, even if the browser kept
/// the cookie (a shared office PC left on).
const MAX_AGE_SECONDS: i64 = 12 * 3600;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInMethod {
    Password,
    Link,
}

#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user_id: String,
    pub name: String,
    pub is_admin: bool,
    pub is_staff: bool,
    pub method: SignInMethod,
    pub generation: i32,
}

/// Starts a fresh session for `account`: a new cookie (no fixation) and a
/// new form token.
pub fn start(session: &Session, account: &Account, method: SignInMethod) {
    session.renew();
    session.clear();
    let via = match method {
        SignInMethod::Password => "password",
        SignInMethod::Link => "link",
    };
    let _ = session.insert(USER, &account.id);
    let _ = session.insert(NAME, &account.name);
    let _ = session.insert(ADMIN, account.is_admin);
    let _ = session.insert(STAFF, account.is_staff());
    let _ = session.insert(METHOD, via);
    let _ = session.insert(SINCE, Utc::now().timestamp());
    let _ = session.insert(GENERATION, account.session_generation);
    let _ = session.insert(CSRF, new_token());
}

pub fn end(session: &Session) {
    session.purge();
}

pub fn signed_in(session: &Session) -> Option<SignedIn> {
    let user_id = session.get::<String>(USER).ok().flatten()?;
    let since = session.get::<i64>(SINCE).ok().flatten()?;
    let generation = session.get::<i32>(GENERATION).ok().flatten()?;
    if Utc::now().timestamp() - since > MAX_AGE_SECONDS {
        return None;
    }
    Some(SignedIn {
        user_id,
        name: session.get(NAME).ok().flatten().unwrap_or_default(),
        is_admin: session.get(ADMIN).ok().flatten().unwrap_or(false),
        is_staff: session.get(STAFF).ok().flatten().unwrap_or(false),
        method: match session.get::<String>(METHOD).ok().flatten().as_deref() {
            Some("password") => SignInMethod::Password,
            _ => SignInMethod::Link,
        },
        generation,
    })
}

/// The form token for one page, created in the session on first use: a
/// page with a form gives even an anonymous visitor a session. Each page
/// gets it under a fresh random mask, so that compressed pages do not give
/// it away byte by byte to someone who sees their sizes (BREACH).
pub fn csrf_token(session: &Session) -> String {
    let token = match session.get::<String>(CSRF).ok().flatten() {
        Some(token) => token,
        None => {
            let token = new_token();
            let _ = session.insert(CSRF, &token);
            token
        }
    };
    mask(&token)
}

/// Compares in constant time: how much of a guess was right must not show
/// in how long the answer takes.
pub fn csrf_matches(session: &Session, sent: &str) -> bool {
    let Some(expected) = session.get::<String>(CSRF).ok().flatten() else {
        return false;
    };
    let (Some(expected), Some(sent)) = (decode(&expected), unmask(sent)) else {
        return false;
    };
    expected.len() == sent.len()
        && expected
            .iter()
            .zip(&sent)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn decode(text: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .ok()
}

/// A random pad, then the token XORed with it.
fn mask(token: &str) -> String {
    use base64::Engine;
    use rand::RngCore;
    let token = decode(token).unwrap_or_default();
    let mut masked = vec![0u8; 2 * token.len()];
    let (pad, rest) = masked.split_at_mut(token.len());
    rand::rng().fill_bytes(pad);
    for ((out, t), p) in rest.iter_mut().zip(&token).zip(pad.iter()) {
        *out = t ^ p;
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(masked)
}

fn unmask(sent: &str) -> Option<Vec<u8>> {
    let masked = decode(sent)?;
    let (pad, rest) = masked.split_at(masked.len() / 2);
    (masked.len() % 2 == 0 && !pad.is_empty())
        .then(|| pad.iter().zip(rest).map(|(p, m)| p ^ m).collect())
}

fn new_token() -> String {
    crate::secret::new_secret()
}

/// Keeps a new feed's secret for the page that shows it.
pub fn hand_over_feed(session: &Session, secret: &str) {
    let _ = session.insert(NEW_FEED, secret);
}

/// The new feed's secret, once: it leaves the session as it is read.
pub fn take_feed(session: &Session) -> Option<String> {
    session.remove_as::<String>(NEW_FEED).and_then(Result::ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_masked_token_unmasks_to_the_token_and_differs_each_time() {
        let token = new_token();
        let (a, b) = (mask(&token), mask(&token));
        assert_ne!(a, b);
        assert_eq!(unmask(&a), decode(&token));
        assert_eq!(unmask(&b), decode(&token));
        assert_eq!(unmask(""), None);
        assert_eq!(unmask("not base64!"), None);
    }
}
