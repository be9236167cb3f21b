"""The JSON Schema of ``NoiseSpec``, shipped as ``noise_spec.schema.json`` for other tools.

Regenerate after changing the models (a test fails while the file is out of date):

    python -m noise_core.spec.schema
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from noise_core.spec.models import NoiseSpec

SCHEMA_PATH = Path(__file__).with_name("noise_spec.schema.json")


def noise_spec_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a noise-spec document, as pydantic generates it."""
    return NoiseSpec.model_json_schema()


def render_schema() -> str:
    return json.dumps(noise_spec_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    SCHEMA_PATH.write_text(render_schema(), encoding="utf-8")
    print(f"wrote {SCHEMA_PATH}")
