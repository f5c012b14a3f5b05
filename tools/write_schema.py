"""Write docs/studyguide.schema.json from the settings' definitions (run after changing them)."""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from studyguide.config import json_schema  # noqa: E402

(ROOT / "docs" / "studyguide.schema.json").write_text(
    json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
