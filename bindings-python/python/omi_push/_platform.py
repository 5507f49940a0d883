"""The platforms omi-push ships a native library for, and the error on one it does not."""

from __future__ import annotations

import platform
import sys
import sysconfig

SUPPORTED = (
    "Linux x86_64 (glibc 2.17+, manylinux2014)",
    "Linux aarch64 (glibc 2.17+, manylinux2014)",
    "Linux x86_64 (musl, musllinux_1_2)",
    "Linux aarch64 (musl, musllinux_1_2)",
    "macOS x86_64",
    "macOS arm64",
    "Windows x64",
)
"""What the release pipeline builds a wheel for (CPython 3.9+, abi3); see the README's Platforms."""


def describe() -> str:
    """This interpreter's platform, as a person reads it (e.g. ``linux-x86_64, glibc 2.31``)."""
    libc, version = platform.libc_ver()
    implementation = f"{platform.python_implementation()} {sys.version_info[0]}.{sys.version_info[1]}"
    return ", ".join(p for p in (sysconfig.get_platform(), f"{libc} {version}".strip(), implementation) if p)


def unsupported(cause: BaseException) -> ImportError:
    """The ImportError of a missing or unloadable native library: which platform this is,
    which ones are supported, and what was wrong (the loader's own words)."""
    return ImportError(
        f"omi-push has no usable native library for this platform ({describe()}): {cause}. "
        f"Supported platforms: {'; '.join(SUPPORTED)}. Elsewhere, `pip install omi-push` builds the "
        "source distribution, which needs a Rust toolchain (https://rustup.rs).",
        name="omi_push._native",
    )
