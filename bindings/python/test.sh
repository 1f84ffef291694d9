#!/usr/bin/env bash
# Builds and installs the Python module into a fresh virtualenv (target/venv-python) with
# `pip install ./bindings/python` (maturin builds the abi3 wheel), then runs the pytest suite from
# outside the source tree, so `import strongroom` is the installed wheel, and mypy --strict over
# the tests and the README example. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
python=${PYTHON:-python3}
venv="$root/target/venv-python"

echo "== python bindings: fresh virtualenv at $venv =="
rm -rf "$venv"
"$python" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet --upgrade pip
"${pip[@]}" install --quiet pytest mypy cryptography typing_extensions

echo "== pip install ./bindings/python (maturin, release build) =="
CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}" "${pip[@]}" install "$root/bindings/python"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

echo "== pytest (from $work) =="
"$venv/bin/python" -m pytest -p no:cacheprovider \
  -o "testpaths=" "$root/bindings/python/tests" "$@"

echo "== mypy --strict (tests and the README example) =="
"$venv/bin/python" "$root/bindings/python/tests/extract_readme.py" \
  "$root/bindings/python/README.md" > "$work/readme_example.py"
"$venv/bin/python" -m mypy --strict --no-incremental \
  "$root/bindings/python/tests" "$work/readme_example.py"
echo "python bindings: all checks passed"
