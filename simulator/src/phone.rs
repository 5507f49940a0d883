//! The virtual phone: an index of devices and, per device, its pending pushes with
//! Approve / Deny buttons. Plain HTML and a little inline JS that polls the control routes.

use std::fmt::Write as _;
use std::sync::Arc;

use axum::extract::{Path, State as AxumState};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::form;
use crate::shared::Shared;
use crate::state::{DeviceSummary, PushInfo};

/// Answered pushes shown under the pending ones.
const RECENT: usize = 5;

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1c1c1e; --muted: #6e6e73; --line: #e5e5ea; --accent: #0a84ff; --ok: #30a14e; --no: #d70015; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: flex; align-items: center; justify-content: center;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
  background: linear-gradient(160deg, #dfe6f0, #f4f1ec); }
.phone { width: 360px; height: 720px; border: 12px solid #111; border-radius: 48px; background: #f2f2f7;
  box-shadow: 0 30px 60px rgba(0,0,0,.25); display: flex; flex-direction: column; overflow: hidden; margin: 24px; }
.bar { height: 34px; display: flex; align-items: center; justify-content: center; }
.notch { width: 110px; height: 22px; background: #111; border-radius: 0 0 14px 14px; margin-top: -12px; }
header { padding: 8px 22px 14px; border-bottom: 1px solid var(--line); }
header h1 { margin: 0; font-size: 20px; }
header p { margin: 2px 0 0; color: var(--muted); font-size: 13px; }
main { flex: 1; overflow-y: auto; padding: 14px; }
h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 18px 6px 8px; }
.card { background: #fff; border-radius: 18px; padding: 14px 16px; margin-bottom: 12px; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
.card .app { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .05em; }
.card .msg { margin: 6px 0 12px; font-size: 16px; line-height: 1.35; word-wrap: break-word; }
.actions { display: flex; gap: 10px; }
button { flex: 1; border: 0; border-radius: 12px; padding: 10px; font: inherit; font-weight: 600; cursor: pointer; }
button.deny { background: #f2f2f7; color: var(--no); }
button.approve { background: var(--accent); color: #fff; }
button:disabled { opacity: .5; cursor: default; }
.empty { text-align: center; color: var(--muted); padding: 48px 12px; }
.row { display: flex; justify-content: space-between; gap: 10px; padding: 8px 6px; border-bottom: 1px solid var(--line); font-size: 14px; }
.row span:first-child { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { font-size: 11px; font-weight: 700; border-radius: 8px; padding: 2px 8px; background: var(--line); color: var(--muted); }
.badge.CONFIRMED { background: #dcf5e3; color: var(--ok); }
.badge.REJECTED { background: #fde2e4; color: var(--no); }
footer { padding: 10px; text-align: center; font-size: 13px; border-top: 1px solid var(--line); }
footer a, .devices a { color: var(--accent); text-decoration: none; }
#note { color: var(--no); font-size: 12px; min-height: 16px; text-align: center; }
.devices { list-style: none; margin: 0; padding: 0; }
.devices li { background: #fff; border-radius: 14px; margin-bottom: 10px; padding: 12px 14px; box-shadow: 0 2px 8px rgba(0,0,0,.06); }
.devices small { display: block; color: var(--muted); margin-top: 2px; }
"#;

const SCRIPT: &str = r#"
const pendingList = document.getElementById('pending');
const recentList = document.getElementById('recent');
const note = document.getElementById('note');
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function button(nonce, action, label) {
  const b = el('button', action === 'approve' ? 'approve' : 'deny', label);
  b.dataset.nonce = nonce; b.dataset.action = action;
  return b;
}
function card(p) {
  const c = el('div', 'card');
  c.append(el('div', 'app', 'Sign-in request'), el('div', 'msg', p.message));
  const a = el('div', 'actions');
  a.append(button(p.nonce, 'reject', 'Deny'), button(p.nonce, 'approve', 'Approve'));
  c.append(a);
  return c;
}
function row(p) {
  const r = el('div', 'row');
  r.append(el('span', '', p.message), el('span', 'badge ' + p.status, p.status));
  return r;
}
function render(pushes) {
  const pending = pushes.filter(p => p.status === 'PENDING');
  const done = pushes.filter(p => p.status !== 'PENDING').slice(0, RECENT);
  pendingList.replaceChildren(...(pending.length ? pending.map(card) : [el('div', 'empty', 'No pending requests')]));
  recentList.replaceChildren(...done.map(row));
  document.getElementById('recent-title').hidden = done.length === 0;
}
async function refresh() {
  try {
    const r = await fetch('/_sim/devices/' + encodeURIComponent(DEVICE) + '/pushes', { cache: 'no-store' });
    if (!r.ok) throw new Error('HTTP ' + r.status);
    render(await r.json());
    note.textContent = '';
  } catch (e) {
    note.textContent = 'Simulator unreachable';
  }
}
pendingList.addEventListener('click', async (event) => {
  const b = event.target.closest('button[data-action]');
  if (!b) return;
  b.disabled = true;
  await fetch('/_sim/pushes/' + encodeURIComponent(b.dataset.nonce) + '/' + b.dataset.action, { method: 'POST' }).catch(() => {});
  refresh();
});
setInterval(refresh, 1000);
"#;

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A JSON string literal that is safe inside a `<script>` element.
fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned()).replace('<', "\\u003c")
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body>{body}</body></html>\n",
        escape(title)
    )
}

fn device_label(device: &DeviceSummary) -> String {
    device.name.clone().unwrap_or_else(|| device.id.clone())
}

/// `GET /_sim/phone`: every device, each linking to its phone.
pub(crate) async fn index(AxumState(app): AxumState<Arc<Shared>>) -> Response {
    let devices = app.all_devices();
    let mut items = String::new();
    for device in &devices {
        let pending = app.device_pushes(&device.id).iter().filter(|p| p.status == "PENDING").count();
        let _ = write!(
            items,
            "<li><a href=\"/_sim/phone/{}\">{}</a><small>{} · user {} · {} pending</small></li>",
            escape(&form::segment(&device.id)),
            escape(&device_label(device)),
            escape(device.platform.as_deref().unwrap_or("unknown platform")),
            escape(&device.user_id),
            pending,
        );
    }
    if devices.is_empty() {
        items.push_str("<div class=\"empty\">No devices yet</div>");
    }
    let body = format!(
        "<div class=\"phone\"><div class=\"bar\"><div class=\"notch\"></div></div>\
         <header><h1>Virtual phones</h1><p>OMI push simulator</p></header>\
         <main><ul class=\"devices\">{items}</ul></main></div>"
    );
    Html(page("Virtual phones", &body)).into_response()
}

fn card(push: &PushInfo) -> String {
    let nonce = escape(&push.nonce);
    format!(
        "<div class=\"card\"><div class=\"app\">Sign-in request</div><div class=\"msg\">{}</div>\
         <div class=\"actions\"><button class=\"deny\" data-nonce=\"{nonce}\" data-action=\"reject\">Deny</button>\
         <button class=\"approve\" data-nonce=\"{nonce}\" data-action=\"approve\">Approve</button></div></div>",
        escape(&push.message)
    )
}

fn row(push: &PushInfo) -> String {
    format!(
        "<div class=\"row\"><span>{}</span><span class=\"badge {status}\">{status}</span></div>",
        escape(&push.message),
        status = escape(&push.status)
    )
}

/// `GET /_sim/phone/{deviceId}`: the device's pending pushes, refreshed every second.
pub(crate) async fn device(AxumState(app): AxumState<Arc<Shared>>, Path(device_id): Path<String>) -> Response {
    let Some(device) = app.all_devices().into_iter().find(|d| d.id == device_id) else {
        let body = format!(
            "<div class=\"phone\"><div class=\"bar\"><div class=\"notch\"></div></div>\
             <header><h1>Unknown device</h1><p>{}</p></header>\
             <main><div class=\"empty\">No device with this id.</div></main>\
             <footer><a href=\"/_sim/phone\">All devices</a></footer></div>",
            escape(&device_id)
        );
        return (StatusCode::NOT_FOUND, Html(page("Unknown device", &body))).into_response();
    };
    let pushes = app.device_pushes(&device.id);
    let pending: String = pushes.iter().filter(|p| p.status == "PENDING").map(card).collect();
    let pending =
        if pending.is_empty() { "<div class=\"empty\">No pending requests</div>".to_owned() } else { pending };
    let done: Vec<&PushInfo> = pushes.iter().filter(|p| p.status != "PENDING").take(RECENT).collect();
    let recent: String = done.iter().map(|p| row(p)).collect();
    let hidden = if done.is_empty() { " hidden" } else { "" };
    let label = device_label(&device);
    let body = format!(
        "<div class=\"phone\"><div class=\"bar\"><div class=\"notch\"></div></div>\
         <header><h1>{}</h1><p>{} · {}</p></header>\
         <main><div id=\"note\"></div><div id=\"pending\">{pending}</div>\
         <h2 id=\"recent-title\"{hidden}>Recent</h2><div id=\"recent\">{recent}</div></main>\
         <footer><a href=\"/_sim/phone\">All devices</a></footer></div>\
         <script>const DEVICE = {}; const RECENT = {RECENT};{SCRIPT}</script>",
        escape(&label),
        escape(device.platform.as_deref().unwrap_or("unknown platform")),
        escape(&device.id),
        js_string(&device.id),
    );
    Html(page(&format!("Virtual phone · {label}"), &body)).into_response()
}
