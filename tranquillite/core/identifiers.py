"""Time-ordered identifiers (UUID version 7, RFC 9562 § 5.7) for rows written many at once.

A random UUID (version 4) as a unique key sends each insert to a random page of its index:
on a table of 10,000,000 daily-log entries, 100,000 rows imported at once dirtied as many
pages of `public_id`'s index (docs/benchmarks.md, the historical import). A version 7 UUID
starts with the time in milliseconds, so rows written together go to the end of the index.
It is as opaque as any UUID but for that time, which the row's `created_at` holds anyway.
Python 3.14 has `uuid.uuid7`; this stands in for it until the project moves there."""

from __future__ import annotations

import os
import time
import uuid

_VERSION = 0x7 << 76
_VARIANT = 0x2 << 62  # RFC 9562's variant, 0b10


def uuid7() -> uuid.UUID:
    standard = getattr(uuid, "uuid7", None)
    if standard is not None:
        return standard()  # type: ignore[no-any-return]
    milliseconds = time.time_ns() // 1_000_000
    value = (milliseconds & 0xFFFF_FFFF_FFFF) << 80 | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | _VERSION
    value = (value & ~(0x3 << 62)) | _VARIANT
    return uuid.UUID(int=value)
