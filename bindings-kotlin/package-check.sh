#!/bin/sh
# Checks the release jars of `make package`:
#   - the production library links no simulator code: no omi_push_sim:: / axum:: symbol, no
#     phone-page text and no simulator/axum source path in the release library before stripping
#     (and the testing library, built the same way, does have them: the check can see them);
#   - the libraries in the jars have no .debug_* section;
#   - sizes, and the newest glibc symbol version the libraries need (with OMI_PUSH_MAX_GLIBC=2.17,
#     as in the release pipeline, a newer one fails).
#
#   package-check.sh <cargo release dir> <omi-push jar> <omi-push-testing jar>
set -eu

release=$1 jar=$2 testing_jar=$3
prod=$release/libomi_push_uniffi.so
sim=$release/libomi_push_testing_uniffi.so
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
    echo "package-check: FAIL: $*" >&2
    exit 1
}

# What only simulator code brings: its symbols (demangled; when the library has a symbol table:
# zig's links have none), the phone page's text, and the source paths of the simulator crate and
# of axum that Rust keeps for panic locations.
sim_code() {
    if [ -n "$(nm --defined-only "$1" 2>/dev/null | head -n 1)" ]; then
        s=$(nm -C --defined-only "$1" | grep -cE 'omi_push_sim::|axum::' || true)
    else
        s="no-symtab"
    fi
    t=$(strings "$1" | grep -cE 'Virtual phone|simulator/src/|axum-0\.' || true)
    echo "$s symbols, $t strings"
}

prod_sim=$(sim_code "$prod")
test_sim=$(sim_code "$sim")
echo "simulator code (omi_push_sim::/axum:: symbols; 'Virtual phone', simulator/src/, axum-0.* strings):"
echo "  production $prod: $prod_sim"
echo "  testing    $sim: $test_sim"
case $prod_sim in
    "0 symbols, 0 strings" | "no-symtab symbols, 0 strings") ;;
    *) fail "the production library contains simulator code" ;;
esac
case $test_sim in *" 0 strings") fail "the testing library shows no simulator code: the check is blind" ;; esac

check_jar() {
    archive=$1 entry=$2
    unzip -q -o "$archive" "$entry" -d "$tmp" || fail "$entry missing from $archive"
    lib=$tmp/$entry
    debug=$(readelf -S "$lib" | grep -c '\.debug_' || true)
    [ "$debug" = 0 ] || fail "$entry in $archive has $debug .debug_* sections"
    glibc=$(objdump -T "$lib" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1)
    if [ -n "${OMI_PUSH_MAX_GLIBC:-}" ]; then
        newest=$(printf '%s\n%s\n' "GLIBC_$OMI_PUSH_MAX_GLIBC" "$glibc" | sort -V | tail -1)
        [ "$newest" = "GLIBC_$OMI_PUSH_MAX_GLIBC" ] || fail "$entry of $archive needs $glibc, newer than GLIBC_$OMI_PUSH_MAX_GLIBC"
    fi
    echo "  $archive: $(wc -c <"$archive") bytes; $entry: $(wc -c <"$lib") bytes, .debug_* sections: $debug, newest symbol version: $glibc"
}

echo "jars:"
check_jar "$jar" linux-x86-64/libomi_push_uniffi.so
check_jar "$testing_jar" linux-x86-64/libomi_push_testing_uniffi.so
unzip -l "$jar" | grep -q 'dev/omipush/testing/' && fail "$jar carries dev.omipush.testing"
unzip -l "$jar" | grep -q 'testing_uniffi' && fail "$jar carries the simulator library"
echo "  cargo release libraries: $(wc -c <"$prod") bytes ($prod), $(wc -c <"$sim") bytes ($sim)"
echo "package-check: OK"
