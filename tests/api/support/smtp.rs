//! A real SMTP server on 127.0.0.1 for the tests to deliver mail to. The
//! application sends through lettre's SMTP transport exactly as it would to a
//! production relay, so a test sees what actually went over the wire (the
//! envelope, the headers, every MIME part) instead of what a mock was handed.
//!
//! It speaks the ESMTP that a plain-text client needs: EHLO and HELO, AUTH
//! PLAIN and LOGIN (any credentials pass), MAIL, RCPT, DATA, RSET, NOOP and
//! QUIT, several transactions on one connection (lettre's pool reuses them)
//! and many connections at once, each in its own task. PIPELINING is not
//! advertised, yet commands that arrive together are still answered in order.

// Each test uses only some of these helpers.
#![allow(dead_code)]

use std::io;
use std::net::Ipv4Addr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mail_parser::{Message, MessageParser, MimeHeaders};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::{JoinHandle, JoinSet};

/// The name the server gives itself; clients only echo it in logs.
const HOSTNAME: &str = "localhost";

/// The SIZE advertised in EHLO: larger messages are refused with 552, as a
/// real relay would, rather than filling the test's memory.
const MAX_MESSAGE_SIZE: usize = 52_428_800;

/// RFC 5321 asks for 512 octets per command line, but RFC 4954 lets an AUTH
/// line carry up to 12288 octets of base64; anything longer is a runaway
/// client and gets 500.
const MAX_COMMAND_LINE: usize = 12_288;

/// RFC 5321 limits a text line to 1000 octets; clients that ignore it (long
/// base64 lines, say) are tolerated up to this much before the message is
/// refused as too big.
const MAX_DATA_LINE: usize = 1 << 20;

/// A message the server accepted.
#[derive(Clone, Debug)]
pub struct Received {
    /// The envelope sender, without the angle brackets (empty for `<>`).
    pub mail_from: String,
    /// The envelope recipients, without the angle brackets: Bcc recipients
    /// show up only here, never in the headers.
    pub rcpt_to: Vec<String>,
    /// The message as received: dot-unstuffed, CRLF line ends, without the
    /// final ".". lettre ends its messages with CRLF and then sends
    /// CRLF "." CRLF, so this usually ends with an empty line.
    pub raw: Vec<u8>,
}

impl Received {
    /// The parsed message, for what the other accessors do not cover.
    /// Panics when it is not MIME at all, since every check after that would
    /// fail with a less helpful message.
    pub fn parsed(&self) -> Message<'_> {
        MessageParser::default()
            .parse(&self.raw[..])
            .unwrap_or_else(|| {
                panic!(
                    "the message from <{}> to {:?} cannot be parsed as MIME:\n{}",
                    self.mail_from,
                    self.rcpt_to,
                    String::from_utf8_lossy(&self.raw)
                )
            })
    }

    /// The decoded Subject, or "" when there is none, so that tests compare
    /// it with one `assert_eq!`.
    pub fn subject(&self) -> String {
        self.parsed().subject().unwrap_or_default().to_owned()
    }

    /// The first text body, decoded from its transfer encoding and charset
    /// (an HTML-only message yields its HTML turned into text), or "" when
    /// the message has no body. Line ends are "\n", as in the template that
    /// produced it: CRLF is only how SMTP carries text.
    pub fn text(&self) -> String {
        let message = self.parsed();
        message
            .body_text(0)
            .map(|text| text.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    /// The first HTML body, decoded, with "\n" line ends, or "" when there is
    /// none.
    pub fn html(&self) -> String {
        let message = self.parsed();
        message
            .body_html(0)
            .map(|html| html.replace("\r\n", "\n"))
            .unwrap_or_default()
    }

    /// The first header of that name (case-insensitive) as a person reads
    /// it: unfolded, trimmed, and with RFC 2047 encoded words decoded, but
    /// otherwise as sent, so "Message-ID" keeps its angle brackets and
    /// "From" reads like `Panitia <panitia@example.org>`.
    pub fn header(&self, name: &str) -> Option<String> {
        let message = self.parsed();
        let raw = message
            .headers_raw()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)?;
        Some(decode_header_text(raw))
    }

    /// Every attachment as (file name, lowercase "type/subtype" without
    /// parameters, decoded content); the file name is "" when none was
    /// given.
    pub fn attachments(&self) -> Vec<(String, String, Vec<u8>)> {
        let message = self.parsed();
        message
            .attachments()
            .map(|part| {
                let content_type = part
                    .content_type()
                    .map(|ct| match ct.subtype() {
                        Some(subtype) => format!("{}/{}", ct.ctype(), subtype),
                        None => ct.ctype().to_owned(),
                    })
                    .unwrap_or_else(|| "application/octet-stream".to_owned())
                    .to_ascii_lowercase();
                let name = part.attachment_name().unwrap_or_default().to_owned();
                (name, content_type, part.contents().to_vec())
            })
            .collect()
    }

    /// The first URL in the text body that starts with `prefix`, up to
    /// whitespace or a character that cannot end a bare URL in prose
    /// (`>`, `)`, `<`, `"`), minus a trailing sentence punctuation mark:
    /// how a person would copy a confirmation link out of the mail.
    pub fn first_link(&self, prefix: &str) -> Option<String> {
        let text = self.text();
        let start = text.find(prefix)?;
        let rest = &text[start..];
        let end = rest[prefix.len()..]
            .find(|c: char| c.is_whitespace() || matches!(c, '>' | ')' | '<' | '"'))
            .map_or(rest.len(), |end| prefix.len() + end);
        let link = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        (link.len() >= prefix.len()).then(|| link.to_owned())
    }
}

/// Decodes a raw header value by handing it to mail-parser as an
/// unstructured Subject, which unfolds it and decodes RFC 2047 words without
/// reinterpreting addresses or message ids.
fn decode_header_text(raw: &str) -> String {
    let wrapped = format!("Subject:{raw}\r\n\r\n");
    let decoded = MessageParser::default()
        .parse(wrapped.as_bytes())
        .and_then(|message| message.subject().map(str::to_owned));
    decoded.unwrap_or_else(|| raw.trim().to_owned())
}

/// What the connections share with the test.
#[derive(Default)]
struct Shared {
    received: Mutex<Vec<Received>>,
    /// Wakes `wait_for` whenever a message is stored.
    arrived: Notify,
    /// How many of the next DATA transactions to answer with 451.
    fail_next: AtomicUsize,
    /// Milliseconds between storing a message and saying so.
    accept_delay_ms: AtomicUsize,
}

impl Shared {
    fn messages(&self) -> std::sync::MutexGuard<'_, Vec<Received>> {
        // A test that panicked while holding the lock must not hide the
        // messages from the next assertion.
        self.received.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The running server; dropping it stops it as `stop` does, only without
/// waiting for the port to be free.
pub struct SmtpServer {
    port: u16,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    accept: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Listens on 127.0.0.1 on a free port, so that tests can run in
    /// parallel.
    pub async fn start() -> SmtpServer {
        Self::start_on(0).await
    }

    /// Listens on 127.0.0.1:port, for tests where the relay comes back up on
    /// the address the application already knows. Panics if it cannot bind.
    pub async fn start_on(port: u16) -> SmtpServer {
        let listener = listen(port)
            .unwrap_or_else(|e| panic!("the test SMTP server cannot listen on port {port}: {e}"));
        let port = listener
            .local_addr()
            .expect("a bound listener has an address")
            .port();
        let shared = Arc::new(Shared::default());
        let (shutdown, stop) = oneshot::channel();
        let accept = tokio::spawn(accept_loop(listener, Arc::clone(&shared), stop));
        SmtpServer {
            port,
            shared,
            shutdown: Some(shutdown),
            accept: Some(accept),
        }
    }

    /// A port nothing listens on (bound, noted and closed again), for tests
    /// where the relay is down. Another process could take it meanwhile, but
    /// ports are not handed out again that quickly.
    pub fn free_port() -> u16 {
        let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("binding 127.0.0.1:0 for a free port");
        listener
            .local_addr()
            .expect("a bound listener has an address")
            .port()
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// The URL to configure the application with: no TLS, since nothing
    /// here has a certificate.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// A copy of the messages so far, in the order their DATA completed.
    pub fn received(&self) -> Vec<Received> {
        self.shared.messages().clone()
    }

    /// Waits until at least `n` messages arrived, since the application
    /// sends in the background; panics after `timeout` with what did arrive.
    pub async fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Received> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            // Registered before looking, so a message stored in between
            // still wakes us.
            let arrived = self.shared.arrived.notified();
            tokio::pin!(arrived);
            arrived.as_mut().enable();
            {
                let messages = self.shared.messages();
                if messages.len() >= n {
                    return messages.clone();
                }
            }
            if tokio::time::timeout_at(deadline, arrived).await.is_err() {
                let messages = self.received();
                if messages.len() >= n {
                    return messages;
                }
                let subjects: Vec<String> = messages.iter().map(Received::subject).collect();
                panic!(
                    "expected at least {n} mails within {timeout:?}, the SMTP server got {}: {subjects:?}",
                    messages.len()
                );
            }
        }
    }

    /// Answers the next `count` DATA transactions with a temporary failure
    /// (451 4.3.0) instead of accepting them, as a relay does when it is
    /// overloaded, to test that the application retries.
    pub fn fail_next(&self, count: usize) {
        self.shared.fail_next.store(count, Ordering::SeqCst);
    }

    /// Stores each message at once but answers 250 only after `delay`: a
    /// client that dies meanwhile has a message delivered without knowing.
    pub fn delay_acceptance(&self, delay: Duration) {
        let ms = usize::try_from(delay.as_millis()).unwrap_or(usize::MAX);
        self.shared.accept_delay_ms.store(ms, Ordering::SeqCst);
    }

    /// Stops accepting connections, closes the open ones and frees the port,
    /// so that sending fails until a server starts again.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        // Aborting drops the listener and the connection tasks with it.
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
    }
}

/// Binds like `TcpListener::bind`, SO_REUSEADDR included so that `start_on`
/// can take a port back while the old connections are in TIME_WAIT, but
/// with a deep accept queue: lettre's pool opens one connection per
/// concurrent send, and with the default 128 a burst of them overflows the
/// queue and waits for SYN retransmits (1 s, 3 s, 7 s...), which reads as a
/// slow or stuck mailer.
fn listen(port: u16) -> io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind((Ipv4Addr::LOCALHOST, port).into())?;
    // The kernel caps it at net.core.somaxconn.
    socket.listen(4096)
}

/// Accepts until told to stop, then closes the listener and every open
/// connection before returning, so that `stop` returns with the port free
/// and the application's pooled connections dead.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>, mut stop: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors, say: give the other connections
                // time to finish instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            // Reaps finished connections so that the set does not grow.
            // A panic in a connection was already printed by the hook.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    connections.shutdown().await;
}

/// The state of one SMTP session.
#[derive(Default)]
struct Session {
    /// HELO or EHLO was given: required before MAIL.
    greeted: bool,
    /// EHLO rather than HELO: required before AUTH.
    extended: bool,
    authenticated: bool,
    mail_from: Option<String>,
    rcpt_to: Vec<String>,
}

impl Session {
    fn reset_transaction(&mut self) {
        self.mail_from = None;
        self.rcpt_to.clear();
    }
}

/// How reading one line ended.
enum Line {
    Complete,
    /// Longer than allowed; the rest of it was skipped.
    TooLong,
    /// The client closed the connection.
    Closed,
}

/// Reads one line into `line` without its line end (CRLF, or a bare LF from
/// a sloppy client), reading at most `limit` octets into memory.
async fn read_line<R>(reader: &mut R, line: &mut Vec<u8>, limit: usize) -> io::Result<Line>
where
    R: AsyncBufRead + Unpin,
{
    line.clear();
    let limit = limit as u64;
    (&mut *reader)
        .take(limit + 2)
        .read_until(b'\n', line)
        .await?;
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        return Ok(if line.len() as u64 > limit {
            Line::TooLong
        } else {
            Line::Complete
        });
    }
    if (line.len() as u64) < limit + 2 {
        // End of stream before the line ended.
        return Ok(Line::Closed);
    }
    loop {
        line.clear();
        if (&mut *reader).take(limit).read_until(b'\n', line).await? == 0 {
            return Ok(Line::Closed);
        }
        if line.last() == Some(&b'\n') {
            line.clear();
            return Ok(Line::TooLong);
        }
    }
}

async fn reply(conn: &mut BufReader<TcpStream>, text: &str) -> io::Result<()> {
    conn.get_mut().write_all(text.as_bytes()).await
}

/// Serves one connection until QUIT, the client hanging up, or shutdown.
async fn serve(stream: TcpStream, shared: Arc<Shared>) {
    // Every reply goes out in one write; Nagle would only delay them.
    let _ = stream.set_nodelay(true);
    let mut conn = BufReader::new(stream);
    // An I/O error means the client went away; there is nobody to tell.
    let _ = session(&mut conn, &shared).await;
}

async fn session(conn: &mut BufReader<TcpStream>, shared: &Shared) -> io::Result<()> {
    reply(conn, &format!("220 {HOSTNAME} ESMTP test server ready\r\n")).await?;
    let mut session = Session::default();
    let mut line = Vec::new();
    loop {
        match read_line(conn, &mut line, MAX_COMMAND_LINE).await? {
            Line::Closed => return Ok(()),
            Line::TooLong => {
                reply(conn, "500 5.5.6 Line too long\r\n").await?;
                continue;
            }
            Line::Complete => {}
        }
        let Ok(command) = std::str::from_utf8(&line) else {
            reply(conn, "500 5.5.2 Syntax error: not UTF-8\r\n").await?;
            continue;
        };
        let (verb, args) = match command.split_once(' ') {
            Some((verb, args)) => (verb, args.trim()),
            None => (command.trim(), ""),
        };
        match verb.to_ascii_uppercase().as_str() {
            "EHLO" | "HELO" if args.is_empty() => {
                reply(conn, "501 5.5.4 Syntax: EHLO hostname\r\n").await?;
            }
            "EHLO" => {
                session.reset_transaction();
                session.greeted = true;
                session.extended = true;
                let ehlo = format!(
                    "250-{HOSTNAME} greets {args}\r\n\
                     250-8BITMIME\r\n\
                     250-SMTPUTF8\r\n\
                     250-SIZE {MAX_MESSAGE_SIZE}\r\n\
                     250-AUTH PLAIN LOGIN\r\n\
                     250 ENHANCEDSTATUSCODES\r\n"
                );
                reply(conn, &ehlo).await?;
            }
            "HELO" => {
                session.reset_transaction();
                session.greeted = true;
                session.extended = false;
                reply(conn, &format!("250 {HOSTNAME}\r\n")).await?;
            }
            "AUTH" => {
                let answer = if !session.extended {
                    "503 5.5.1 EHLO first\r\n"
                } else if session.authenticated {
                    "503 5.5.1 Already authenticated\r\n"
                } else if session.mail_from.is_some() {
                    "503 5.5.1 Not during a mail transaction\r\n"
                } else {
                    match authenticate(conn, args).await? {
                        Auth::Ok => {
                            session.authenticated = true;
                            "235 2.7.0 Authentication successful\r\n"
                        }
                        Auth::Rejected(answer) => answer,
                        Auth::Closed => return Ok(()),
                    }
                };
                reply(conn, answer).await?;
            }
            "MAIL" => {
                let answer = if !session.greeted {
                    "503 5.5.1 Send HELO or EHLO first\r\n".to_owned()
                } else if session.mail_from.is_some() {
                    "503 5.5.1 Nested MAIL command\r\n".to_owned()
                } else {
                    match parse_path(args, "FROM:") {
                        Err(answer) => answer.to_owned(),
                        Ok((from, params)) => match check_mail_params(params) {
                            Err(answer) => answer,
                            Ok(()) => {
                                session.mail_from = Some(from.to_owned());
                                "250 2.1.0 Ok\r\n".to_owned()
                            }
                        },
                    }
                };
                reply(conn, &answer).await?;
            }
            "RCPT" => {
                let answer = if session.mail_from.is_none() {
                    "503 5.5.1 Need MAIL before RCPT\r\n"
                } else {
                    match parse_path(args, "TO:") {
                        Err(answer) => answer,
                        Ok(("", _)) => "501 5.1.3 The null path is no recipient\r\n",
                        Ok((_, params)) if !params.trim().is_empty() => {
                            "555 5.5.4 RCPT parameters not supported\r\n"
                        }
                        Ok((to, _)) => {
                            session.rcpt_to.push(to.to_owned());
                            "250 2.1.5 Ok\r\n"
                        }
                    }
                };
                reply(conn, answer).await?;
            }
            "DATA" => {
                if !args.is_empty() {
                    reply(conn, "501 5.5.4 DATA takes no arguments\r\n").await?;
                } else if session.mail_from.is_none() {
                    reply(conn, "503 5.5.1 Need MAIL before DATA\r\n").await?;
                } else if session.rcpt_to.is_empty() {
                    reply(conn, "503 5.5.1 Need RCPT before DATA\r\n").await?;
                } else {
                    reply(conn, "354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                    let Some(raw) = read_data(conn, &mut line).await? else {
                        return Ok(());
                    };
                    let mail_from = session.mail_from.take().unwrap_or_default();
                    let rcpt_to = std::mem::take(&mut session.rcpt_to);
                    let answer = match raw {
                        None => "552 5.3.4 Message too big\r\n".to_owned(),
                        Some(_) if take_failure(shared) => {
                            "451 4.3.0 Temporary failure, try again later\r\n".to_owned()
                        }
                        Some(raw) => {
                            let number = store(
                                shared,
                                Received {
                                    mail_from,
                                    rcpt_to,
                                    raw,
                                },
                            );
                            let delay = shared.accept_delay_ms.load(Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(delay as u64)).await;
                            format!("250 2.0.0 Ok: queued as {number}\r\n")
                        }
                    };
                    reply(conn, &answer).await?;
                }
            }
            "RSET" if !args.is_empty() => {
                reply(conn, "501 5.5.4 RSET takes no arguments\r\n").await?;
            }
            "RSET" => {
                session.reset_transaction();
                reply(conn, "250 2.0.0 Ok\r\n").await?;
            }
            "NOOP" => reply(conn, "250 2.0.0 Ok\r\n").await?,
            "VRFY" => {
                reply(conn, "252 2.1.5 Cannot verify, but will accept mail\r\n").await?;
            }
            "HELP" => {
                reply(
                    conn,
                    "214 2.0.0 EHLO HELO AUTH MAIL RCPT DATA RSET NOOP VRFY QUIT\r\n",
                )
                .await?;
            }
            "QUIT" => {
                reply(conn, "221 2.0.0 Bye\r\n").await?;
                return conn.get_mut().shutdown().await;
            }
            "" => reply(conn, "500 5.5.2 Syntax error: empty command\r\n").await?,
            _ => reply(conn, "502 5.5.1 Command not implemented\r\n").await?,
        }
    }
}

/// Splits `FROM:<path> params` (or `TO:`) into the address without angle
/// brackets and the parameters; the error is the reply to send.
fn parse_path<'a>(args: &'a str, keyword: &str) -> Result<(&'a str, &'a str), &'static str> {
    let syntax = if keyword == "FROM:" {
        "501 5.5.4 Syntax: MAIL FROM:<address>\r\n"
    } else {
        "501 5.5.4 Syntax: RCPT TO:<address>\r\n"
    };
    let head = args.get(..keyword.len()).ok_or(syntax)?;
    if !head.eq_ignore_ascii_case(keyword) {
        return Err(syntax);
    }
    // RFC 5321 allows no space after the colon, but some clients send one.
    let rest = args[keyword.len()..].trim_start();
    let rest = rest.strip_prefix('<').ok_or(syntax)?;
    let (path, params) = rest.split_once('>').ok_or(syntax)?;
    // A source route (`<@relay:user@host>`) is to be ignored (RFC 5321 C).
    let path = match path.strip_prefix('@') {
        Some(route) => route.split_once(':').ok_or(syntax)?.1,
        None => path,
    };
    if params.starts_with(|c: char| !c.is_whitespace()) {
        return Err(syntax);
    }
    Ok((path, params))
}

/// Accepts the MAIL parameters of the extensions advertised in EHLO.
fn check_mail_params(params: &str) -> Result<(), String> {
    for param in params.split_whitespace() {
        let (key, value) = param.split_once('=').unwrap_or((param, ""));
        match key.to_ascii_uppercase().as_str() {
            "BODY"
                if value.eq_ignore_ascii_case("7BIT") || value.eq_ignore_ascii_case("8BITMIME") => {
            }
            "SMTPUTF8" if value.is_empty() => {}
            "SIZE" => match value.parse::<usize>() {
                Ok(size) if size > MAX_MESSAGE_SIZE => {
                    return Err("552 5.3.4 Message too big\r\n".to_owned());
                }
                Ok(_) => {}
                Err(_) => return Err("501 5.5.4 Invalid SIZE\r\n".to_owned()),
            },
            // RFC 4954's AUTH=<mailbox>, which a relay may ignore.
            "AUTH" if !value.is_empty() => {}
            _ => return Err(format!("555 5.5.4 Unsupported parameter {param}\r\n")),
        }
    }
    Ok(())
}

/// How an AUTH exchange ended.
enum Auth {
    Ok,
    Rejected(&'static str),
    Closed,
}

/// Runs AUTH PLAIN or LOGIN to the end; any credentials pass, but they must
/// be well-formed, as a real server would insist.
async fn authenticate(conn: &mut BufReader<TcpStream>, args: &str) -> io::Result<Auth> {
    // `args` borrows the command line's buffer, so the answers need their own.
    let line = &mut Vec::new();
    let (mechanism, initial) = match args.split_once(' ') {
        Some((mechanism, initial)) => (mechanism, Some(initial.trim())),
        None => (args, None),
    };
    match mechanism.to_ascii_uppercase().as_str() {
        "PLAIN" => {
            let response = match initial {
                Some(initial) => initial.to_owned(),
                None => match challenge(conn, line, "334 \r\n").await? {
                    Challenge::Answer(answer) => answer,
                    Challenge::Rejected(answer) => return Ok(Auth::Rejected(answer)),
                    Challenge::Closed => return Ok(Auth::Closed),
                },
            };
            // authzid NUL authcid NUL password (RFC 4616).
            match decode_sasl(&response) {
                Some(plain) if plain.split(|&b| b == 0).count() == 3 => Ok(Auth::Ok),
                _ => Ok(Auth::Rejected("501 5.5.2 Malformed PLAIN credentials\r\n")),
            }
        }
        "LOGIN" => {
            let username = match initial {
                Some(initial) => initial.to_owned(),
                // "Username:" and "Password:" in base64.
                None => match challenge(conn, line, "334 VXNlcm5hbWU6\r\n").await? {
                    Challenge::Answer(answer) => answer,
                    Challenge::Rejected(answer) => return Ok(Auth::Rejected(answer)),
                    Challenge::Closed => return Ok(Auth::Closed),
                },
            };
            if decode_sasl(&username).is_none() {
                return Ok(Auth::Rejected("501 5.5.2 Malformed username\r\n"));
            }
            let password = match challenge(conn, line, "334 UGFzc3dvcmQ6\r\n").await? {
                Challenge::Answer(answer) => answer,
                Challenge::Rejected(answer) => return Ok(Auth::Rejected(answer)),
                Challenge::Closed => return Ok(Auth::Closed),
            };
            if decode_sasl(&password).is_none() {
                return Ok(Auth::Rejected("501 5.5.2 Malformed password\r\n"));
            }
            Ok(Auth::Ok)
        }
        _ => Ok(Auth::Rejected(
            "504 5.5.4 Unrecognized authentication type\r\n",
        )),
    }
}

enum Challenge {
    Answer(String),
    Rejected(&'static str),
    Closed,
}

/// Sends a 334 challenge and reads the client's line; "*" cancels (RFC 4954).
async fn challenge(
    conn: &mut BufReader<TcpStream>,
    line: &mut Vec<u8>,
    prompt: &str,
) -> io::Result<Challenge> {
    reply(conn, prompt).await?;
    Ok(match read_line(conn, line, MAX_COMMAND_LINE).await? {
        Line::Closed => Challenge::Closed,
        Line::TooLong => {
            Challenge::Rejected("500 5.5.6 Authentication exchange line is too long\r\n")
        }
        Line::Complete if line.as_slice() == b"*" => {
            Challenge::Rejected("501 5.7.0 Authentication cancelled\r\n")
        }
        Line::Complete => Challenge::Answer(String::from_utf8_lossy(line).trim().to_owned()),
    })
}

/// Decodes a SASL response: standard base64, where a lone "=" stands for an
/// empty response.
fn decode_sasl(text: &str) -> Option<Vec<u8>> {
    if text == "=" {
        return Some(Vec::new());
    }
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    if padding > 2 {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    for &b in &bytes[..bytes.len() - padding] {
        let value = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Reads the message after 354 up to the lone ".", undoing dot-stuffing.
/// Outer `None`: the client hung up. Inner `None`: the message was too big
/// (read to the end all the same, so the session stays in step).
async fn read_data(
    conn: &mut BufReader<TcpStream>,
    line: &mut Vec<u8>,
) -> io::Result<Option<Option<Vec<u8>>>> {
    let mut raw = Vec::new();
    let mut too_big = false;
    loop {
        match read_line(conn, line, MAX_DATA_LINE).await? {
            Line::Closed => return Ok(None),
            Line::TooLong => too_big = true,
            Line::Complete if line.as_slice() == b"." => break,
            Line::Complete => {
                let text = line.strip_prefix(b".").unwrap_or(&line[..]);
                if raw.len() + text.len() + 2 > MAX_MESSAGE_SIZE {
                    too_big = true;
                }
                if !too_big {
                    raw.extend_from_slice(text);
                    raw.extend_from_slice(b"\r\n");
                }
            }
        }
    }
    Ok(Some((!too_big).then_some(raw)))
}

/// Uses up one of the failures asked for with `fail_next`, if any are left.
fn take_failure(shared: &Shared) -> bool {
    shared
        .fail_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
}

/// Stores the message and wakes the waiters; returns its number, for the
/// 250 reply that a client may log.
fn store(shared: &Shared, message: Received) -> usize {
    let number = {
        let mut messages = shared.messages();
        messages.push(message);
        messages.len()
    };
    shared.arrived.notify_waiters();
    number
}
