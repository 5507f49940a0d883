//! The step-up pages, written once: the device picker and the "check your phone" waiting page,
//! rendered with the values of the app (every value HTML-escaped). Each web framework only
//! serves them. The waiting page's script polls a small JSON status route every second (so no
//! server thread or worker is held for the wait, and the status request may land on any
//! instance); without JavaScript a meta refresh reloads the page instead. Accessible: the
//! status text is a labelled live region that receives focus, buttons are real buttons.

use crate::wire::Device;

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// Escapes text for a JSON string inside a `<script>` block (no `</script>` can close it).
fn js_string(s: &str) -> String {
    let json = serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    json.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}

const STYLE: &str = "body{font:16px/1.5 system-ui,sans-serif;margin:0;background:#f5f6f8;color:#1d2330}\
main{max-width:28rem;margin:4rem auto;background:#fff;border-radius:12px;padding:2rem;box-shadow:0 1px 4px #0002}\
h1{font-size:1.4rem;margin:0 0 1rem}.msg{background:#eef2ff;border-radius:8px;padding:.75rem 1rem;margin:1rem 0}\
#status{font-weight:600;outline:none}button,.button{font:inherit;padding:.6rem 1.2rem;border-radius:8px;border:1px solid #3451d1;\
background:#3451d1;color:#fff;cursor:pointer}fieldset{border:0;padding:0;margin:1rem 0}label{display:block;padding:.4rem 0}\
.hidden{display:none}";

/// The built-in layout of every page.
const DEFAULT_LAYOUT: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{{title}}</title>{{head}}<style>{{style}}</style></head>
<body>{{content}}</body></html>
"#;

/// Longest layout accepted.
pub const MAX_LAYOUT_BYTES: usize = 64 * 1024;

/// The page around the flow's content: the app's own template, or the built-in one. A template
/// is HTML with `{{content}}` (required: the page's `<main>`, its form and script), and
/// optionally `{{title}}` (escaped text), `{{head}}` (the no-script refresh of the waiting page:
/// keep it inside `<head>`) and `{{style}}` (the built-in CSS, without `<style>`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layout(Option<String>);

impl Layout {
    /// The app's template; a `Config` error without `{{content}}` or over 64 KiB.
    pub fn new(template: &str) -> crate::error::Result<Layout> {
        if !template.contains("{{content}}") || template.len() > MAX_LAYOUT_BYTES {
            return Err(crate::error::Error::Config(format!(
                "a step-up page layout needs `{{{{content}}}}` and at most {MAX_LAYOUT_BYTES} bytes"
            )));
        }
        Ok(Layout(Some(template.to_string())))
    }

    /// The whole page: each `{{name}}` of the template replaced once, in one pass (so no value
    /// is read as a placeholder); unknown names stay as they are.
    fn render(&self, title: &str, head: &str, content: &str) -> String {
        let template = self.0.as_deref().unwrap_or(DEFAULT_LAYOUT);
        let mut out = String::with_capacity(template.len() + content.len() + STYLE.len());
        let mut rest = template;
        while let Some(at) = rest.find("{{") {
            out.push_str(&rest[..at]);
            let after = &rest[at + 2..];
            let Some(end) = after.find("}}") else {
                rest = &rest[at..];
                break;
            };
            match &after[..end] {
                "title" => out.push_str(&escape(title)),
                "head" => out.push_str(head),
                "style" => out.push_str(STYLE),
                "content" => out.push_str(content),
                other => {
                    out.push_str("{{");
                    out.push_str(other);
                    out.push_str("}}");
                }
            }
            rest = &after[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

/// Values of the waiting page.
#[derive(Debug, Clone)]
pub struct WaitingPage<'a> {
    /// Page title and heading, e.g. "Check your phone".
    pub title: &'a str,
    /// The message shown on the phone, repeated here so the user recognises the push.
    pub message: &'a str,
    /// The JSON status route the script polls (GET), answering [`status_json`].
    pub status_url: &'a str,
    /// Where an approval leads (the page the user asked for).
    pub continue_url: &'a str,
    /// The "send again" form (POST), offered after a rejection, expiry or timeout.
    pub retry: &'a Retry<'a>,
    /// Milliseconds between two polls of the status route (1000 by default).
    pub poll_ms: u32,
    /// Texts of the states, in the app's language.
    pub texts: Texts<'a>,
}

/// A "send again" form: where it posts, its button, and its hidden field (the CSRF token).
#[derive(Debug, Clone, Copy)]
pub struct Retry<'a> {
    pub url: &'a str,
    pub label: &'a str,
    pub hidden: (&'a str, &'a str),
}

impl Retry<'_> {
    fn form(&self, id_and_class: &str) -> String {
        format!(
            r#"<form{id_and_class} method="post" action="{url}"><input type="hidden" name="{k}" value="{v}"><button type="submit">{label}</button></form>"#,
            url = escape(self.url),
            k = escape(self.hidden.0),
            v = escape(self.hidden.1),
            label = escape(self.label),
        )
    }
}

/// A short page with a title and one line of text (announced to screen readers), and
/// optionally a "send again" form.
pub fn notice(layout: &Layout, title: &str, text: &str, retry: Option<&Retry<'_>>) -> String {
    let content = format!(
        r#"<main aria-labelledby="heading"><h1 id="heading">{t}</h1><p id="status" role="alert">{x}</p>{form}</main>"#,
        t = escape(title),
        x = escape(text),
        form = retry.map(|r| r.form("")).unwrap_or_default(),
    );
    layout.render(title, "", &content)
}

/// The page's words (English defaults in [`Texts::default`]).
#[derive(Debug, Clone, Copy)]
pub struct Texts<'a> {
    pub waiting: &'a str,
    pub approved: &'a str,
    pub rejected: &'a str,
    pub expired: &'a str,
    pub timed_out: &'a str,
    pub send_again: &'a str,
}

impl Default for Texts<'_> {
    fn default() -> Self {
        Texts {
            waiting: "Waiting for your confirmation on your phone…",
            approved: "Confirmed. Continuing…",
            rejected: "You denied the request on your phone.",
            expired: "The request expired before it was confirmed.",
            timed_out: "No confirmation arrived in time.",
            send_again: "Send again",
        }
    }
}

/// The answer of the status route: `{"verdict": "...", "redirect": "..."}` (the redirect only
/// with `approved`).
pub fn status_json(verdict: &str, continue_url: Option<&str>) -> String {
    match (verdict, continue_url) {
        ("approved", Some(url)) => serde_json::json!({ "verdict": verdict, "redirect": url }).to_string(),
        _ => serde_json::json!({ "verdict": verdict }).to_string(),
    }
}

/// The "check your phone" page.
pub fn waiting_page(layout: &Layout, p: &WaitingPage<'_>) -> String {
    let t = &p.texts;
    let texts = serde_json::json!({
        "approved": t.approved, "rejected": t.rejected, "expired": t.expired, "timed_out": t.timed_out,
    });
    let texts = js_string(&texts.to_string());
    let head = format!(
        r#"<noscript><meta http-equiv="refresh" content="{}"></noscript>"#,
        (p.poll_ms.max(1000) / 1000).max(1)
    );
    let content = format!(
        r#"<main aria-labelledby="heading">
<h1 id="heading">{title}</h1>
<p class="msg" id="push-message">{message}</p>
<p id="status" role="status" aria-live="polite" tabindex="-1" data-verdict="pending">{waiting}</p>
{retry}
</main>
<script>
(function () {{
  var statusUrl = {status_js}, continueUrl = {continue_js}, texts = JSON.parse({texts}), every = {poll};
  var status = document.getElementById('status'), retry = document.getElementById('retry');
  status.focus();
  function show(verdict, text) {{
    status.dataset.verdict = verdict; status.textContent = text; status.focus();
    if (verdict !== 'approved') retry.classList.remove('hidden');
  }}
  function poll() {{
    fetch(statusUrl, {{ headers: {{ 'Accept': 'application/json' }}, credentials: 'same-origin', cache: 'no-store' }})
      .then(function (r) {{ return r.json(); }})
      .then(function (s) {{
        if (s.verdict === 'approved') {{ show('approved', texts.approved); window.location.assign(s.redirect || continueUrl); }}
        else if (texts[s.verdict]) show(s.verdict, texts[s.verdict]);
        else setTimeout(poll, every);
      }})
      .catch(function () {{ setTimeout(poll, every * 2); }});
  }}
  setTimeout(poll, every);
}})();
</script>"#,
        title = escape(p.title),
        message = escape(p.message),
        waiting = escape(t.waiting),
        retry = p.retry.form(r#" id="retry" class="hidden""#),
        status_js = js_string(p.status_url),
        continue_js = js_string(p.continue_url),
        poll = p.poll_ms.max(250),
    );
    layout.render(p.title, &head, &content)
}

/// The device picker: a radio button per device and "all my devices"; posts `device` (an id,
/// or `all`) to `action_url`, with an optional hidden field (a CSRF token).
pub fn device_picker(
    layout: &Layout,
    title: &str,
    devices: &[Device],
    action_url: &str,
    hidden: Option<(&str, &str)>,
) -> String {
    let mut options = String::new();
    for (i, d) in devices.iter().enumerate() {
        let name = d.name.as_deref().unwrap_or(&d.id);
        let platform = d.platform.as_deref().map(|p| format!(" ({})", escape(p))).unwrap_or_default();
        options.push_str(&format!(
            r#"<label><input type="radio" name="device" value="{id}"{checked}> {name}{platform}</label>"#,
            id = escape(&d.id),
            checked = if i == 0 { " checked" } else { "" },
            name = escape(name),
        ));
    }
    options.push_str(r#"<label><input type="radio" name="device" value="all"> All my devices</label>"#);
    let hidden = hidden
        .map(|(k, v)| format!(r#"<input type="hidden" name="{}" value="{}">"#, escape(k), escape(v)))
        .unwrap_or_default();
    let content = format!(
        r#"<main aria-labelledby="heading"><h1 id="heading">{t}</h1>
<form method="post" action="{action}">{hidden}<fieldset><legend>Where should we send the confirmation?</legend>{options}</fieldset>
<button type="submit">Send</button></form></main>"#,
        t = escape(title),
        action = escape(action_url),
    );
    layout.render(title, "", &content)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RETRY: Retry<'static> = Retry { url: "/step-up/retry", label: "Send again", hidden: ("csrf", "t<1>") };

    fn page<'a>(message: &'a str, status_url: &'a str) -> WaitingPage<'a> {
        WaitingPage {
            title: "Check your phone",
            message,
            status_url,
            continue_url: "/payment-method",
            retry: &RETRY,
            poll_ms: 1000,
            texts: Texts::default(),
        }
    }

    #[test]
    fn values_are_escaped_everywhere() {
        let html = waiting_page(
            &Layout::default(),
            &page("<img src=x onerror=alert(1)> & \"q\"", "/s?x=</script><script>alert(2)</script>"),
        );
        assert!(!html.contains("<img src=x"), "{html}");
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot;"));
        assert_eq!(html.matches("</script>").count(), 1, "only the page's own script closes");
        assert!(html.contains(r#"role="status""#) && html.contains(r#"aria-live="polite""#));
        assert!(html.contains(r#"<noscript><meta http-equiv="refresh" content="1"></noscript>"#));
        assert!(html.contains(r#"<input type="hidden" name="csrf" value="t&lt;1&gt;">"#), "{html}");
        let n = notice(&Layout::default(), "<T>", "<x>", Some(&RETRY));
        assert!(n.contains("&lt;T&gt;") && n.contains("&lt;x&gt;") && n.contains(r#"action="/step-up/retry""#));
        assert!(n.contains(r#"value="t&lt;1&gt;""#) && !n.contains("<x>"));
        let d = Device {
            id: "d\"1".into(),
            name: Some("<b>Pixel</b>".into()),
            platform: None,
            created_at: None,
            last_used_at: None,
            extra: Default::default(),
        };
        let picker = device_picker(&Layout::default(), "Pick", &[d], "/go", Some(("csrf", "t<k>")));
        assert!(
            picker.contains("value=\"d&quot;1\"") && picker.contains("&lt;b&gt;Pixel") && picker.contains("t&lt;k&gt;")
        );
        assert!(picker.contains("value=\"all\""));
    }

    #[test]
    fn the_app_layout_wraps_every_page_once() {
        assert!(Layout::new("<html>no content</html>").is_err());
        assert!(Layout::new(&format!("{{{{content}}}}{}", "x".repeat(MAX_LAYOUT_BYTES))).is_err());
        let layout = Layout::new(
            "<!doctype html><html><head><title>Shop · {{title}}</title>{{head}}</head><body class=shop>{{content}}{{other}}</body></html>",
        )
        .expect("layout");
        // A value that looks like a placeholder stays text.
        let html = waiting_page(&layout, &page("{{content}} {{head}}", "/s"));
        assert!(
            html.starts_with("<!doctype html><html><head><title>Shop · Check your phone</title><noscript>"),
            "{html}"
        );
        assert!(html.contains("<body class=shop><main") && html.contains("{{content}} {{head}}</p>"), "{html}");
        assert!(html.ends_with("</script>{{other}}</body></html>"), "unknown names stay: {html}");
        assert!(!html.contains("<style>"), "the app's layout left the built-in style out");
        let n = notice(&layout, "<T>", "x", None);
        assert!(n.contains("Shop · &lt;T&gt;") && n.contains("role=\"alert\""));
        let d = waiting_page(&Layout::default(), &page("m", "/s"));
        assert!(d.starts_with("<!doctype html>\n<html lang=\"en\">") && d.contains("<style>body{"), "{d}");
    }

    #[test]
    fn the_status_answer() {
        assert_eq!(status_json("approved", Some("/p")), r#"{"redirect":"/p","verdict":"approved"}"#);
        assert_eq!(status_json("pending", Some("/p")), r#"{"verdict":"pending"}"#);
    }
}
