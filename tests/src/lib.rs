//! Hand-written tests of the generated clients live in `tests/`; this library is empty on purpose.
