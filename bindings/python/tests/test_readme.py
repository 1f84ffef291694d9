"""The README's example runs as a test."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from extract_readme import example

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_example_runs(tmp_path: Path) -> None:
    script = tmp_path / "readme_example.py"
    script.write_text(example(README), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("restored 100000 bytes")
