"""Whether two build folders hold the same files, byte for byte (a faster path against the plain
build): the files only one has and those that differ, first 30. Exit status 1 if any.

    python benchmarks/compare_builds.py BUILD_A BUILD_B
"""

from __future__ import annotations

import sys
from pathlib import Path


def files(root: Path) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def main() -> int:
    a, b = (files(Path(arg)) for arg in sys.argv[1:3])
    only_a, only_b = sorted(a.keys() - b.keys()), sorted(b.keys() - a.keys())
    differ = [name for name in sorted(a.keys() & b.keys()) if a[name].read_bytes() != b[name].read_bytes()]
    print(f"{len(a)} and {len(b)} files; only in the first {len(only_a)}, only in the second {len(only_b)}, "
          f"differing {len(differ)}")
    for name in (only_a + only_b + differ)[:30]:
        print(f"  {name}")
    return 1 if only_a or only_b or differ else 0


if __name__ == "__main__":
    sys.exit(main())
