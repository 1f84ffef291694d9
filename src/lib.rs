//! Test and benchmark host for the strongroom workspace.
#![forbid(unsafe_code)]
