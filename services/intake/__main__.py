"""``python -m services.intake``: run the intake service (総合相談窓口)."""

import sys

from services.intake.bootstrap import build
from shared.service import run_service

if __name__ == "__main__":
    sys.exit(run_service(build, "intake"))
