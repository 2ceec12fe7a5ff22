#!/usr/bin/env bash
# Installs the system packages the build and the tests need, on Debian 12, then tauri-driver
# and the field app's UI (app/ui/dist, which the Tauri crate embeds at compile time). Idempotent;
# only calls apt-get or cargo install when something is missing. Needs root (or sudo) when it
# has to install packages.
set -euo pipefail
cd "$(dirname "$0")/.."

# The Tauri app (WebKitGTK), its end-to-end test (WebKitWebDriver under Xvfb) and CJK fonts
# for readable screenshots.
packages=(build-essential pkg-config libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev
  webkit2gtk-driver xvfb fonts-noto-cjk)
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

# The UI: npm ci only when the lock file changed since the last install.
if [ ! -f app/ui/node_modules/.package-lock.json ] ||
  [ app/ui/package-lock.json -nt app/ui/node_modules/.package-lock.json ]; then
  (cd app/ui && npm ci --no-audit --no-fund)
fi
(cd app/ui && npm run --silent build >/dev/null)
