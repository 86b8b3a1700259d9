"""Schemathesis hooks for scripts/fuzz-api: raw bytes for the resumable-upload chunks
(`application/offset+octet-stream`), which schemathesis cannot make from a schema itself."""

from hypothesis import strategies as st

import schemathesis

schemathesis.openapi.media_type("application/offset+octet-stream", st.binary(max_size=4096))
