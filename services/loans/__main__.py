"""``python -m services.loans``: run the loans service (生活福祉資金貸付)."""

import sys

from services.loans.bootstrap import build
from shared.service import run_service

if __name__ == "__main__":
    sys.exit(run_service(build, "loans"))
