"""``python -m services.conferences``: run the conferences service."""

from services.conferences.bootstrap import build
from shared.service import serve

if __name__ == "__main__":
    app, kit = build()
    serve(app, kit.settings)
