#!/usr/bin/env python3
"""Runs the original Python tool — `tools/constitutional_consciousness/feedback_loop.py` of
subtract0/AgencyOS, which this project replaces — on one log, as `make bench` compares
against it. Its code is not part of this repository: pass a checkout of it.

  original_tool.py CHECKOUT LOG NOW [DAYS]

The tool reads the clock (`datetime.now(UTC)`) for its `--days` cut-off and its trend
rule; NOW pins that clock, so it reads and keeps the same week of the generated log that
`consciousness cycle --now NOW --days DAYS` does, and does all of its work (json.loads of
every line, the patterns, the report). Its report goes to /dev/null, like ours in the bench.
"""
import contextlib
import os
import sys
import types
from datetime import UTC, datetime


def main():
    checkout, log, now = sys.argv[1], sys.argv[2], sys.argv[3]
    days = int(sys.argv[4]) if len(sys.argv) > 4 else 7
    # The package's __init__.py imports names feedback_loop.py no longer defines (at the
    # commit read, 0e6f548), so it is bypassed: its two modules are loaded as they are.
    for name, path in (("tools", "tools"), ("tools.constitutional_consciousness", "tools/constitutional_consciousness")):
        package = types.ModuleType(name)
        package.__path__ = [os.path.join(checkout, path)]
        sys.modules[name] = package
    from tools.constitutional_consciousness import feedback_loop

    fixed = datetime.fromisoformat(now.replace("Z", "+00:00")).astimezone(UTC)

    class PinnedClock(datetime):
        @classmethod
        def now(cls, tz=None):
            return fixed if tz is not None else fixed.replace(tzinfo=None)

    feedback_loop.datetime = PinnedClock
    loop = feedback_loop.ConstitutionalFeedbackLoop(log_path=log)
    with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
        code = loop.run_cycle(days=days, output_format="json")
    sys.exit(code)


if __name__ == "__main__":
    main()
