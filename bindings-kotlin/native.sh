#!/bin/sh
# Builds one native library of the JVM artifacts and generates its uniffi Kotlin sources. Maven
# runs it (exec-maven-plugin, generate-sources), so `mvn verify` works on a fresh clone.
#
#   native.sh core|testing debug|release <generated-sources dir> <resources dir>
#
#   core     omi-push-kotlin          -> libomi_push_uniffi          (the omi-push jar)
#   testing  omi-push-kotlin-testing  -> libomi_push_testing_uniffi  (the omi-push-testing jar)
#
# The library goes to <resources dir>/<JNA platform folder>/ (linux-x86-64/, darwin-aarch64/, ...)
# without debug sections. CARGO_TARGET_DIR and CARGO are honoured. With OMI_PUSH_GLIBC=2.17 (as
# `make package` and the release pipeline set it) a Linux library is linked through zig
# (cargo-zigbuild) against that glibc's symbols instead of this machine's.
set -eu

what=$1 profile=$2 gen=$3 res=$4
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
target=${CARGO_TARGET_DIR:-$root/target}
cargo=${CARGO:-cargo}

case $what in
    core) package=omi-push-kotlin lib=omi_push_uniffi ;;
    testing) package=omi-push-kotlin-testing lib=omi_push_testing_uniffi ;;
    *) echo "native.sh: core or testing, not $what" >&2; exit 2 ;;
esac
case $profile in
    release) flag=--release ;;
    debug) flag= ;;
    *) echo "native.sh: debug or release, not $profile" >&2; exit 2 ;;
esac

# JNA's resource folder (Platform.RESOURCE_PREFIX) and file name of this machine.
arch=$(uname -m)
case $arch in x86_64 | amd64) arch=x86-64 ;; arm64 | aarch64) arch=aarch64 ;; esac
case $(uname -s) in
    Linux) platform=linux-$arch file=lib$lib.so ;;
    Darwin) platform=darwin-$arch file=lib$lib.dylib ;;
    MINGW* | MSYS* | CYGWIN*) platform=win32-$arch file=$lib.dll ;;
    *) echo "native.sh: no JNA folder known for $(uname -s)" >&2; exit 2 ;;
esac

# One package per cargo command: building both libraries in one command would unify the ffi
# crate's `sim` feature into the production library.
cd "$root"
if [ -n "${OMI_PUSH_GLIBC:-}" ] && [ "$(uname -s)" = Linux ]; then
    triple=$(rustc -vV | sed -n 's/^host: //p')
    $cargo zigbuild -p "$package" $flag --target "$triple.$OMI_PUSH_GLIBC"
    built=$target/$triple/$profile/$file
else
    $cargo build -p "$package" $flag
    built=$target/$profile/$file
fi
$cargo build -p uniffi-bindgen

rm -rf "$gen" "$res"
mkdir -p "$gen" "$res/$platform"
# From the rlib of the same build (same metadata as the cdylib): a library linked through zig
# has no symbol table left, and the bindgen reads the metadata from symbols.
"$target/debug/uniffi-bindgen" generate --library "$(dirname "$built")/lib$lib.rlib" --language kotlin \
    --out-dir "$gen" --no-format
# Debug sections only make the jar big (symbols stay, for stack traces).
if ! strip --strip-debug -o "$res/$platform/$file" "$built" 2>/dev/null; then
    cp "$built" "$res/$platform/$file"
fi
