//! End-to-end checks of `process` on real image files made by the tests: size, orientation,
//! the stamp, determinism, and hostile input.

mod fixtures;
mod hostile;
mod pipeline;
