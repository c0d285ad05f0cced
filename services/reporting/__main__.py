"""``python -m services.reporting``: run the reporting service."""

from services.reporting.bootstrap import build
from shared.service import serve

if __name__ == "__main__":
    app, kit = build()
    serve(app, kit.settings)
