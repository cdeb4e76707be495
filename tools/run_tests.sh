#!/usr/bin/env bash
# The whole test suite, stage by stage; `make test` runs it inside .venv.
# Every stage runs even if an earlier one fails; the last line sums up, pytest's way.
set -uo pipefail
cd "$(dirname "$0")/.."

failed=()
ran=0
start=$SECONDS

stage() {
  local name=$1; shift
  local t0=$SECONDS
  ran=$((ran + 1))
  echo
  echo "==================== $name ===================="
  if "$@"; then
    echo "---- $name: ok ($((SECONDS - t0)) s)"
  else
    echo "---- $name: FAILED ($((SECONDS - t0)) s)"
    failed+=("$name")
  fi
}

stage "ruff" bash -c "ruff check . && ruff format --check ."
stage "exercises in sync" python tools/make_exercises.py --check
stage "unit tests" python -m pytest tests
# The notebooks run twice, on two float paths: nbval on torch's scalar kernels
# (ATEN_CPU_CAPABILITY=default: the rounding of another CPU), the book build on the native
# SIMD kernels. A lesson that holds only on one path's rounding fails one of the two stages.
stage "notebooks (nbval, scalar kernels)" env ATEN_CPU_CAPABILITY=default \
  python -m pytest --nbval-lax --nbval-current-env -p no:cacheprovider book solutions exercises
stage "book build" bash -c \
  "jupyter-book build . -W -n --keep-going && python tools/check_rendered.py _build/html"
# Every built page opened in headless Chromium (Debian's package; CI installs it in .ci/run):
# console errors, images and alt text, typeset maths, unrendered MyST, links and anchors,
# toggles, the search page; a screenshot of each page goes to _build/screenshots/.
if [ ! -x /usr/bin/chromium ]; then
  echo
  echo "---- pages in the browser: skipped (no /usr/bin/chromium;" \
       "enable it with: apt-get install chromium chromium-driver)"
elif [[ " ${failed[*]} " == *" book build "* ]]; then
  echo
  echo "---- pages in the browser: skipped (the book build failed)"
else
  stage "pages in the browser" python tools/browser_check.py _build/html
fi

elapsed=$((SECONDS - start))
echo
if [ ${#failed[@]} -eq 0 ]; then
  echo "==================== ${ran} stages passed in ${elapsed}s ===================="
else
  echo "==================== ${#failed[@]} failed: ${failed[*]}; in ${elapsed}s ===================="
  exit 1
fi
