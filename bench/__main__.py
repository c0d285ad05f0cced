"""``python -m bench [backbone] [--events N] [--size BYTES] [--db sqlite|postgresql|both]``."""

from __future__ import annotations

import sys

from bench.backbone import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["reporting"]:
        from bench.reporting import main as reporting_main

        sys.exit(reporting_main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
