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
mod text;
pub mod union;

pub use datetime::{DateTime, DateTimeError};
pub use extras::Extras;
pub use key::Key;
pub use nullable::Nullable;
pub use object::{decode_enum, required, Model, ObjectVisitor};
pub use secret::Secret;

pub use built::from_built_json;

mod built {
    //! Decoding JSON written in code (a batch body the runtime assembles) into generated
    //! models as if the values had been built in code: an object without `$objectType`
    //! writes its own when encoded, as one made with `new()` does. Decoding a server's
    //! payload keeps its absence instead (see [`super::Extras`]).

    use std::cell::Cell;

    use serde::de::DeserializeOwned;
    use serde_json::Value;

    thread_local! {
        static BUILDING: Cell<bool> = const { Cell::new(false) };
    }

    /// Whether the decoding running on this thread is a [`from_built_json`].
    pub(crate) fn building() -> bool {
        BUILDING.with(Cell::get)
    }

    /// Resets the flag when the decoding ends, even by a panic.
    struct Building(bool);

    impl Drop for Building {
        fn drop(&mut self) {
            BUILDING.with(|flag| flag.set(self.0));
        }
    }

    /// Decodes `value` as a value built in code (see the module docs); a failure names
    /// its JSON path.
    pub fn from_built_json<T: DeserializeOwned>(
        value: Value,
    ) -> Result<T, serde_path_to_error::Error<serde_json::Error>> {
        let _restore = Building(BUILDING.with(|flag| flag.replace(true)));
        serde_path_to_error::deserialize(value)
    }
}
