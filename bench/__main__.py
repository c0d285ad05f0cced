"""``python -m bench [backbone] [--events N] [--size BYTES] [--db sqlite|postgresql|both]``."""

from __future__ import annotations

import sys

from bench.backbone import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
