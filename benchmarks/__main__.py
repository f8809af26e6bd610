"""Print every figure as `name: value unit`."""

from benchmarks import citations, cold_start, fanout, importers, page, sites, validate


def main() -> None:
    for module in (page, validate, cold_start, citations, importers, fanout, sites):
        for name, value, unit in module.figures():
            print(
                f"{name}: {value:.3f} {unit}"
                if isinstance(value, float)
                else f"{name}: {value} {unit}",
                flush=True,
            )


if __name__ == "__main__":
    main()
