import time
import uuid

from tranquillite.core.identifiers import uuid7


def test_uuid7_is_a_version_7_uuid_ordered_by_time():
    first = uuid7()
    time.sleep(0.002)
    second = uuid7()
    assert first.version == 7 and first.variant == uuid.RFC_4122
    assert first < second  # written later, sorted later: the end of the index
    assert int(first.hex[:12], 16) <= time.time_ns() // 1_000_000
    assert len({uuid7() for _ in range(1000)}) == 1000
