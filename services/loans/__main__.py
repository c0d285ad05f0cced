"""``python -m services.loans``: run the loans service (生活福祉資金貸付)."""

from services.loans.bootstrap import build
from shared.service import serve

if __name__ == "__main__":
    app, kit = build()
    serve(app, kit.settings)
