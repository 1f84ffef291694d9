//! Python bindings for strongroom (in progress).
