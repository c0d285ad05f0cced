"""The one-process rebuild's process settings: its heap keeps fetch buffers apart; its workers start light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

# Frees a 16 MB block (glibc then raises its mmap threshold to 16 MB), holds a 4 MB one (a fetch
# buffer's size), and prints how many bytes glibc has mapped on their own (mallinfo2's hblkhd).
_PROBE = """
import ctypes, ctypes.util, sys
class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.mallinfo2.restype = Info
if sys.argv[1] == "mapped":
    from services.reporting.rebuild import map_large_blocks
    assert map_large_blocks()
big = bytearray(16 * 1024 * 1024)
del big
held = bytearray(4 * 1024 * 1024)
print(libc.mallinfo2().hblkhd)
"""


def _mapped_bytes(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, mode], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return int(out.strip())


def test_a_fetch_sized_buffer_is_mapped_on_its_own_once_large_blocks_are() -> None:
    # by default the buffer comes from the heap (which fragments and keeps its high-water mark) ...
    assert _mapped_bytes("default") < 4 * 1024 * 1024
    # ... and with the rebuild's setting it is a mapping of its own, given back when freed
    assert _mapped_bytes("mapped") >= 4 * 1024 * 1024


def test_a_rebuild_worker_starts_without_the_web_framework() -> None:
    probe = (
        "import sys, services.reporting.__main__; print(sorted(m for m in ('fastapi', 'uvicorn') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
