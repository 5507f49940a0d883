//! The framework-neutral web flow against the simulator: guard → start (picker) → push → wait
//! page → status → guard lets the request through once; replay, other action, other user, API
//! clients, open redirects.

use std::collections::BTreeMap;
use std::time::Duration;

use omi_push::stepup::flow::{Flow, FlowRequest, FlowResponse, Guard};
use omi_push::{Client, Config, StepUp, StepUpConfig, Throttle};
use omi_push_sim::{SeedDevice, SeedUser, SimConfig, Simulator};

const PAY: &str = "change-payment-method";

async fn setup() -> (Simulator, Flow) {
    let sim = Simulator::start(SimConfig::testing()).await.expect("sim");
    sim.add_device("user-1", SeedDevice::new("dev-2").with_name("iPhone 16")).expect("device");
    sim.add_user(SeedUser::new("user-2", vec![SeedDevice::new("dev-3")])).expect("user");
    let client = Client::new(
        Config::builder(sim.base_url())
            .client_credentials(sim.client_id(), sim.client_secret())
            .build()
            .expect("config"),
    )
    .expect("client");
    let mut config = StepUpConfig::new(b"flow-test-key-0123456789abcdef-0123456789".to_vec());
    config.throttle = Throttle { max_unresolved: 5, min_gap: Duration::ZERO };
    let flow = Flow::new(
        StepUp::new(client, config).expect("step-up"),
        "/step-up",
        "Confirm the change of your payment method",
    )
    .expect("flow");
    (sim, flow)
}

fn req(method: &str, route: &str, params: &[(&str, &str)], user: &str, session: &Option<String>) -> FlowRequest {
    FlowRequest {
        method: method.into(),
        route: route.into(),
        params: params.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
        user_id: Some(user.into()),
        session: session.clone(),
    }
}

/// The CSRF token of the first form of a page.
fn form_token(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("a csrf field") + "name=\"csrf\" value=\"".len();
    body[at..].split('"').next().unwrap_or_default().to_string()
}

fn location(r: &FlowResponse) -> &str {
    r.location.as_deref().unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_flow_lets_this_user_do_this_action_once() {
    let (sim, flow) = setup().await;
    let mut session: Option<String> = None;

    // The protected page sends the browser to the start.
    let Guard::Respond(r) = flow.guard(PAY, Some("user-1"), None, "/payment?card=new", false).await else {
        panic!("no approval yet")
    };
    assert_eq!(
        (r.status, location(&r)),
        (303, "/step-up/start?action=change-payment-method&next=%2Fpayment%3Fcard%3Dnew")
    );

    // Two devices: the picker.
    let params = [("action", PAY), ("next", "/payment?card=new")];
    let picker = flow.handle(&req("GET", "/start", &params, "user-1", &session)).await;
    assert_eq!(picker.status, 200);
    assert!(picker.body.contains("name=\"device\"") && picker.body.contains("value=\"all\""), "{}", picker.body);
    assert_eq!(sim.pushes().len(), 0, "the picker sends nothing");

    assert!(picker.headers.contains(&("Cache-Control".to_string(), "no-store".to_string())), "{:?}", picker.headers);
    let token = form_token(&picker.body);

    // A POST without the picker's token (another site's form) sends nothing.
    let forged = [("action", PAY), ("next", "/payment?card=new"), ("device", "dev-1")];
    let r = flow.handle(&req("POST", "/start", &forged, "user-1", &session)).await;
    assert_eq!(r.status, 403, "{r:?}");
    let other_user = flow.step_up().form_token("user-2", PAY);
    let with_other = [("action", PAY), ("next", "/payment"), ("device", "dev-1"), ("csrf", other_user.as_str())];
    assert_eq!(flow.handle(&req("POST", "/start", &with_other, "user-1", &session)).await.status, 403);
    assert_eq!(sim.pushes().len(), 0, "no push from a forged form");

    // The user picks dev-1: one push, the challenge in the session, on to the waiting page.
    let picked = [("action", PAY), ("next", "/payment?card=new"), ("device", "dev-1"), ("csrf", token.as_str())];
    let r = flow.handle(&req("POST", "/start", &picked, "user-1", &session)).await;
    assert_eq!(r.status, 303);
    assert!(location(&r).starts_with("/step-up/wait?action=change-payment-method"), "{}", location(&r));
    session = r.session.clone();
    let pushes = sim.pushes();
    assert_eq!(pushes.len(), 1);
    assert_eq!(pushes[0].device_ids, vec!["dev-1".to_string()]);

    let page = flow.handle(&req("GET", "/wait", &params, "user-1", &session)).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.body.contains("Confirm the change of your payment method") && page.body.contains("role=\"status\""));
    let status = flow.handle(&req("GET", "/status", &params, "user-1", &session)).await;
    assert_eq!(status.body, r#"{"verdict":"pending"}"#);
    // Not approved yet: the guard sends the browser back to the waiting page, no new push.
    let Guard::Respond(r) = flow.guard(PAY, Some("user-1"), session.as_deref(), "/payment?card=new", false).await
    else {
        panic!("still pending")
    };
    assert!(location(&r).starts_with("/step-up/wait?"), "{}", location(&r));
    assert_eq!(sim.pushes().len(), 1);

    // The phone approves; the status route says so (on any instance) and where to go.
    sim.approve(&pushes[0].nonce).expect("approve");
    let status = flow.handle(&req("GET", "/status", &params, "user-1", &session)).await;
    assert_eq!(status.body, r#"{"redirect":"/payment?card=new","verdict":"approved"}"#);

    // Another action is not unlocked by it; another user cannot use this session.
    assert!(matches!(
        flow.guard("view-card-number", Some("user-1"), session.as_deref(), "/card", false).await,
        Guard::Respond(_)
    ));
    assert!(matches!(flow.guard(PAY, Some("user-2"), session.as_deref(), "/payment", false).await, Guard::Respond(_)));

    // The protected page now goes through, once.
    let Guard::Allow { session: after } =
        flow.guard(PAY, Some("user-1"), session.as_deref(), "/payment?card=new", false).await
    else {
        panic!("approved")
    };
    assert!(!after.contains(PAY), "the spent approval left the session: {after}");
    // Replaying the old session value (a copied cookie) does not pass again.
    assert!(matches!(flow.guard(PAY, Some("user-1"), session.as_deref(), "/payment", false).await, Guard::Respond(_)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denial_api_clients_and_open_redirects() {
    let (sim, flow) = setup().await;
    let params = [("action", PAY), ("next", "//evil.example/")];
    let token = flow.step_up().form_token("user-1", PAY);
    let r = flow
        .handle(&req(
            "POST",
            "/start",
            &[("action", PAY), ("next", "//evil.example/"), ("device", "all"), ("csrf", &token)],
            "user-1",
            &None,
        ))
        .await;
    assert_eq!(r.status, 303);
    assert!(location(&r).ends_with("next=%2F"), "not an open redirect: {}", location(&r));
    let session = r.session.clone();
    sim.reject(&sim.pushes()[0].nonce).expect("reject");
    let status = flow.handle(&req("GET", "/status", &params, "user-1", &session)).await;
    assert_eq!(status.body, r#"{"verdict":"rejected"}"#);
    let page = flow.handle(&req("GET", "/wait", &params, "user-1", &session)).await;
    assert!(page.body.contains("denied") && page.body.contains("Send again"), "{}", page.body);
    // "Send again" posts the flow's own token: a new push.
    let again = [("action", PAY), ("next", "/"), ("device", "all"), ("csrf", &form_token(&page.body))];
    assert_eq!(flow.handle(&req("POST", "/start", &again, "user-1", &session)).await.status, 303);
    assert_eq!(sim.pushes().len(), 2);

    let Guard::Respond(r) = flow.guard(PAY, Some("user-1"), None, "/api/payment", true).await else { panic!() };
    assert_eq!((r.status, r.content_type), (401, "application/json"));
    assert!(r.body.contains("step_up_required"));
    let Guard::Respond(r) = flow.guard(PAY, None, None, "/payment", false).await else { panic!() };
    assert_eq!(r.status, 401);
    let bad = flow.handle(&req("GET", "/start", &[("action", "bad action")], "user-1", &None)).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_layout_wraps_the_flow_pages() {
    let (_sim, flow) = setup().await;
    assert!(flow.clone().with_layout("<html>no placeholder</html>").is_err());
    let flow =
        flow.with_layout("<html><head><title>Shop: {{title}}</title>{{head}}</head><body>{{content}}</body></html>");
    let flow = flow.expect("layout");
    let picker = flow.handle(&req("GET", "/start", &[("action", PAY)], "user-1", &None)).await;
    assert!(picker.body.starts_with("<html><head><title>Shop: Confirm on your phone</title>"), "{}", picker.body);
    assert!(picker.body.contains("name=\"csrf\"") && picker.body.ends_with("</main></body></html>"), "{}", picker.body);
    let nobody = flow.handle(&req("GET", "/wait", &[("action", "bad action")], "user-1", &None)).await;
    assert!(nobody.body.starts_with("<html><head><title>Shop: Bad request</title>"), "{}", nobody.body);
}
