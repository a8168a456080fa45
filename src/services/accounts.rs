//! Accounts: the first administrator, invitations, sign-in by password or
//! by link, password resets. Each change is one transaction, together with
//! its e-mail (through the outbox) and its audit line.

use chrono::Utc;
use url::Url;

use crate::db::Db;
use crate::db::models::UserRow;
use crate::db::repo::{audit, events, failures, tokens, users};
use crate::domain::account::{
    Account, EventRole, SIGN_IN, TokenPurpose, check_password, normalise_email,
};
use crate::domain::event::FieldError;
use crate::domain::text::Text;
use crate::email::Template;
use crate::error::Error;
use crate::i18n::Lang;
use crate::services::{mail, passwords};

/// What a service needs to know about the request that calls it.
#[derive(Clone, Debug)]
pub struct Origin {
    pub base_url: Url,
    /// The client's address, for the audit log and to slow guessing.
    pub address: Option<String>,
    pub lang: Lang,
}

impl Origin {
    pub fn link(&self, path: &str) -> String {
        self.base_url
            .join(path)
            .map_or_else(|_| path.to_owned(), String::from)
    }
}

fn lang_of(code: &str) -> Lang {
    Lang::from_code(code).unwrap_or(Lang::Id)
}

/// A link to create the first administrator, while there is none. Each
/// call retires the links printed before.
pub async fn setup_link(db: &Db, base_url: &Url) -> Result<Option<String>, Error> {
    let base_url = base_url.clone();
    db.transaction(move |conn| {
        if users::count(conn)? > 0 {
            return Ok(None);
        }
        let now = Utc::now();
        tokens::revoke(conn, TokenPurpose::Setup, None, now)?;
        let secret = tokens::issue(conn, TokenPurpose::Setup, None, now)?;
        Ok(base_url
            .join(&format!("/setup/{secret}"))
            .ok()
            .map(String::from))
    })
    .await
}

/// Whether a link may still be used, and whose it is (to greet them).
pub async fn check_link(
    db: &Db,
    purpose: TokenPurpose,
    secret: &str,
) -> Result<Option<UserRow>, Error> {
    let secret = secret.to_owned();
    db.run(move |conn| {
        let valid = tokens::check(conn, purpose, &secret, Utc::now())?.ok_or(Error::InvalidLink)?;
        Ok(match valid.user_id {
            Some(id) => users::find(conn, &id)?,
            None => None,
        })
    })
    .await
}

pub struct NewAdmin {
    pub name: String,
    pub email: String,
    pub password: String,
}

pub async fn complete_setup(
    db: &Db,
    secret: &str,
    form: NewAdmin,
    origin: &Origin,
) -> Result<Account, Error> {
    // A bad link is refused before anything typed is looked at.
    check_link(db, TokenPurpose::Setup, secret).await?;
    let mut errors = Vec::new();
    let name = Text::NAME.or_note(&mut errors, "name", &form.name);
    if name.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("name", "account.error.name"));
    }
    let email = normalise_email(&form.email);
    if email.is_none() {
        errors.push(FieldError::new("email", "account.error.email"));
    }
    if let Err(message) = check_password(&form.password, &form.email) {
        errors.push(FieldError::new("password", message));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let email = email.expect("checked above");
    let hash = passwords::hash(form.password).await?;
    let (secret, origin) = (secret.to_owned(), origin.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        tokens::consume(conn, TokenPurpose::Setup, &secret, now)?.ok_or(Error::InvalidLink)?;
        if users::count(conn)? > 0 {
            return Err(Error::InvalidLink);
        }
        let user = users::insert(
            conn,
            &users::NewUser {
                email: &email,
                name: &name,
                password_hash: Some(&hash),
                is_admin: true,
                is_organiser: true,
                lang: origin.lang.code(),
            },
            now,
        )?;
        audit::Entry::new("account.setup")
            .by_user(&user.id, &user.email)
            .address(origin.address.as_deref())
            .record(conn, now)?;
        users::account(conn, &user.id)?.ok_or(Error::NotFound)
    })
    .await
}

/// Staff sign-in. Wrong address and wrong password get the same answer in
/// the same time. Each attempt is counted before its password is checked,
/// so a burst sent at once gets no more checks than attempts one by one;
/// past the allowance of its account-and-address pair, or of its address,
/// it is told how long to wait, whether the account exists or not.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    origin: &Origin,
) -> Result<Account, Error> {
    // Something that is not an address cannot match an account: a message
    // for the field, not a guess to count.
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let address = origin.address.as_deref().unwrap_or("unknown");
    let pair_scope = format!("pair:{email} {address}");
    let address_scope = format!("address:{address}");
    let (scopes, lookup) = ((pair_scope.clone(), address_scope), email.clone());
    let (reserved, stored) = db
        .transaction(move |conn| -> Result<Result<_, Error>, Error> {
            let now = Utc::now();
            if let Some(wait) = failures::wait(conn, &SIGN_IN, (&scopes.0, &scopes.1), now)? {
                return Ok(Err(Error::Throttled(wait)));
            }
            let reserved = [
                failures::record(conn, &scopes.0, now)?,
                failures::record(conn, &scopes.1, now)?,
            ];
            Ok(Ok((reserved, users::find_by_email(conn, &lookup)?)))
        })
        .await??;
    let hash = stored.as_ref().and_then(|user| user.password_hash.clone());
    let matches = match passwords::verify(password.to_owned(), hash).await {
        Ok(matches) => matches,
        Err(error) => {
            // Never checked: the attempt does not count.
            db.transaction(move |conn| Ok::<_, Error>(failures::remove(conn, &reserved)?))
                .await?;
            return Err(error);
        }
    };
    let origin = origin.clone();
    // A failure stays recorded, then is reported: the outer Result is the
    // transaction's, the inner one the answer.
    db.transaction(move |conn| -> Result<Result<Account, Error>, Error> {
        let now = Utc::now();
        match stored.filter(|_| matches) {
            Some(user) => {
                failures::remove(conn, &reserved)?;
                let window = chrono::Duration::from_std(SIGN_IN.pair_window).expect("a day");
                failures::clear(conn, &pair_scope, now - window)?;
                audit::Entry::new("sign_in.password")
                    .by_user(&user.id, &user.email)
                    .address(origin.address.as_deref())
                    .record(conn, now)?;
                Ok(users::account(conn, &user.id)?.ok_or(Error::NotFound))
            }
            None => {
                audit::Entry::new("sign_in.failed")
                    .subject(&email)
                    .address(origin.address.as_deref())
                    .record(conn, now)?;
                Ok(Err(Error::invalid("email", "account.error.sign_in_failed")))
            }
        }
    })
    .await?
}

/// Ends the account's sessions, on every device and in every copy of their
/// cookies (a session cannot be told apart from its copies).
pub async fn sign_out(db: &Db, account: &Account, origin: &Origin) -> Result<(), Error> {
    let (account, origin) = (account.clone(), origin.clone());
    db.transaction(move |conn| {
        users::end_sessions(conn, &account.id)?;
        audit::Entry::new("sign_out")
            .by(&account)
            .address(origin.address.as_deref())
            .record(conn, Utc::now())?;
        Ok(())
    })
    .await
}

/// Sends a reset link to staff with a password. The answer is the same
/// whether or not the address has an account.
pub async fn request_password_reset(db: &Db, email: &str, origin: &Origin) -> Result<(), Error> {
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let origin = origin.clone();
    db.transaction(move |conn| {
        match users::find_by_email(conn, &email)?.filter(|u| u.password_hash.is_some()) {
            Some(user) => {
                let lang = lang_of(&user.lang);
                send_link(conn, &user, &LinkMail::PASSWORD_RESET, None, lang, &origin)
            }
            None => Ok(()),
        }
    })
    .await
}

/// A kind of single-use link sent on request.
struct LinkMail {
    purpose: TokenPurpose,
    template: Template,
    /// The page the link opens, the secret appended.
    path: &'static str,
    action: &'static str,
}

impl LinkMail {
    const PASSWORD_RESET: LinkMail = LinkMail {
        purpose: TokenPurpose::PasswordReset,
        template: Template::PasswordReset,
        path: "/password/reset/",
        action: "password.reset_requested",
    };
    const SIGN_IN: LinkMail = LinkMail {
        purpose: TokenPurpose::SignIn,
        template: Template::SignIn,
        path: "/my/sign-in/",
        action: "sign_in.link_requested",
    };
}

/// E-mails `user` a fresh link of the kind (older ones stop working),
/// within the hourly allowance, and notes it in the audit log. `next`: a
/// path on this site the link's page goes on to (checked again there).
fn send_link(
    conn: &mut crate::db::DbConnection,
    user: &UserRow,
    kind: &LinkMail,
    next: Option<&str>,
    lang: Lang,
    origin: &Origin,
) -> Result<(), Error> {
    let now = Utc::now();
    if !mail::may_send_unsolicited(conn, &user.email, kind.template, now)? {
        return Ok(());
    }
    tokens::revoke(conn, kind.purpose, Some(&user.id), now)?;
    let secret = tokens::issue(conn, kind.purpose, Some(&user.id), now)?;
    let query = next
        .and_then(|next| serde_urlencoded::to_string([("next", next)]).ok())
        .map_or_else(String::new, |query| format!("?{query}"));
    let link = origin.link(&format!("{}{secret}{query}", kind.path));
    let minutes = kind.purpose.lifetime().as_secs() / 60;
    mail::enqueue(
        conn,
        mail::Outgoing {
            template: kind.template,
            lang,
            to: &user.email,
            event_id: None,
            args: &[("name", &user.name), ("link", &link), ("minutes", &minutes)],
            attachments: Vec::new(),
        },
        now,
    )?;
    audit::Entry::new(kind.action)
        .by_user(&user.id, &user.email)
        .subject(&user.email)
        .address(origin.address.as_deref())
        .record(conn, now)?;
    Ok(())
}

/// A sign-in link for a participant who tried to register twice.
pub(crate) fn send_sign_in_link(
    conn: &mut crate::db::DbConnection,
    user: &UserRow,
    lang: Lang,
    origin: &Origin,
) -> Result<(), Error> {
    send_link(conn, user, &LinkMail::SIGN_IN, None, lang, origin)
}

/// Sets a password through a reset or invitation link, which it uses up.
pub async fn set_password_by_link(
    db: &Db,
    purpose: TokenPurpose,
    secret: &str,
    password: String,
    origin: &Origin,
) -> Result<Account, Error> {
    let user = check_link(db, purpose, secret)
        .await?
        .ok_or(Error::InvalidLink)?;
    check_password(&password, &user.email)
        .map_err(|message| Error::invalid("password", message))?;
    let hash = passwords::hash(password).await?;
    let (secret, origin) = (secret.to_owned(), origin.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let valid = tokens::consume(conn, purpose, &secret, now)?.ok_or(Error::InvalidLink)?;
        let user_id = valid.user_id.ok_or(Error::InvalidLink)?;
        users::set_password(conn, &user_id, &hash, now)?;
        // Whoever had a session with the old password loses it.
        users::end_sessions(conn, &user_id)?;
        tokens::revoke(conn, TokenPurpose::PasswordReset, Some(&user_id), now)?;
        tokens::revoke(conn, TokenPurpose::Invitation, Some(&user_id), now)?;
        let account = users::account(conn, &user_id)?.ok_or(Error::InvalidLink)?;
        let action = match purpose {
            TokenPurpose::Invitation => "invitation.accepted",
            _ => "password.reset",
        };
        audit::Entry::new(action)
            .by(&account)
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(account)
    })
    .await
}

/// The role an invitation gives.
#[derive(Clone, Debug)]
pub enum Invited {
    /// May create events; given by administrators, optionally with an event.
    Organiser { event_id: Option<String> },
    /// A role in one event; given by that event's organisers.
    Member { event_id: String, role: EventRole },
}

pub struct Invitation {
    pub email: String,
    pub name: String,
    pub lang: Lang,
    pub role: Invited,
}

/// Gives someone a role and tells them by e-mail: with a link to choose a
/// password when they have none yet, else a note to sign in as usual.
pub async fn invite(
    db: &Db,
    inviter: &Account,
    invitation: Invitation,
    origin: &Origin,
) -> Result<(), Error> {
    let allowed = match &invitation.role {
        Invited::Organiser { .. } => inviter.is_admin,
        Invited::Member { event_id, .. } => inviter.may_manage(event_id),
    };
    if !allowed {
        return Err(Error::Forbidden);
    }
    let mut errors = Vec::new();
    let name = Text::NAME.or_note(&mut errors, "name", &invitation.name);
    if name.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("name", "account.error.name"));
    }
    let email = normalise_email(&invitation.email);
    if email.is_none() {
        errors.push(FieldError::new("email", "account.error.email"));
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let email = email.expect("checked above");
    let (inviter, origin) = (inviter.clone(), origin.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let user = users::find_or_create(conn, &email, &name, invitation.lang.code(), now)?;
        let (event_id, role) = match &invitation.role {
            Invited::Organiser { event_id } => {
                users::grant(conn, &user.id, false, true, now)?;
                (event_id.clone(), EventRole::Organiser)
            }
            Invited::Member { event_id, role } => (Some(event_id.clone()), *role),
        };
        let lang = lang_of(&user.lang);
        let role_text = match &event_id {
            Some(event_id) => {
                let event = events::find(conn, event_id)?.ok_or(Error::NotFound)?;
                users::add_membership(conn, event_id, &user.id, role, now)?;
                lang.tf(
                    "role.in_event",
                    &[("role", &lang.label(role)), ("event", &event.title)],
                )
            }
            None => lang.t("role.organiser_any").to_owned(),
        };
        let args_inviter = inviter.name.clone();
        if user.password_hash.is_none() {
            tokens::revoke(conn, TokenPurpose::Invitation, Some(&user.id), now)?;
            let secret = tokens::issue(conn, TokenPurpose::Invitation, Some(&user.id), now)?;
            let link = origin.link(&format!("/invitation/{secret}"));
            let days = TokenPurpose::Invitation.lifetime().as_secs() / 86_400;
            mail::enqueue(
                conn,
                mail::Outgoing {
                    template: Template::Invitation,
                    lang,
                    to: &user.email,
                    event_id: event_id.as_deref(),
                    args: &[
                        ("name", &user.name),
                        ("inviter", &args_inviter),
                        ("role", &role_text),
                        ("link", &link),
                        ("days", &days),
                    ],
                    attachments: Vec::new(),
                },
                now,
            )?;
        } else {
            let link = origin.link("/sign-in");
            mail::enqueue(
                conn,
                mail::Outgoing {
                    template: Template::RoleGranted,
                    lang,
                    to: &user.email,
                    event_id: event_id.as_deref(),
                    args: &[
                        ("name", &user.name),
                        ("inviter", &args_inviter),
                        ("role", &role_text),
                        ("link", &link),
                    ],
                    attachments: Vec::new(),
                },
                now,
            )?;
        }
        let subject = format!("{} {}", user.email, role.as_str());
        audit::Entry::new("role.granted")
            .by(&inviter)
            .event(event_id.as_deref())
            .subject(&subject)
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(())
    })
    .await
}

/// A participant asks for a sign-in link, in the language of the page they
/// are on. The answer is the same whether or not the address is known.
/// `next`: the page the link leads back to, a path on this site.
pub async fn request_sign_in_link(
    db: &Db,
    email: &str,
    next: Option<&str>,
    origin: &Origin,
) -> Result<(), Error> {
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let (next, origin) = (next.map(str::to_owned), origin.clone());
    db.transaction(move |conn| match users::find_by_email(conn, &email)? {
        Some(user) => {
            let next = next.as_deref();
            send_link(conn, &user, &LinkMail::SIGN_IN, next, origin.lang, &origin)
        }
        None => Ok(()),
    })
    .await
}

pub async fn sign_in_by_link(db: &Db, secret: &str, origin: &Origin) -> Result<Account, Error> {
    let (secret, origin) = (secret.to_owned(), origin.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let valid =
            tokens::consume(conn, TokenPurpose::SignIn, &secret, now)?.ok_or(Error::InvalidLink)?;
        let account = users::account(conn, &valid.user_id.ok_or(Error::InvalidLink)?)?
            .ok_or(Error::InvalidLink)?;
        audit::Entry::new("sign_in.link")
            .by(&account)
            .address(origin.address.as_deref())
            .record(conn, now)?;
        Ok(account)
    })
    .await
}

pub async fn account(db: &Db, id: &str) -> Result<Option<Account>, Error> {
    let id = id.to_owned();
    db.run(move |conn| Ok(users::account(conn, &id)?)).await
}

/// `bimtek user add --admin`: makes (or promotes) an administrator and
/// returns the link to choose a password.
pub async fn add_admin(db: &Db, email: &str, name: &str, base_url: &Url) -> Result<String, Error> {
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let (name, base_url) = (name.to_owned(), base_url.clone());
    db.transaction(move |conn| {
        let now = Utc::now();
        let user = users::find_or_create(
            conn,
            &email,
            if name.trim().is_empty() {
                &email
            } else {
                &name
            },
            Lang::Id.code(),
            now,
        )?;
        users::grant(conn, &user.id, true, true, now)?;
        tokens::revoke(conn, TokenPurpose::Invitation, Some(&user.id), now)?;
        let secret = tokens::issue(conn, TokenPurpose::Invitation, Some(&user.id), now)?;
        audit::Entry::new("account.admin_added_from_shell")
            .subject(&user.email)
            .record(conn, now)?;
        Ok(base_url
            .join(&format!("/invitation/{secret}"))
            .map_or_else(|_| secret, String::from))
    })
    .await
}

/// The person behind a registration: found by address or created without a
/// password (participants sign in by link).
pub async fn ensure_participant(
    db: &Db,
    email: &str,
    name: &str,
    lang: Lang,
) -> Result<Account, Error> {
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let name = name.to_owned();
    db.transaction(move |conn| {
        let user = users::find_or_create(conn, &email, &name, lang.code(), Utc::now())?;
        users::account(conn, &user.id)?.ok_or(Error::NotFound)
    })
    .await
}

pub async fn all_users(db: &Db) -> Result<Vec<UserRow>, Error> {
    db.run(|conn| Ok(users::list(conn)?)).await
}

pub async fn team(db: &Db, event_id: &str) -> Result<Vec<(String, UserRow)>, Error> {
    let event_id = event_id.to_owned();
    db.run(move |conn| Ok(users::members(conn, &event_id)?))
        .await
}

pub async fn audit_log(db: &Db, limit: i64) -> Result<Vec<crate::db::models::AuditRow>, Error> {
    db.run(move |conn| Ok(audit::recent(conn, limit)?)).await
}

/// An account with a password, made directly (the demo, and test fixtures
/// standing in for an accepted invitation).
pub async fn create_with_password(
    db: &Db,
    email: &str,
    name: &str,
    password: &str,
    admin: bool,
) -> Result<Account, Error> {
    let email =
        normalise_email(email).ok_or_else(|| Error::invalid("email", "account.error.email"))?;
    let hash = passwords::hash(password.to_owned()).await?;
    let name = name.to_owned();
    db.transaction(move |conn| {
        let new = users::NewUser {
            email: &email,
            name: &name,
            password_hash: Some(&hash),
            is_admin: admin,
            is_organiser: admin,
            lang: Lang::Id.code(),
        };
        let user = users::insert(conn, &new, Utc::now())?;
        users::account(conn, &user.id)?.ok_or(Error::NotFound)
    })
    .await
}

pub async fn add_member(
    db: &Db,
    event_id: &str,
    user_id: &str,
    role: EventRole,
) -> Result<(), Error> {
    let (event_id, user_id) = (event_id.to_owned(), user_id.to_owned());
    db.transaction(move |conn| {
        users::add_membership(conn, &event_id, &user_id, role, Utc::now())?;
        Ok(())
    })
    .await
}
