"""Print every figure as `name: value unit` (`python -m benchmarks sites`: one module's)."""

import sys

from benchmarks import citations, cold_start, fanout, importers, page, sites, validate


def main() -> None:
    modules = (page, validate, cold_start, citations, importers, fanout, sites)
    wanted = set(sys.argv[1:])
    for module in modules:
        if wanted and module.__name__.rsplit(".", 1)[-1] not in wanted:
            continue
        for name, value, unit in module.figures():
            print(
                f"{name}: {value:.3f} {unit}"
                if isinstance(value, float)
                else f"{name}: {value} {unit}",
                flush=True,
            )


if __name__ == "__main__":
    main()
