"""``python -m services.districts``: run the districts service."""

import sys

from services.districts.bootstrap import build
from shared.service import run_service

if __name__ == "__main__":
    sys.exit(run_service(build, "districts"))
