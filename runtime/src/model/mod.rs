//! Support for the generated models.
//!
//! Everything here exists so that decoding a payload and encoding it again gives back the
//! same JSON value: unknown enum values, unknown `$objectType`s and undeclared fields are
//! kept, never dropped.

mod datetime;
mod extras;
mod key;
mod nullable;
mod object;
mod secret;
pub mod union;

pub use datetime::{DateTime, DateTimeError};
pub use extras::Extras;
pub use key::Key;
pub use nullable::Nullable;
pub use object::{decode_enum, required, Model, ObjectVisitor};
pub use secret::Secret;
