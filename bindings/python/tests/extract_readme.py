"""Prints the Python example of a README (its ```python blocks, joined)."""

from __future__ import annotations

import re
import sys
from pathlib import Path


def example(readme: Path) -> str:
    """The README's ```python code blocks, joined into one program."""
    blocks = re.findall(r"```python\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    if not blocks:
        raise ValueError(f"{readme} has no ```python block")
    return "\n".join(blocks)


if __name__ == "__main__":
    sys.stdout.write(example(Path(sys.argv[1])))
