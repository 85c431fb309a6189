# Sourced by the render tests that drive headless Chromium: sets chromium,
# python and a temporary directory tmp (removed at exit), or prints TAP's
# skip line and exits when Chromium or python3 is missing.
chromium=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "1..0 # SKIP chromium is not installed"
    exit 0
fi
python=$(command -v python3 || true)
if [ -z "$python" ]; then
    echo "1..0 # SKIP python3 is not installed"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
