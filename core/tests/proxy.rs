//! Proxy environment variables are honoured (its own test binary: the environment is
//! process-wide).
#![allow(clippy::unwrap_used)]

use omi_push::{Client, Config, Error};
use omi_push_sim::{SimConfig, Simulator};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_proxy_env_routes_requests_through_the_proxy() {
    let sim = Simulator::start(SimConfig::testing()).await.unwrap();
    // The simulator doubles as the proxy: it answers absolute-form requests by their path.
    // SAFETY of set_var: this test binary has a single test, so no other thread reads the
    // environment concurrently.
    unsafe {
        std::env::set_var("HTTP_PROXY", sim.base_url());
        std::env::set_var("NO_PROXY", "");
    }
    let config = Config::builder("http://omi-tenant.invalid")
        .allow_insecure_http(true)
        .client_credentials(sim.client_id(), sim.client_secret())
        .build()
        .unwrap();
    let devices = Client::new(config).unwrap().list_devices("user-1").await.unwrap();
    assert_eq!(devices[0].id, "dev-1");
    assert_eq!(sim.count("token", "POST"), 1);

    // NO_PROXY exempts the host: it then has to be resolved, and cannot be.
    unsafe { std::env::set_var("NO_PROXY", "omi-tenant.invalid") };
    let config = Config::builder("http://omi-tenant.invalid")
        .allow_insecure_http(true)
        .client_credentials(sim.client_id(), sim.client_secret())
        .retry_policy(omi_push::RetryPolicy { max_retries: 0, ..Default::default() })
        .build()
        .unwrap();
    let err = Client::new(config).unwrap().list_devices("user-1").await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(sim.count("token", "POST"), 1);
}
