"""``python -m services.districts``: run the districts service."""

from services.districts.bootstrap import build
from shared.service import serve

if __name__ == "__main__":
    app, kit = build()
    serve(app, kit.settings)
