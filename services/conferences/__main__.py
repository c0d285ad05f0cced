"""``python -m services.conferences``: run the conferences service."""

import sys

from services.conferences.bootstrap import build
from shared.service import run_service

if __name__ == "__main__":
    sys.exit(run_service(build, "conferences"))
