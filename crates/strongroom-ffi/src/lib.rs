//! C ABI for strongroom (in progress).
