//! HTTPS for the simulator: a certificate generated at start for `localhost`, `127.0.0.1` and
//! `::1`, HTTP/2 and HTTP/1.1 offered by ALPN.

use std::sync::Arc;

use crate::error::SimError;

/// The acceptor and the certificate (PEM) clients are to trust.
pub(crate) fn acceptor() -> Result<(tokio_rustls::TlsAcceptor, String), SimError> {
    let names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    let generated = rcgen::generate_simple_self_signed(names)
        .map_err(|e| SimError::Invalid(format!("cannot generate a TLS certificate: {e}")))?;
    let pem = generated.cert.pem();
    let cert = generated.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(generated.signing_key.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| SimError::Invalid(format!("TLS: {e}")))?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)
        .map_err(|e| SimError::Invalid(format!("TLS: {e}")))?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok((tokio_rustls::TlsAcceptor::from(Arc::new(config)), pem))
}
