//! `strongroom serve`: one [`strongroom::Keystore`] served over AWS KMS's JSON 1.1 protocol, so
//! that unmodified AWS SDKs and the AWS CLI use it with an endpoint URL (SPEC section 12).
//!
//! - [`protocol`]: the operations, AWS's member names and shapes, AWS's errors. No HTTP.
//! - [`sigv4`]: AWS Signature Version 4 verification of a request, against a [`Credentials`]
//!   source.
//! - [`server`]: the HTTP/1.1 server (hyper on tokio): limits, authentication, graceful shutdown.
//! - [`tls`]: rustls (ring provider): the operator's PEM files or a self-signed certificate, and
//!   the rule that only loopback may serve without TLS.
//!
//! See docs/server.md.
#![forbid(unsafe_code)]
#![deny(missing_docs, rustdoc::broken_intra_doc_links)]

pub mod credentials;
#[doc(hidden)]
pub mod fuzz;
pub mod protocol;
pub mod sigv4;

pub use credentials::{Credentials, KeystoreCredentials, Secret, StaticCredentials};
pub mod server;
pub mod tls;
