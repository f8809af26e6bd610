"""The first request of a cold container, as Lambda pays it: a fresh interpreter, `import app`,
the two AWS clients, the first `/` (content read from a stubbed S3, validated, rendered), next to
a fresh interpreter that only imports boto3 and creates the same two clients."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
RUNS = 9

# The cold container: every part timed from inside; the parent adds the interpreter around it.
COLD = """
import time
started = time.process_time()
import app
imported = time.process_time()
from chalicelib import runtime
s3, dynamodb = runtime.s3_client(), runtime.dynamodb_client()
clients = time.process_time()

import io
from botocore.response import StreamingBody
from botocore.stub import Stubber
body = open("examples/site.yaml", "rb").read()
s3_stub, dynamodb_stub = Stubber(s3), Stubber(dynamodb)
s3_stub.add_response("get_object", {"Body": StreamingBody(io.BytesIO(body), len(body)),
                                    "ETag": '"v1"'})
dynamodb_stub.add_response("query", {"Items": [], "Count": 0, "ScannedCount": 0})
s3_stub.activate()
dynamodb_stub.activate()
from benchmarks.page import api_gateway_event
event = api_gateway_event("/")
stubbed = time.process_time()

answer = app.app(event, None)
served = time.process_time()
assert answer["statusCode"] == 200, answer
import json, os, sys
print(json.dumps({"import_app": imported - started, "clients": clients - imported,
                  "first_request": served - stubbed, "setup": stubbed - clients}), flush=True)
os._exit(0)  # a Lambda container is frozen, never torn down
"""
BASELINE = """
import time
started = time.process_time()
import boto3
s3, dynamodb = boto3.client("s3"), boto3.client("dynamodb")
import json, os
print(json.dumps({"boto3_and_clients": time.process_time() - started}), flush=True)
os._exit(0)
"""


def environment() -> dict[str, str]:
    """What the page function sees: its bucket and table, a region, no real credentials."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "ACADPAGE_BUCKET": "acadpage-bench",
        "ACADPAGE_TABLE": "acadpage-bench-citations",
        "ACADPAGE_SCHOLAR_ID": "DhtAFkwAAAAJ",
        "PYTHONDONTWRITEBYTECODE": "",
    }


def children_cpu_s() -> float:
    """CPU seconds (user and system) of every child process that has ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def one_process(code: str) -> dict[str, float]:
    """Run `code` in a fresh interpreter: the CPU seconds of its reported parts, plus `process`
    (the CPU time of the whole process, from the kernel) and `interpreter` (that time outside the
    reported parts: starting and stopping Python). CPU time, not wall time: on a shared machine
    the wall clock mostly measures the neighbours."""
    before = children_cpu_s()
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment(), capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    process = children_cpu_s() - before
    if run.returncode:
        raise RuntimeError(f"the cold-start process failed:\n{run.stderr}")
    parts = json.loads(run.stdout)
    return {**parts, "process": process, "interpreter": process - sum(parts.values())}


def paired_samples(runs: int = RUNS) -> tuple[list[dict], list[dict]]:
    """`runs` cold processes and `runs` baselines, taken in turn so that the machine's load
    weighs on both alike; one of each first, to warm the disk cache."""
    one_process(COLD), one_process(BASELINE)
    cold, baseline = [], []
    for _ in range(runs):
        cold.append(one_process(COLD))
        baseline.append(one_process(BASELINE))
    return cold, baseline


def paid_ms(sample: dict[str, float]) -> float:
    """What Lambda pays of a cold sample: all but the benchmark's own stubs."""
    return (sample["process"] - sample.get("setup", 0.0)) * 1000


def figures():
    """The cold start, part by part (medians), and its ratio to the boto3-only baseline (the
    median of the ratios of samples taken side by side)."""
    cold, baseline = paired_samples()
    for name in ("interpreter", "import_app", "clients", "first_request"):
        yield f"cold_{name}_ms", median(sample[name] for sample in cold) * 1000, "ms"
    yield "cold_start_ms", median(paid_ms(sample) for sample in cold), "ms"
    yield "cold_baseline_boto3_clients_ms", median(paid_ms(s) for s in baseline), "ms"
    ratios = [paid_ms(c) / paid_ms(b) for c, b in zip(cold, baseline, strict=True)]
    yield "cold_start_ratio", median(ratios), "x baseline"


if __name__ == "__main__":
    for name, value, unit in figures():
        print(f"{name}: {value:.3f} {unit}", flush=True)
