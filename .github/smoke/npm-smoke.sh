#!/bin/sh
# Installs the packed npm tarballs of one platform (the main package, omi-push-<platform> and
# omi-push-testing) into an empty folder, as a user's project would, and runs smoke.mjs there.
#   npm-smoke.sh <tarball dir> <napi platform, e.g. linux-x64-musl>
set -eu
dir=$(cd "$1" && pwd) platform=$2
here=$(cd "$(dirname "$0")" && pwd)
app=$(mktemp -d)
cd "$app"
npm init -y >/dev/null
# The main package lists every platform package as an optional dependency; they are not
# published yet, so only this platform's (given explicitly) is installed.
npm install --no-audit --no-fund --omit=optional \
    "$dir"/omi-push-0*.tgz "$dir/omi-push-$platform"-0*.tgz "$dir"/omi-push-testing-0*.tgz
cp "$here/smoke.mjs" .
node smoke.mjs
