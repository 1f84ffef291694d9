//! The `names!` macro: enumerations with their AWS KMS spelling (`as_str`, `Display`, `FromStr`)
//! and, for those stored in the file, a one-byte code (docs/FORMAT.md section 7, "Codes").

/// An enumeration stored in the keystore file as a one-byte code.
pub(crate) trait Coded: Sized + Copy {
    /// The type's name, for messages about an unknown code.
    const NAME: &'static str;
    /// The byte written to the file.
    fn code(self) -> u8;
    /// The value of a byte read from the file, if it names one.
    fn from_code(c: u8) -> Option<Self>;
}

/// Declares a public enumeration whose values have AWS KMS names, with `as_str`, `Display` and
/// `FromStr` (a `Validation` error listing the valid names). `Variant = code, "NAME";` also
/// implements [`Coded`]; `Variant, "NAME";` names a value that is never stored by code;
/// `"NAME" | "OLD"` makes `FromStr` accept an older spelling too (`as_str` says `NAME`).
macro_rules! names {
    ($(#[$m:meta])* $ty:ident { $($(#[$vm:meta])* $var:ident = $code:literal, $name:literal $(| $old:literal)*;)+ }) => {
        $crate::model::names::names! { $(#[$m])* $ty { $($(#[$vm])* $var, $name $(| $old)*;)+ } }

        impl $crate::model::names::Coded for $ty {
            const NAME: &'static str = stringify!($ty);
            fn code(self) -> u8 {
                match self { $($ty::$var => $code,)+ }
            }
            fn from_code(c: u8) -> Option<Self> {
                match c { $($code => Some($ty::$var),)+ _ => None }
            }
        }
    };
    ($(#[$m:meta])* $ty:ident { $($(#[$vm:meta])* $var:ident, $name:literal $(| $old:literal)*;)+ }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $ty { $($(#[$vm])* $var,)+ }

        impl $ty {
            /// The AWS KMS spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($ty::$var => $name,)+ }
            }
        }

        impl std::fmt::Display for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::Error;
            fn from_str(s: &str) -> $crate::Result<Self> {
                match s {
                    $($name $(| $old)* => Ok($ty::$var),)+
                    _ => Err($crate::Error::Validation(format!(
                        concat!("{:?} is not a valid ", stringify!($ty), "; expected one of: {}"),
                        s, [$($name),+].join(", ")))),
                }
            }
        }
    };
}
pub(crate) use names;
