"""The first request of a cold container, as Lambda pays it: a fresh interpreter, `import app`,
the two AWS clients, the first `/` (content read from a stubbed S3, validated, rendered), next to
a fresh interpreter that only imports boto3 and creates the same two clients."""

from __future__ import annotations

import resource
import tempfile
from pathlib import Path
from statistics import median

from scripts.precompile_package import FIRST_REQUEST, run_as_page_function, unpack

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9

BASELINE = """
import time
started = time.process_time()
import boto3
s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
import json, os
print(json.dumps({"boto3_and_clients": time.process_time() - started}), flush=True)
os._exit(0)
"""


def children_cpu_s() -> float:
    """CPU seconds (user and system) of every child process that has ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_process(code: str, code_dir: Path = ROOT) -> dict[str, float]:
    """Run `code` in a fresh interpreter: the CPU seconds of its reported parts, plus `process`
    (the CPU time of the whole process, from the kernel) and `interpreter` (that time outside the
    reported parts: starting and stopping Python). CPU time, not wall time: on a shared machine
    the wall clock mostly measures the neighbours."""
    before = children_cpu_s()
    printed = run_as_page_function(code, code_dir)
    process = children_cpu_s() - before
    parts = {name: value for name, value in printed.items() if name != "modules"}
    return {**parts, "process": process, "interpreter": process - sum(parts.values())}


def paired_samples(code_dir: Path, runs: int = RUNS) -> tuple[list[dict], list[dict]]:
    """`runs` cold processes and `runs` baselines, taken in turn so that the machine's load
    weighs on both alike; one of each first, to warm the disk cache."""
    one_process(FIRST_REQUEST, code_dir), one_process(BASELINE, code_dir)
    cold, baseline = [], []
    for _ in range(runs):
        cold.append(one_process(FIRST_REQUEST, code_dir))
        baseline.append(one_process(BASELINE, code_dir))
    return cold, baseline


def paid_ms(sample: dict[str, float]) -> float:
    """What Lambda pays of a cold sample: all but the benchmark's own stubs."""
    return (sample["process"] - sample.get("setup", 0.0)) * 1000


def figures():
    """The cold start, part by part (medians), and its ratio to the boto3-only baseline (the
    median of the ratios of samples taken side by side). Run from the unpacked deployment zip
    when `make package` built one (as Lambda runs it), else from the repository."""
    package = ROOT / "build" / "package" / "deployment.zip"
    if not package.exists():
        yield from cold_figures(ROOT, "cold_source_")
        return
    with tempfile.TemporaryDirectory() as tmp:
        yield from cold_figures(unpack(package, Path(tmp)), "cold_")


def cold_figures(code_dir: Path, prefix: str):
    """The figures of cold starts run from `code_dir`, named `<prefix>...`."""
    cold, baseline = paired_samples(code_dir)
    for name in ("interpreter", "import_app", "clients", "first_request"):
        yield f"{prefix}{name}_ms", median(sample[name] for sample in cold) * 1000, "ms"
    yield f"{prefix}start_ms", median(paid_ms(sample) for sample in cold), "ms"
    yield f"{prefix}baseline_boto3_clients_ms", median(paid_ms(s) for s in baseline), "ms"
    ratios = [paid_ms(c) / paid_ms(b) for c, b in zip(cold, baseline, strict=True)]
    yield f"{prefix}start_ratio", median(ratios), "x baseline"


if __name__ == "__main__":
    for name, value, unit in figures():
        print(f"{name}: {value:.3f} {unit}", flush=True)
