//! The macro that declares a catalogue of codes from one row per code.

/// Declares a code enum from rows `/// doc` `Name => "WIRE_NAME",`: the enum with each variant
/// renamed to its wire name (so the caller derives `Serialize`), `as_str`, `ALL` and `Display`.
///
/// Attributes and wire names are taken as token trees: a `meta` or `literal` fragment reaches the
/// derives wrapped in a group that utoipa does not read, and the spec would lose the enum's
/// description and name the variants instead of their wire names.
macro_rules! code_table {
    (
        $(#[$($attr:tt)*])*
        $vis:vis enum $enum:ident {
            $(
                $(#[doc = $doc:tt])*
                $name:ident => $code:tt,
            )*
        }
    ) => {
        $(#[$($attr)*])*
        $vis enum $enum {
            $($(#[doc = $doc])* #[serde(rename = $code)] $name,)*
        }

        impl $enum {
            /// Every code, in the order of the table.
            pub const ALL: [Self; [$($code),*].len()] = [$(Self::$name),*];

            /// The code as it appears on the wire.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$name => $code,)*
                }
            }
        }

        impl std::fmt::Display for $enum {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(super) use code_table;
