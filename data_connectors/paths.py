"""Where StockLens keeps its own files: the demo database and databases created by uploads.

$STOCKLENS_DATA_DIR moves them (default: data/ in the project folder).
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR = Path(os.environ.get("STOCKLENS_DATA_DIR")
                or Path(__file__).resolve().parents[1] / "data")
DEMO_DB = DATA_DIR / "demo.duckdb"
IMPORTS_DIR = DATA_DIR / "imports"
