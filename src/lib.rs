//! Test and benchmark host for the strongroom workspace.
