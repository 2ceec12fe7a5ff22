#!/usr/bin/env bash
# Installs the system packages the build and the tests need, on Debian 12, then tauri-driver,
# then builds the web parts (scripts/web.sh: the field app's UI, which the Tauri crate embeds at
# compile time, the console and the browser-test driver). Idempotent; only calls apt-get or
# cargo install when something is missing. Needs root (or sudo) when it has to install packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Tauri app (WebKitGTK), its end-to-end test (WebKitWebDriver under Xvfb), the console's
# browser tests (chromium) and CJK fonts for readable screenshots.
# PostgreSQL for the suite's second pass (scripts/postgres.sh starts it). cmake and the sqlite3
# shell build the PROJ the server links (proj-sys's bundled source, which generates and embeds
# its proj.db: Debian 12's PROJ is older than it needs).
packages=(build-essential pkg-config cmake sqlite3 libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
  webkit2gtk-driver xvfb fonts-noto-cjk chromium curl postgresql)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q "${missing[@]}"
fi

if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "$HOME/.cargo/bin/tauri-driver" ]; then
  echo "setup: installing tauri-driver"
  cargo install tauri-driver --locked
fi

bash scripts/web.sh
