#!/usr/bin/env bash
# Install the Label Studio server into its own virtualenv, for the real-server tests.
#
# label-studio pins label-studio-sdk exactly, so it must never share the project's venv.
# Usage: bash .ci/install-label-studio.sh          (venv at ${LABEL_STUDIO_VENV:-.ci-cache/label-studio})
# Prints the path of the `label-studio` executable on its last line; export it as
# CROWD_SANDBOX_LABEL_STUDIO for the tests. Idempotent: an existing working install is reused.
set -euo pipefail

VENV="${LABEL_STUDIO_VENV:-.ci-cache/label-studio}"
PYTHON="${LABEL_STUDIO_PYTHON:-python3}"
# The version the tests and the documented pitfalls were checked with.
SPEC="${LABEL_STUDIO_SPEC:-label-studio==1.23.2}"

if [ -x "$VENV/bin/label-studio" ] && "$VENV/bin/python" -c "import label_studio" 2>/dev/null; then
    echo "label-studio already installed in $VENV" >&2
else
    mkdir -p "$(dirname "$VENV")"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip >&2
    "$VENV/bin/python" -m pip install --quiet "$SPEC" >&2
fi
"$VENV/bin/python" -c "import label_studio; print('label-studio', label_studio.__version__)" >&2
cd "$(dirname "$VENV/bin/label-studio")" && echo "$(pwd)/label-studio"
