"""``python -m bench [backbone] [--events N] [--size BYTES] [--db sqlite|postgresql|both]``, ``python -m bench auth``,
``python -m bench reporting``, ``python -m bench web``, ``python -m bench referral``,
``python -m bench commands``, ``python -m bench scale``, ``python -m bench streams``,
``python -m bench backoff``, ``python -m bench backup``, ``python -m bench names``."""

from __future__ import annotations

import sys

from bench.backbone import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["auth"]:
        from bench.auth import main as auth_main

        sys.exit(auth_main(sys.argv[2:]))
    if sys.argv[1:2] == ["reporting"]:
        from bench.reporting import main as reporting_main

        sys.exit(reporting_main(sys.argv[2:]))
    if sys.argv[1:2] == ["referral"]:
        from bench.referral import main as referral_main

        sys.exit(referral_main(sys.argv[2:]))
    if sys.argv[1:2] == ["commands"]:
        from bench.commands import main as commands_main

        sys.exit(commands_main(sys.argv[2:]))
    if sys.argv[1:2] == ["scale"]:
        from bench.scale import main as scale_main

        sys.exit(scale_main(sys.argv[2:]))
    if sys.argv[1:2] == ["streams"]:
        from bench.streams import main as streams_main

        sys.exit(streams_main(sys.argv[2:]))
    if sys.argv[1:2] == ["backoff"]:
        from bench.backoff import main as backoff_main

        sys.exit(backoff_main(sys.argv[2:]))
    if sys.argv[1:2] == ["backup"]:
        from bench.backup import main as backup_main

        sys.exit(backup_main(sys.argv[2:]))
    if sys.argv[1:2] == ["names"]:
        from bench.names import main as names_main

        sys.exit(names_main(sys.argv[2:]))
    if sys.argv[1:2] == ["web"]:
        from bench.web import main as web_main

        sys.exit(web_main(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
