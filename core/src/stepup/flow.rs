//! The web step-up flow, framework-neutral: a route guard and four routes (start, wait page,
//! status, and the picker's post), written once. A framework adapter only turns its request
//! into a [`FlowRequest`], serves the [`FlowResponse`], and keeps the flow's session value in
//! the framework's session.
//!
//! ```text
//! GET  /protected             guard: a redeemable approval for (user, action)? → go on
//!                              else → 303 {mount}/start?action=A&next=/protected  (API: 401 JSON)
//! GET  {mount}/start?action&next   one device → push → 303 wait; several → device picker
//! POST {mount}/start (action, next, device = id | all)   push → 303 wait
//! GET  {mount}/wait?action&next    "check your phone"; its script polls status every second
//! GET  {mount}/status?action       {"verdict": …, "redirect"?}  (one poll; no thread held)
//! ```
//! The session value holds, per action, the signed challenge of the last push (not a secret,
//! and useless to anyone else: it is bound to the user and the action, and redeemed once in the
//! step-up store). `next` must be a local path (`/…`, not `//…`): no open redirect.

use std::collections::BTreeMap;

use super::page::{self, Layout, Texts, WaitingPage};
use super::{StepUp, Verdict};
use crate::error::{Error, ErrorKind, Result};

/// A request to the flow, as an adapter sees it (bindings may pass it as JSON).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FlowRequest {
    /// `GET` or `POST`.
    pub method: String,
    /// The path below the mount point: `/start`, `/wait` or `/status`.
    pub route: String,
    /// Query and form parameters (form values win).
    pub params: BTreeMap<String, String>,
    /// The current user, from the app's own authentication; `None` = not logged in.
    pub user_id: Option<String>,
    /// The flow's value in the framework session (as it last came from a [`FlowResponse`]).
    pub session: Option<String>,
}

/// What the adapter answers (bindings may take it as JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FlowResponse {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    /// A `Location` header (with 303).
    pub location: Option<String>,
    /// The new session value to store (`Some("")` = remove it); `None` = unchanged.
    pub session: Option<String>,
    /// Headers to set on the response, every one (JSON: `[["Cache-Control", "no-store"], …]`):
    /// nothing of the flow is cached, sniffed or framed (a framed picker could be clickjacked
    /// into sending pushes).
    pub headers: Vec<(String, String)>,
}

/// What the guard decided (as JSON: `{"allow": {"session": …}}` or `{"respond": {…}}`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    /// The request goes through; store `session` (the spent approval is removed).
    Allow { session: String },
    /// Answer this instead (a redirect to the start, or 401 for an API client).
    Respond(FlowResponse),
}

/// The flow on top of a [`StepUp`].
#[derive(Clone, Debug)]
pub struct Flow {
    step_up: StepUp,
    mount: String,
    message: String,
    layout: Layout,
}

/// The headers of every answer of the flow.
const HEADERS: [(&str, &str); 4] = [
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
];

/// The name of the CSRF field in the flow's forms.
pub const FORM_TOKEN_FIELD: &str = "csrf";

fn response(status: u16, content_type: &'static str, body: String) -> FlowResponse {
    let headers = HEADERS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    FlowResponse { status, content_type, body, location: None, session: None, headers }
}

fn html(status: u16, body: String) -> FlowResponse {
    response(status, "text/html; charset=utf-8", body)
}

fn json(status: u16, body: String) -> FlowResponse {
    response(status, "application/json", body)
}

fn see_other(location: String, session: Option<String>) -> FlowResponse {
    FlowResponse { location: Some(location), session, ..response(303, "text/plain; charset=utf-8", String::new()) }
}

/// True for an API client: its `Accept` header prefers JSON to HTML, as Express's
/// `req.accepts(["html", "json"])` decides — by quality, then by how specifically each is
/// named (`application/json` over `application/*` over `*/*`), then by order. No header,
/// `*/*` alone, or a tie mean HTML (a browser). Every adapter asks this one function.
pub fn wants_json(accept: Option<&str>) -> bool {
    // (quality, specificity, position) of the best range matching `full`, if it accepts it.
    let best = |full: &str| {
        let wild = format!("{}/*", full.split('/').next().unwrap_or_default());
        let mut found: Option<(f32, u8, usize)> = None;
        for (i, part) in accept.unwrap_or_default().split(',').enumerate() {
            let mut pieces = part.split(';');
            let media = pieces.next().unwrap_or_default().trim().to_ascii_lowercase();
            let q = pieces
                .filter_map(|p| p.split_once('='))
                .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
                .map_or(1.0, |(_, v)| v.trim().parse::<f32>().ok().filter(|q| q.is_finite()).unwrap_or(0.0));
            let s = if media == full {
                2
            } else if media == wild {
                1
            } else if media == "*/*" {
                0
            } else {
                continue;
            };
            if found.is_none_or(|(_, fs, _)| s > fs) {
                found = Some((q, s, i));
            }
        }
        found.filter(|(q, _, _)| *q > 0.0)
    };
    match (best("application/json"), best("text/html")) {
        (None, _) => false,
        (Some(_), None) => true,
        (Some((jq, js, ji)), Some((hq, hs, hi))) => {
            if jq != hq {
                jq > hq
            } else if js != hs {
                js > hs
            } else {
                ji < hi
            }
        }
    }
}

/// A local path to go back to, or `/`.
fn local(next: Option<&String>) -> String {
    match next {
        Some(n)
            if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.chars().any(char::is_control) =>
        {
            n.clone()
        }
        _ => "/".to_string(),
    }
}

fn query(pairs: &[(&str, &str)]) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    q.finish()
}

fn read_session(s: Option<&str>) -> BTreeMap<String, String> {
    s.and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default()
}

fn write_session(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() { String::new() } else { serde_json::to_string(m).unwrap_or_default() }
}

impl Flow {
    /// The flow mounted at `mount` (e.g. `/step-up`), pushing `message` to the phone.
    pub fn new(step_up: StepUp, mount: &str, message: &str) -> Result<Flow> {
        if !mount.starts_with('/') || mount.ends_with('/') || mount.contains(['?', '#']) {
            return Err(Error::Config("mount must start with `/`, not end with `/`, and have no query".into()));
        }
        crate::validate::message(message, step_up.client().config().max_message_chars)?;
        Ok(Flow { step_up, mount: mount.to_string(), message: message.to_string(), layout: Layout::default() })
    }

    /// The same flow, its pages in the app's own template (see [`Layout::new`]: HTML with
    /// `{{content}}`, and optionally `{{title}}`, `{{head}}`, `{{style}}`).
    pub fn with_layout(mut self, template: &str) -> Result<Flow> {
        self.layout = Layout::new(template)?;
        Ok(self)
    }

    fn message_page(&self, status: u16, title: &str, text: &str) -> FlowResponse {
        html(status, page::notice(&self.layout, title, text, None))
    }

    pub fn step_up(&self) -> &StepUp {
        &self.step_up
    }

    /// The guard of a route for `action`: `url` is the request's own local URL (to come back
    /// to), `wants_json` true for an API client (it gets 401 with a machine-readable body
    /// instead of a redirect). A store that cannot answer refuses (503): fail closed.
    pub async fn guard(
        &self,
        action: &str,
        user_id: Option<&str>,
        session: Option<&str>,
        url: &str,
        wants_json: bool,
    ) -> Guard {
        let Some(user) = user_id else {
            return Guard::Respond(self.message_page(401, "Sign in first", "Step-up needs a signed-in user."));
        };
        let mut map = read_session(session);
        let next = local(Some(&url.to_string()));
        let mut route = "start";
        if let Some(challenge) = map.get(action).cloned() {
            match self.step_up.redeem(&challenge, user, action).await {
                Ok(true) => {
                    map.remove(action);
                    return Guard::Allow { session: write_session(&map) };
                }
                // Not approved yet (or too old): the waiting page says which.
                Ok(false) => route = "wait",
                Err(e) if e.kind() == ErrorKind::StoreUnavailable => {
                    return Guard::Respond(self.message_page(
                        503,
                        "Try again",
                        "The confirmation service is unavailable.",
                    ));
                }
                // Spent, for another user or action, or not ours: start again.
                Err(_) => {
                    map.remove(action);
                }
            }
        }
        let start = format!("{}/{route}?{}", self.mount, query(&[("action", action), ("next", &next)]));
        if wants_json {
            let body = serde_json::json!({"error": "step_up_required", "action": action, "start": start}).to_string();
            let mut r = json(401, body);
            r.session = Some(write_session(&map));
            return Guard::Respond(r);
        }
        Guard::Respond(see_other(start, Some(write_session(&map))))
    }

    /// Answers one request to the flow's routes.
    pub async fn handle(&self, req: &FlowRequest) -> FlowResponse {
        let Some(user) = req.user_id.as_deref() else {
            return self.message_page(401, "Sign in first", "Step-up needs a signed-in user.");
        };
        let action = req.params.get("action").cloned().unwrap_or_default();
        if super::action(&action).is_err() {
            return self.message_page(400, "Bad request", "Unknown action.");
        }
        let next = local(req.params.get("next"));
        match (req.method.as_str(), req.route.as_str()) {
            ("GET", "/start") => match self.step_up.devices(user).await {
                Ok(devices) if devices.len() > 1 => {
                    let action_url = format!("{}/start?{}", self.mount, query(&[("action", &action), ("next", &next)]));
                    let token = self.step_up.form_token(user, &action);
                    let hidden = Some((FORM_TOKEN_FIELD, token.as_str()));
                    html(200, page::device_picker(&self.layout, "Confirm on your phone", &devices, &action_url, hidden))
                }
                Ok(devices) if devices.len() == 1 => self.begin(user, &action, Some(&devices[0].id), &next, req).await,
                Ok(_) => self.message_page(409, "No phone enrolled", "Enrol a phone to confirm sensitive actions."),
                Err(e) => self.failure(&e),
            },
            ("POST", "/start") => {
                // Only the flow's own forms start a push from a POST: not a page of another site.
                let token = req.params.get(FORM_TOKEN_FIELD).map(String::as_str).unwrap_or_default();
                if !self.step_up.check_form_token(user, &action, token) {
                    return self.message_page(
                        403,
                        "Start again",
                        "This form has expired or did not come from this site. Go back and try again.",
                    );
                }
                let device = req.params.get("device").filter(|d| d.as_str() != "all").cloned();
                self.begin(user, &action, device.as_deref(), &next, req).await
            }
            ("GET", "/wait") => {
                // One check first: a reload (the no-script refresh) or a late visit moves on.
                let map = read_session(req.session.as_deref());
                let verdict = match map.get(&action) {
                    None => Ok(Verdict::Expired),
                    Some(c) => match self.step_up.check(c, user, &action).await {
                        Err(e) if e.kind() == ErrorKind::AlreadyUsed => Ok(Verdict::Approved),
                        other => other,
                    },
                };
                let retry_url = format!("{}/start?{}", self.mount, query(&[("action", &action), ("next", &next)]));
                let token = self.step_up.form_token(user, &action);
                let retry = page::Retry {
                    url: &retry_url,
                    label: Texts::default().send_again,
                    hidden: (FORM_TOKEN_FIELD, &token),
                };
                match verdict {
                    Ok(Verdict::Approved) => return see_other(next, None),
                    Ok(v @ (Verdict::Rejected | Verdict::Expired)) => {
                        let text =
                            if v == Verdict::Rejected { Texts::default().rejected } else { Texts::default().expired };
                        return html(200, page::notice(&self.layout, "Not confirmed", text, Some(&retry)));
                    }
                    _ => {}
                }
                let status_url = format!("{}/status?{}", self.mount, query(&[("action", &action), ("next", &next)]));
                let p = WaitingPage {
                    title: "Check your phone",
                    message: &self.message,
                    status_url: &status_url,
                    continue_url: &next,
                    retry: &retry,
                    poll_ms: 1000,
                    texts: Texts::default(),
                };
                html(200, page::waiting_page(&self.layout, &p))
            }
            ("GET", "/status") => {
                let map = read_session(req.session.as_deref());
                let Some(challenge) = map.get(&action) else {
                    return json(200, page::status_json("expired", None));
                };
                match self.step_up.check(challenge, user, &action).await {
                    Ok(v) => json(200, page::status_json(v.as_str(), Some(&next))),
                    // Approved by an earlier poll (another tab, another instance): still approved
                    // for the guard, which redeems it once.
                    Err(e) if e.kind() == ErrorKind::AlreadyUsed => {
                        json(200, page::status_json(Verdict::Approved.as_str(), Some(&next)))
                    }
                    Err(e) => json(if e.kind() == ErrorKind::StoreUnavailable { 503 } else { 200 }, {
                        serde_json::json!({"verdict": "error", "error": e.kind().as_str()}).to_string()
                    }),
                }
            }
            _ => self.message_page(404, "Not found", "No such step-up page."),
        }
    }

    async fn begin(
        &self,
        user: &str,
        action: &str,
        device: Option<&str>,
        next: &str,
        req: &FlowRequest,
    ) -> FlowResponse {
        match self.step_up.begin(user, action, device, &self.message).await {
            Ok(c) => {
                let mut map = read_session(req.session.as_deref());
                map.insert(action.to_string(), c.text);
                let wait = format!("{}/wait?{}", self.mount, query(&[("action", action), ("next", next)]));
                see_other(wait, Some(write_session(&map)))
            }
            Err(e) => self.failure(&e),
        }
    }

    fn failure(&self, e: &Error) -> FlowResponse {
        match e.kind() {
            ErrorKind::Throttled => {
                self.message_page(429, "Please wait", "Too many confirmation requests; try again in a moment.")
            }
            ErrorKind::StoreUnavailable => {
                self.message_page(503, "Try again", "The confirmation service is unavailable.")
            }
            ErrorKind::InvalidArgument => self.message_page(400, "Bad request", "That request cannot be sent."),
            _ => self.message_page(502, "Try again", "The confirmation could not be sent."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_clients_are_told_apart_from_browsers() {
        let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8";
        for (accept, want) in [
            (None, false),
            (Some(""), false),
            (Some("*/*"), false),
            (Some(browser), false),
            (Some("application/json"), true),
            (Some("application/json, text/plain, */*"), true),
            (Some("application/*"), true),
            (Some("text/html;q=0.5, application/json"), true),
            (Some("application/json;q=0.5, text/html"), false),
            (Some("application/json, text/html"), true),
            (Some("text/html, application/json"), false),
            (Some("application/json;q=0"), false),
            (Some("application/json;q=x, text/html;q=0.1"), false),
            (Some("text/plain"), false),
            (Some("APPLICATION/JSON"), true),
        ] {
            assert_eq!(wants_json(accept), want, "{accept:?}");
        }
    }

    #[test]
    fn next_is_a_local_path_only() {
        for (given, want) in [
            ("/payment?x=1", "/payment?x=1"),
            ("//evil.example/", "/"),
            ("https://evil.example/", "/"),
            ("/\\evil", "/"),
            ("javascript:alert(1)", "/"),
        ] {
            assert_eq!(local(Some(&given.to_string())), want, "{given}");
        }
        assert_eq!(local(None), "/");
    }
}
