"""Validate Classiq exports with Classiq's own SDK, which cannot share our environment.

classiq 1.34 pins pandas<3 and plotly<6 (we need pandas>=3.1, plotly>=7.1), so it runs in a
virtual environment of its own:

    python3 -m venv /tmp/classiq-venv && /tmp/classiq-venv/bin/pip install classiq==1.34.0
    .venv/bin/python -m noise_core export --format classiq --approximate SPEC.json -o spec.classiq.json
    /tmp/classiq-venv/bin/python scripts/check_with_classiq.py spec.classiq.json [...]

Exit status 0 when every file is accepted by ``ClassiqSimulatorNoiseSpecification``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from classiq import ClassiqSimulatorNoiseSpecification


def main(paths: list[str]) -> int:
    failures = 0
    for path in paths:
        document = json.loads(Path(path).read_text())
        try:
            spec = ClassiqSimulatorNoiseSpecification.model_validate(document)
        except ValueError as error:
            failures += 1
            print(f"{path}: REJECTED\n{error}")
            continue
        same = spec.model_dump(mode="json") == document
        print(f"{path}: accepted; fields round-trip unchanged: {same}")
        failures += not same
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
