"""Golden files: a test's output compared with a file in golden/, rewritten on request.

`COMPOSER_UPDATE_GOLDEN=1 scripts/test tests/unit/generate` writes the files anew; review the
diff before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).resolve().parent / "golden"
UPDATE = "COMPOSER_UPDATE_GOLDEN"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get(UPDATE) == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run the test with {UPDATE}=1 to write it"
    expected = path.read_text(encoding="utf-8")
    assert text == expected, f"{name} differs from the golden file ({UPDATE}=1 rewrites it)"
