"""``python -m services.intake``: run the intake service (総合相談窓口)."""

from services.intake.bootstrap import build
from shared.service import serve

if __name__ == "__main__":
    app, kit = build()
    serve(app, kit.settings)
