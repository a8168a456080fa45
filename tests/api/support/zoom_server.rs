//! A Zoom stand-in: a real HTTP server on 127.0.0.1 that answers the token
//! endpoint and the meeting, registrant and participant-report endpoints
//! bimtek uses the way `shared/zoom/SPEC.md` says Zoom does, so that a test
//! exercises bimtek's real client over real HTTP.
//!
//! It records every request (for asserting on what bimtek sent), keeps
//! meetings and registrants in memory (adding an address twice gives the
//! same registrant and link, as Zoom does), counts add-registrant calls per
//! address, serves the past runs of a meeting and their reports as a test
//! scripts them (in pages as small as the test likes), and can be told to
//! fail the next calls to a route.
//!
//! ```ignore
//! let zoom = ZoomServer::start().await;
//! let client = zoom.client(); // bimtek's client, configured for it
//! zoom.fail_next(Route::CreateMeeting, 1, Failure::rate_limited_until(instant));
//! settings.zoom = Some(zoom.config()); // or a whole application
//! ```

use std::collections::{BTreeMap, HashMap};
use std::net::{Ipv4Addr, TcpListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use actix_web::dev::ServerHandle;
use actix_web::http::StatusCode;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use base64::Engine;
use bimtek::integrations::zoom::{Zoom, ZoomConfig};
use bimtek::secret::Secret;
use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

/// The Zoom user meetings are created for; "me" is accepted too.
pub const HOST_USER: &str = "pelatihan@bimtek.example";

/// The first meeting id: above 2^32, as real ids are.
const FIRST_MEETING_ID: i64 = 85_012_345_678;

/// The test vectors of `shared/zoom/s2s-oauth.json`, copied into the
/// repository so that a fresh clone has them.
pub fn oauth_vectors() -> Value {
    serde_json::from_str(include_str!("fixtures/zoom-s2s-oauth.json"))
        .expect("the OAuth vectors are JSON")
}

/// The endpoints, for scripting failures and picking recorded requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Route {
    Token,
    CreateMeeting,
    ListMeetings,
    GetMeeting,
    UpdateMeeting,
    DeleteMeeting,
    AddRegistrant,
    BatchRegistrants,
    RegistrantStatus,
    ListRegistrants,
    /// `GET /past_meetings/{id}/instances`
    ListInstances,
    /// `GET /report/meetings/{id or uuid}/participants`
    ReportParticipants,
}

/// An answer a test asks for instead of the normal one.
#[derive(Clone, Debug)]
pub enum Failure {
    /// 429 with Zoom's rate-limit headers, each only when given.
    RateLimited {
        retry_after: Option<String>,
        limit_type: Option<&'static str>,
    },
    /// Any status with Zoom's error body `{"code","message"}`.
    Error {
        status: u16,
        code: i64,
        message: String,
    },
}

impl Failure {
    /// A per-second limit with `Retry-After` as Zoom sends it: an instant.
    pub fn rate_limited_until(at: DateTime<Utc>) -> Failure {
        Failure::RateLimited {
            retry_after: Some(at.to_rfc3339_opts(SecondsFormat::Secs, true)),
            limit_type: Some("QPS"),
        }
    }

    /// A limit without `Retry-After`, as Zoom sometimes answers;
    /// `limit_type` is `X-RateLimit-Type` (`QPS`, `Daily-limit`) if any.
    pub fn rate_limited(limit_type: Option<&'static str>) -> Failure {
        Failure::RateLimited {
            retry_after: None,
            limit_type,
        }
    }

    pub fn error(status: u16, code: i64, message: &str) -> Failure {
        Failure::Error {
            status,
            code,
            message: message.to_owned(),
        }
    }

    /// What the report endpoints answer while Zoom is still making the
    /// report, right after a meeting ends: the "not found" of a meeting.
    pub fn report_not_ready() -> Failure {
        Failure::error(404, 3001, "Meeting is not found or has expired.")
    }
}

/// One request as it arrived.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// `None` for a path the stand-in does not know.
    pub route: Option<Route>,
    pub method: String,
    pub path: String,
    /// Raw, without the `?`.
    pub query: String,
    /// Names in lower case, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: Instant,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} {} sent no JSON ({e}): {}",
                self.method,
                self.path,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(self.query.as_bytes())
            .into_owned()
            .collect()
    }
}

struct StoredRegistrant {
    id: String,
    email: String,
    first_name: String,
    last_name: Option<String>,
    join_url: String,
    /// `approved` or `cancelled` (or `denied`).
    status: String,
    create_time: String,
}

struct StoredMeeting {
    fields: Map<String, Value>,
    registrants: Vec<StoredRegistrant>,
}

/// An ended run of a meeting, as a test scripted it.
struct PastInstance {
    uuid: String,
    start_time: String,
    /// The report's rows, each as Zoom sends it (`registrant_id` included;
    /// it is left out unless asked for).
    rows: Vec<Value>,
}

struct State {
    account_id: String,
    client_id: String,
    client_secret: String,
    token_lifetime: u64,
    /// Issued tokens and when each expires.
    tokens: HashMap<String, Instant>,
    issued: u64,
    batch_status: u16,
    requests: Vec<Recorded>,
    failures: Vec<(Route, usize, Failure)>,
    meetings: BTreeMap<i64, StoredMeeting>,
    next_meeting_id: i64,
    /// Add-registrant calls (single and batch) per meeting and lower-case
    /// address, whatever their outcome.
    add_calls: HashMap<(i64, String), usize>,
    /// How long answers to a route wait after the work is done.
    delays: HashMap<Route, Duration>,
    /// Approved registrants a meeting takes (`None`: Zoom's 4,999, never
    /// reached here).
    capacity: Option<usize>,
    /// Ended runs per meeting id, oldest first.
    instances: BTreeMap<i64, Vec<PastInstance>>,
    /// The most rows a report page holds, whatever is asked (Zoom: 300).
    report_page_size: usize,
}

/// The running stand-in; dropping it stops it.
pub struct ZoomServer {
    port: u16,
    state: Arc<Mutex<State>>,
    handle: ServerHandle,
}

impl ZoomServer {
    /// Listens on a free port of 127.0.0.1 and accepts the credentials of
    /// the OAuth vectors, issuing tokens that live 3599 s.
    pub async fn start() -> ZoomServer {
        let vectors = oauth_vectors();
        let credential = |name: &str| {
            vectors["credentials"][name]
                .as_str()
                .expect("credentials in the vectors")
                .to_owned()
        };
        let state = Arc::new(Mutex::new(State {
            account_id: credential("account_id"),
            client_id: credential("client_id"),
            client_secret: credential("client_secret"),
            token_lifetime: 3599,
            tokens: HashMap::new(),
            issued: 0,
            batch_status: 201,
            requests: Vec::new(),
            failures: Vec::new(),
            meetings: BTreeMap::new(),
            next_meeting_id: FIRST_MEETING_ID,
            add_calls: HashMap::new(),
            delays: HashMap::new(),
            capacity: None,
            instances: BTreeMap::new(),
            report_page_size: 300,
        }));
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .expect("the Zoom stand-in binds 127.0.0.1:0");
        let port = listener.local_addr().expect("a bound address").port();
        let shared = web::Data::new(state.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(shared.clone())
                .app_data(web::PayloadConfig::new(4 * 1024 * 1024))
                .default_service(web::to(answer))
        })
        .workers(1)
        .disable_signals()
        .listen(listener)
        .expect("the Zoom stand-in listens")
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        ZoomServer {
            port,
            state,
            handle,
        }
    }

    pub fn oauth_base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn api_base(&self) -> String {
        format!("http://127.0.0.1:{}/v2", self.port)
    }

    /// bimtek's settings for this stand-in, with the vectors' credentials.
    pub fn config(&self) -> ZoomConfig {
        let state = self.state();
        ZoomConfig {
            account_id: state.account_id.clone(),
            client_id: state.client_id.clone(),
            client_secret: Secret::new(state.client_secret.clone()),
            host_user: HOST_USER.to_owned(),
            api_base: self.api_base().parse().expect("a URL"),
            oauth_base: self.oauth_base().parse().expect("a URL"),
        }
    }

    /// bimtek's client, pointed here.
    pub fn client(&self) -> Zoom {
        Zoom::new(self.config()).expect("the Zoom client is built")
    }

    /// The `expires_in` of tokens issued from now on.
    pub fn set_token_lifetime(&self, seconds: u64) {
        self.state().token_lifetime = seconds;
    }

    /// Every token issued so far answers 401/124 from now on.
    pub fn expire_tokens(&self) {
        self.state().tokens.clear();
    }

    /// The status of a successful batch registration: 201 (what Indico
    /// checks for) unless set to 200 (what the 2023 spec says).
    pub fn set_batch_status(&self, status: u16) {
        self.state().batch_status = status;
    }

    /// Answers the next `times` calls to `route` with `failure` (after
    /// recording them); failures for one route are used up in the order
    /// they were asked for.
    pub fn fail_next(&self, route: Route, times: usize, failure: Failure) {
        self.state().failures.push((route, times, failure));
    }

    /// Ends an injected outage: the failures asked for and not yet used
    /// are forgotten, and every call is answered normally again.
    pub fn heal(&self) {
        self.state().failures.clear();
    }

    /// Answers to `route` wait `delay` after the work is done (`None`: at
    /// once again).
    pub fn delay(&self, route: Route, delay: Option<Duration>) {
        let mut state = self.state();
        match delay {
            Some(delay) => state.delays.insert(route, delay),
            None => state.delays.remove(&route),
        };
    }

    /// Every meeting takes at most `capacity` approved registrants from
    /// now on (`None`: no limit); an add beyond it answers 400/3043, and a
    /// batch registers those that fit before it answers so.
    pub fn set_capacity(&self, capacity: Option<usize>) {
        self.state().capacity = capacity;
    }

    /// Meeting `meeting_id` ran (again) as `uuid` from `start`, and its
    /// report holds `rows` (Zoom's report rows, `registrant_id` included).
    pub fn add_instance(
        &self,
        meeting_id: i64,
        uuid: &str,
        start: DateTime<Utc>,
        rows: Vec<Value>,
    ) {
        self.state()
            .instances
            .entry(meeting_id)
            .or_default()
            .push(PastInstance {
                uuid: uuid.to_owned(),
                start_time: start.to_rfc3339_opts(SecondsFormat::Secs, true),
                rows,
            });
    }

    /// Report pages hold at most `rows` from now on, so that a small
    /// report takes several pages.
    pub fn set_report_page_size(&self, rows: usize) {
        self.state().report_page_size = rows.max(1);
    }

    /// Deletes a meeting as someone on Zoom's side would: calls about it
    /// answer 404/3001 from now on.
    pub fn delete_meeting(&self, id: i64) {
        self.state().meetings.remove(&id);
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    pub fn requests_to(&self, route: Route) -> Vec<Recorded> {
        self.state()
            .requests
            .iter()
            .filter(|r| r.route == Some(route))
            .cloned()
            .collect()
    }

    /// The only request to `route`; panics unless there was exactly one.
    pub fn one_request_to(&self, route: Route) -> Recorded {
        let mut requests = self.requests_to(route);
        assert_eq!(requests.len(), 1, "requests to {route:?}: {requests:#?}");
        requests.remove(0)
    }

    pub fn token_requests(&self) -> usize {
        self.requests_to(Route::Token).len()
    }

    /// A meeting as stored (what bimtek sent, merged with its updates, plus
    /// what Zoom adds), or `None` once deleted.
    pub fn meeting(&self, id: i64) -> Option<Value> {
        self.state()
            .meetings
            .get(&id)
            .map(|m| Value::Object(m.fields.clone()))
    }

    /// Approved registrants per meeting.
    pub fn registrant_counts(&self) -> BTreeMap<i64, usize> {
        self.state()
            .meetings
            .iter()
            .map(|(id, m)| (*id, approved(m).count()))
            .collect()
    }

    pub fn registrant_count(&self, meeting_id: i64) -> usize {
        self.registrant_counts()
            .get(&meeting_id)
            .copied()
            .unwrap_or(0)
    }

    /// Add-registrant calls (single or in a batch) per lower-case address
    /// for one meeting: above 1 means bimtek asked again.
    pub fn add_calls(&self, meeting_id: i64) -> BTreeMap<String, usize> {
        self.state()
            .add_calls
            .iter()
            .filter(|((meeting, _), _)| *meeting == meeting_id)
            .map(|((_, email), calls)| (email.clone(), *calls))
            .collect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }
}

impl Drop for ZoomServer {
    fn drop(&mut self) {
        // The command goes out at once; nobody needs to wait for it.
        drop(self.handle.stop(false));
    }
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    // A test that panicked while holding the lock must not hide the state
    // from the next assertion.
    state.lock().unwrap_or_else(PoisonError::into_inner)
}

fn approved(meeting: &StoredMeeting) -> impl Iterator<Item = &StoredRegistrant> {
    meeting
        .registrants
        .iter()
        .filter(|r| r.status == "approved")
}

/// The route and its path parameter (user or meeting id, or a meeting
/// UUID), from the path as sent: each segment is decoded once, as Zoom
/// does, so that an encoded `/` stays inside its segment.
fn route(method: &str, raw_path: &str) -> Option<(Route, String)> {
    let decoded: Vec<String> = raw_path
        .trim_matches('/')
        .split('/')
        .map(percent_decode)
        .collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    let route = match (method, segments.as_slice()) {
        ("POST", ["oauth", "token"]) => (Route::Token, String::new()),
        ("POST", ["v2", "users", user, "meetings"]) => (Route::CreateMeeting, user.to_string()),
        ("GET", ["v2", "users", user, "meetings"]) => (Route::ListMeetings, user.to_string()),
        ("GET", ["v2", "meetings", id]) => (Route::GetMeeting, id.to_string()),
        ("PATCH", ["v2", "meetings", id]) => (Route::UpdateMeeting, id.to_string()),
        ("DELETE", ["v2", "meetings", id]) => (Route::DeleteMeeting, id.to_string()),
        ("POST", ["v2", "meetings", id, "registrants"]) => (Route::AddRegistrant, id.to_string()),
        ("GET", ["v2", "meetings", id, "registrants"]) => (Route::ListRegistrants, id.to_string()),
        ("POST", ["v2", "meetings", id, "batch_registrants"]) => {
            (Route::BatchRegistrants, id.to_string())
        }
        ("PUT", ["v2", "meetings", id, "registrants", "status"]) => {
            (Route::RegistrantStatus, id.to_string())
        }
        ("GET", ["v2", "past_meetings", id, "instances"]) => (Route::ListInstances, id.to_string()),
        ("GET", ["v2", "report", "meetings", id, "participants"]) => {
            (Route::ReportParticipants, id.to_string())
        }
        _ => return None,
    };
    Some(route)
}

/// Answers after the route's delay, if one was set: the work is done at
/// once, only the answer is late (as when Zoom is slow, or the network
/// loses the answer when the caller dies meanwhile).
async fn answer(
    request: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<Mutex<State>>>,
) -> HttpResponse {
    let (response, delay) = {
        let response = answer_now(&request, &body, &state);
        let delay = route(request.method().as_str(), request.path())
            .and_then(|(route, _)| lock(&state).delays.get(&route).copied());
        (response, delay)
    };
    if let Some(delay) = delay {
        actix_web::rt::time::sleep(delay).await;
    }
    response
}

fn answer_now(request: &HttpRequest, body: &web::Bytes, state: &Mutex<State>) -> HttpResponse {
    let method = request.method().as_str().to_owned();
    let path = percent_decode(request.path());
    let found = route(&method, request.path());
    let recorded = Recorded {
        route: found.as_ref().map(|(route, _)| *route),
        method,
        path,
        query: request.query_string().to_owned(),
        headers: request
            .headers()
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_owned(),
                    String::from_utf8_lossy(value.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
        at: Instant::now(),
    };
    let mut state = lock(state);
    state.requests.push(recorded.clone());
    let Some((route, param)) = found else {
        return zoom_error(404, 404, "Not found.");
    };
    if let Some(failure) = take_failure(&mut state, route) {
        return fail(failure);
    }
    if route == Route::Token {
        return issue_token(&mut state, &recorded);
    }
    let bearer = recorded
        .header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "));
    let valid = bearer
        .and_then(|token| state.tokens.get(token))
        .is_some_and(|expires| Instant::now() < *expires);
    if !valid {
        return zoom_error(401, 124, "Invalid access token.");
    }
    let query: HashMap<String, String> = recorded.query_pairs().into_iter().collect();
    let body = serde_json::from_slice::<Value>(&recorded.body).ok();
    if route == Route::CreateMeeting {
        return create_meeting(&mut state, &param, body);
    }
    if route == Route::ListMeetings {
        return list_meetings(&state, &param);
    }
    if route == Route::ListInstances {
        return list_instances(&state, &param);
    }
    if route == Route::ReportParticipants {
        return report(&state, &param, &query);
    }
    let Ok(id) = param.parse::<i64>() else {
        return meeting_not_found(&param);
    };
    let batch_status = state.batch_status;
    let capacity = state.capacity;
    let state = &mut *state;
    let Some(meeting) = state.meetings.get_mut(&id) else {
        return meeting_not_found(&param);
    };
    match route {
        Route::GetMeeting => json_response(200, Value::Object(meeting.fields.clone())),
        Route::UpdateMeeting => update_meeting(meeting, body),
        Route::DeleteMeeting => {
            state.meetings.remove(&id);
            HttpResponse::NoContent().finish()
        }
        Route::AddRegistrant => {
            let Some(body) = body.filter(Value::is_object) else {
                return not_json();
            };
            if let Some(refused) = registration_refused(meeting, id) {
                return refused;
            }
            if let Some(invalid) = invalid_registrant(&body, "") {
                return invalid;
            }
            count_add_call(&mut state.add_calls, id, &body);
            if !fits(meeting, capacity, &body) {
                return capacity_reached();
            }
            let registrant = register(meeting, id, &body);
            json_response(
                201,
                json!({
                    "id": id,
                    "registrant_id": registrant.id,
                    "join_url": registrant.join_url,
                    "topic": meeting.fields["topic"],
                    "start_time": meeting.fields["start_time"],
                    "occurrences": [],
                }),
            )
        }
        Route::BatchRegistrants => {
            if let Some(refused) = registration_refused(meeting, id) {
                return refused;
            }
            let registrants = body
                .as_ref()
                .and_then(|b| b["registrants"].as_array())
                .cloned()
                .unwrap_or_default();
            if registrants.is_empty() || registrants.len() > 30 {
                return validation_failed(&[(
                    "registrants",
                    "Between 1 and 30 registrants are required.",
                )]);
            }
            for (i, registrant) in registrants.iter().enumerate() {
                if let Some(invalid) = invalid_registrant(registrant, &format!("registrants[{i}]."))
                {
                    return invalid;
                }
            }
            let mut added = Vec::new();
            for registrant in &registrants {
                count_add_call(&mut state.add_calls, id, registrant);
                if !fits(meeting, capacity, registrant) {
                    return capacity_reached();
                }
                let stored = register(meeting, id, registrant);
                added.push(json!({
                    "email": stored.email,
                    "registrant_id": stored.id,
                    "join_url": stored.join_url,
                }));
            }
            json_response(batch_status, json!({ "registrants": added }))
        }
        Route::RegistrantStatus => change_status(meeting, body),
        Route::ListRegistrants => list_registrants(meeting, &query),
        Route::Token
        | Route::CreateMeeting
        | Route::ListMeetings
        | Route::ListInstances
        | Route::ReportParticipants => {
            unreachable!("handled above")
        }
    }
}

fn take_failure(state: &mut State, route: Route) -> Option<Failure> {
    let at = state
        .failures
        .iter()
        .position(|(r, times, _)| *r == route && *times > 0)?;
    let (_, times, failure) = &mut state.failures[at];
    *times -= 1;
    let failure = failure.clone();
    if *times == 0 {
        state.failures.remove(at);
    }
    Some(failure)
}

fn fail(failure: Failure) -> HttpResponse {
    match failure {
        Failure::RateLimited {
            retry_after,
            limit_type,
        } => {
            let mut response = HttpResponse::TooManyRequests();
            response.insert_header(("X-RateLimit-Category", "Light"));
            if let Some(at) = retry_after {
                response.insert_header(("Retry-After", at));
            }
            if let Some(kind) = limit_type {
                response.insert_header(("X-RateLimit-Type", kind));
            }
            response.content_type("application/json;charset=UTF-8").body(
                json!({
                    "code": 429,
                    "message": "You have reached the maximum per-second rate limit for this API. Try again later.",
                })
                .to_string(),
            )
        }
        Failure::Error {
            status,
            code,
            message,
        } => zoom_error(status, code, &message),
    }
}

/// Both forms of the vectors: parameters in the query string or in a form
/// body, with the client's credentials as HTTP Basic.
fn issue_token(state: &mut State, request: &Recorded) -> HttpResponse {
    let expected = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", state.client_id, state.client_secret))
    );
    if request.header("authorization") != Some(expected.as_str()) {
        return token_error("Invalid client_id or client_secret", "invalid_client");
    }
    let mut params: HashMap<String, String> = request.query_pairs().into_iter().collect();
    let is_form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if is_form {
        for (name, value) in url::form_urlencoded::parse(&request.body).into_owned() {
            params.entry(name).or_insert(value);
        }
    }
    if params.get("grant_type").map(String::as_str) != Some("account_credentials") {
        return token_error("unsupported grant type", "unsupported_grant_type");
    }
    if params.get("account_id") != Some(&state.account_id) {
        return token_error("Account does not exist", "invalid_request");
    }
    state.issued += 1;
    let token = format!(
        "stand-in.{}.{}",
        state.issued,
        uuid::Uuid::new_v4().simple()
    );
    let lifetime = state.token_lifetime;
    state.tokens.insert(
        token.clone(),
        Instant::now() + Duration::from_secs(lifetime),
    );
    let mut body = oauth_vectors()["responses"]["success"]["body"].clone();
    body["access_token"] = token.into();
    body["expires_in"] = lifetime.into();
    json_response(200, body)
}

fn token_error(reason: &str, error: &str) -> HttpResponse {
    json_response(400, json!({ "reason": reason, "error": error }))
}

fn create_meeting(state: &mut State, user: &str, body: Option<Value>) -> HttpResponse {
    if !(user.eq_ignore_ascii_case(HOST_USER) || user == "me") {
        return zoom_error(404, 1001, &format!("User does not exist: {user}."));
    }
    let Some(Value::Object(mut fields)) = body else {
        return not_json();
    };
    if let Some(invalid) = invalid_schedule(&fields) {
        return invalid;
    }
    if fields.get("start_time").is_none() || fields.get("duration").is_none() {
        return validation_failed(&[(
            "start_time",
            "A scheduled meeting needs a start time and a duration.",
        )]);
    }
    let id = state.next_meeting_id;
    state.next_meeting_id += 1;
    let mut settings = fields
        .remove("settings")
        .and_then(|s| s.as_object().cloned())
        .unwrap_or_default();
    // Zoom's default: no registration.
    settings.entry("approval_type").or_insert(json!(2));
    let password = "k9Xq2p";
    fields.entry("topic").or_insert(json!("Zoom Meeting"));
    fields.entry("type").or_insert(json!(2));
    fields.entry("agenda").or_insert(json!(""));
    fields.insert("settings".into(), Value::Object(settings));
    fields.insert("id".into(), json!(id));
    fields.insert(
        "uuid".into(),
        json!(format!(
            "{}==",
            &uuid::Uuid::new_v4().simple().to_string()[..22]
        )),
    );
    fields.insert("host_id".into(), json!("stand-in-host"));
    fields.insert("host_email".into(), json!(HOST_USER));
    fields.insert("status".into(), json!("waiting"));
    fields.insert("password".into(), json!(password));
    fields.insert(
        "created_at".into(),
        json!(Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)),
    );
    fields.insert(
        "join_url".into(),
        json!(format!("https://zoom.us/j/{id}?pwd=stand-in")),
    );
    fields.insert(
        "start_url".into(),
        json!(format!("https://zoom.us/s/{id}?zak=stand-in")),
    );
    fields.insert(
        "registration_url".into(),
        json!(format!("https://zoom.us/meeting/register/stand-in-{id}")),
    );
    let answer = Value::Object(fields.clone());
    state.meetings.insert(
        id,
        StoredMeeting {
            fields,
            registrants: Vec::new(),
        },
    );
    json_response(201, answer)
}

/// The host's meetings, on one page (the stand-in keeps few): what a list
/// item carries, without the host's start link.
fn list_meetings(state: &State, user: &str) -> HttpResponse {
    if !(user.eq_ignore_ascii_case(HOST_USER) || user == "me") {
        return zoom_error(404, 1001, &format!("User does not exist: {user}."));
    }
    let meetings: Vec<Value> = state
        .meetings
        .values()
        .map(|m| {
            let mut item = m.fields.clone();
            item.remove("start_url");
            item.remove("settings");
            Value::Object(item)
        })
        .collect();
    json_response(
        200,
        json!({
            "page_size": 300,
            "total_records": meetings.len(),
            "next_page_token": "",
            "meetings": meetings,
        }),
    )
}

fn update_meeting(meeting: &mut StoredMeeting, body: Option<Value>) -> HttpResponse {
    let Some(Value::Object(changes)) = body else {
        return not_json();
    };
    if let Some(invalid) = invalid_schedule(&changes) {
        return invalid;
    }
    for (name, value) in changes {
        match (name.as_str(), value) {
            ("settings", Value::Object(settings)) => {
                let stored = meeting
                    .fields
                    .entry("settings")
                    .or_insert_with(|| json!({}));
                for (name, value) in settings {
                    stored[name] = value;
                }
            }
            (_, value) => {
                meeting.fields.insert(name, value);
            }
        }
    }
    HttpResponse::NoContent().finish()
}

/// `start_time` in UTC with a `Z` (what bimtek promises to send) and a
/// whole number of minutes.
fn invalid_schedule(fields: &Map<String, Value>) -> Option<HttpResponse> {
    let mut errors = Vec::new();
    if let Some(start) = fields.get("start_time") {
        let utc = start
            .as_str()
            .filter(|s| s.ends_with('Z'))
            .and_then(|s| DateTime::parse_from_rfc3339(s).ok());
        if utc.is_none() {
            errors.push(("start_time", "Invalid field."));
        }
    }
    if fields.get("duration").is_some_and(|d| !d.is_u64()) {
        errors.push(("duration", "Invalid field."));
    }
    (!errors.is_empty()).then(|| validation_failed(&errors))
}

/// Registration must be on (approval type 0 or 1). Zoom's answer is a 404
/// whose code the sources do not give; 404 in the body stands in for it.
fn registration_refused(meeting: &StoredMeeting, id: i64) -> Option<HttpResponse> {
    let approval = meeting.fields["settings"]["approval_type"].as_i64();
    (!matches!(approval, Some(0 | 1))).then(|| {
        zoom_error(
            404,
            404,
            &format!("Registration has not been enabled for this meeting: {id}."),
        )
    })
}

fn invalid_registrant(registrant: &Value, prefix: &str) -> Option<HttpResponse> {
    let mut errors = Vec::new();
    let email = registrant["email"].as_str().unwrap_or_default();
    if !email.contains('@') {
        errors.push(format!("{prefix}email"));
    }
    if registrant["first_name"]
        .as_str()
        .unwrap_or_default()
        .is_empty()
    {
        errors.push(format!("{prefix}first_name"));
    }
    let errors: Vec<(&str, &str)> = errors
        .iter()
        .map(|f| (f.as_str(), "Invalid field."))
        .collect();
    (!errors.is_empty()).then(|| validation_failed(&errors))
}

/// Whether the meeting takes `registrant`: one it has already always fits.
fn fits(meeting: &StoredMeeting, capacity: Option<usize>, registrant: &Value) -> bool {
    let email = registrant["email"].as_str().unwrap_or_default();
    let known = approved(meeting).any(|r| r.email.eq_ignore_ascii_case(email));
    known || capacity.is_none_or(|most| approved(meeting).count() < most)
}

fn capacity_reached() -> HttpResponse {
    zoom_error(400, 3043, "Meeting has reached maximum attendee capacity.")
}

fn count_add_call(calls: &mut HashMap<(i64, String), usize>, meeting: i64, registrant: &Value) {
    let email = registrant["email"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    *calls.entry((meeting, email)).or_default() += 1;
}

/// Adds a registrant, or gives back the one with that address (approved
/// again if it had been cancelled), as Zoom does.
fn register<'a>(
    meeting: &'a mut StoredMeeting,
    id: i64,
    registrant: &Value,
) -> &'a StoredRegistrant {
    let email = registrant["email"].as_str().unwrap_or_default();
    let at = match meeting
        .registrants
        .iter()
        .position(|r| r.email.eq_ignore_ascii_case(email))
    {
        Some(at) => at,
        None => {
            let registrant_id = uuid::Uuid::new_v4().simple().to_string()[..22].to_owned();
            let token = uuid::Uuid::new_v4().simple().to_string();
            meeting.registrants.push(StoredRegistrant {
                join_url: format!("https://zoom.us/w/{id}?tk={token}"),
                id: registrant_id,
                email: email.to_owned(),
                first_name: registrant["first_name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                last_name: registrant["last_name"].as_str().map(str::to_owned),
                status: "approved".into(),
                create_time: Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true),
            });
            meeting.registrants.len() - 1
        }
    };
    let stored = &mut meeting.registrants[at];
    stored.status = "approved".into();
    stored
}

fn change_status(meeting: &mut StoredMeeting, body: Option<Value>) -> HttpResponse {
    let body = body.unwrap_or_default();
    let status = match body["action"].as_str() {
        Some("approve") => "approved",
        Some("deny") => "denied",
        Some("cancel") => "cancelled",
        _ => return validation_failed(&[("action", "Invalid field.")]),
    };
    let Some(registrants) = body["registrants"].as_array() else {
        return validation_failed(&[("registrants", "Invalid field.")]);
    };
    for wanted in registrants {
        let id = wanted["id"].as_str().unwrap_or_default();
        let email = wanted["email"].as_str().unwrap_or_default();
        // Whether Zoom refuses an unknown registrant is not known: skipped.
        if let Some(stored) = meeting
            .registrants
            .iter_mut()
            .find(|r| r.id == id || (!email.is_empty() && r.email.eq_ignore_ascii_case(email)))
        {
            stored.status = status.into();
        }
    }
    HttpResponse::NoContent().finish()
}

/// One page of `items` as Zoom pages lists: `page_size` as asked
/// (default 30, at most 300, and at most `most`) and an opaque
/// `next_page_token`, empty on the last page. The answer's `page_size`,
/// `total_records`, `next_page_token` and the page under `name`.
fn paged<T>(
    items: &[T],
    query: &HashMap<String, String>,
    most: usize,
    name: &str,
    item: impl Fn(&T) -> Value,
) -> HttpResponse {
    let page_size = query
        .get("page_size")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 300)
        .min(most);
    let start = match query.get("next_page_token").filter(|t| !t.is_empty()) {
        None => 0,
        Some(token) => match token.strip_prefix("page.").and_then(|n| n.parse().ok()) {
            Some(start) => start,
            None => {
                return zoom_error(
                    400,
                    300,
                    "The next page token is either invalid or has expired.",
                );
            }
        },
    };
    let page: Vec<Value> = items.iter().skip(start).take(page_size).map(item).collect();
    let next = start + page.len();
    let next_page_token = if next < items.len() {
        format!("page.{next}")
    } else {
        String::new()
    };
    let mut body = json!({
        "page_count": items.len().div_ceil(page_size),
        "page_size": page_size,
        "total_records": items.len(),
        "next_page_token": next_page_token,
    });
    body[name] = Value::Array(page);
    json_response(200, body)
}

/// `status` (default `approved`) and Zoom's paging.
fn list_registrants(meeting: &StoredMeeting, query: &HashMap<String, String>) -> HttpResponse {
    let status = query.get("status").map_or("approved", String::as_str);
    let matching: Vec<&StoredRegistrant> = meeting
        .registrants
        .iter()
        .filter(|r| r.status == status)
        .collect();
    paged(&matching, query, 300, "registrants", |r| {
        json!({
            "id": r.id,
            "email": r.email,
            "first_name": r.first_name,
            "last_name": r.last_name,
            "status": r.status,
            "create_time": r.create_time,
            "join_url": r.join_url,
        })
    })
}

/// The ended runs of a meeting, oldest first; none for a meeting that
/// has not run (or whose runs the test has not scripted yet).
fn list_instances(state: &State, id: &str) -> HttpResponse {
    let Ok(id) = id.parse::<i64>() else {
        return meeting_not_found(id);
    };
    let meetings: Vec<Value> = state
        .instances
        .get(&id)
        .into_iter()
        .flatten()
        .map(|i| json!({ "uuid": i.uuid, "start_time": i.start_time }))
        .collect();
    json_response(200, json!({ "meetings": meetings }))
}

/// A run's report, by the meeting's id (its latest run) or the run's UUID
/// as the path carried it, decoded once: a UUID that begins with `/` or
/// holds `//` must have been encoded twice, so that it is still encoded
/// here; any other once (SPEC.md §0). A UUID sent otherwise is not found.
/// `registrant_id` only when `include_fields` asks for it.
fn report(state: &State, param: &str, query: &HashMap<String, String>) -> HttpResponse {
    let as_sent = |uuid: &str| -> String {
        if uuid.starts_with('/') || uuid.contains("//") {
            url::form_urlencoded::byte_serialize(uuid.as_bytes()).collect()
        } else {
            uuid.to_owned()
        }
    };
    let found = match param.parse::<i64>() {
        Ok(id) => state.instances.get(&id).and_then(|runs| runs.last()),
        Err(_) => state
            .instances
            .values()
            .flatten()
            .find(|i| as_sent(&i.uuid) == param),
    };
    let Some(instance) = found else {
        return meeting_not_found(param);
    };
    let with_registrant = query
        .get("include_fields")
        .is_some_and(|f| f.split(',').any(|f| f.trim() == "registrant_id"));
    paged(
        &instance.rows,
        query,
        state.report_page_size,
        "participants",
        |row| {
            let mut row = row.clone();
            if !with_registrant && let Some(fields) = row.as_object_mut() {
                fields.remove("registrant_id");
            }
            row
        },
    )
}

fn json_response(status: u16, body: Value) -> HttpResponse {
    HttpResponse::build(StatusCode::from_u16(status).expect("a valid status"))
        .content_type("application/json;charset=UTF-8")
        .body(body.to_string())
}

fn zoom_error(status: u16, code: i64, message: &str) -> HttpResponse {
    json_response(status, json!({ "code": code, "message": message }))
}

fn meeting_not_found(id: &str) -> HttpResponse {
    zoom_error(
        404,
        3001,
        &format!("Meeting {id} is not found or has expired."),
    )
}

fn not_json() -> HttpResponse {
    zoom_error(400, 300, "Request Body should be a valid JSON object.")
}

fn validation_failed<S: AsRef<str>>(errors: &[(S, &str)]) -> HttpResponse {
    let errors: Vec<Value> = errors
        .iter()
        .map(|(field, message)| json!({ "field": field.as_ref(), "message": message }))
        .collect();
    json_response(
        400,
        json!({ "code": 300, "message": "Validation Failed.", "errors": errors }),
    )
}

/// The path as the client meant it: a host user's `@` may arrive encoded.
fn percent_decode(path: &str) -> String {
    url::form_urlencoded::parse(format!("p={}", path.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| path.to_owned())
}
