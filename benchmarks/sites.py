"""Figures of many sites in one container: a generated registry of 5,000 member sites in an
embedded AWS, requests for cached and not-yet-cached sites, the resident memory after touching
every one, what a site's caches weigh against the estimate that bounds them, and a lab page of
50 members with 5,000 publications."""

from __future__ import annotations

import gc
import os
import random
import time
import tracemalloc

from benchmarks.page import api_gateway_event

SITES = 5_000
LAB_MEMBERS = 50
LAB_PAPERS_EACH = 100  # 5,000 publications in all, a fifth of them shared by two members
BUCKET = "acadpage-bench-sites"
TABLE = "acadpage-bench-sites-citations"


def member_page(index: int, papers: int = 3) -> bytes:
    """A small member site: a profile, an about line and `papers` publications."""
    lines = [
        "site:", f"  title: Member {index}", "profile:", f"  name: Member {index}",
        "sections: [about, publications]", f"about: Member {index} works on topic {index % 97}.",
        "publications:",
    ]  # fmt: skip
    for number in range(papers):
        shared = number % 5 == 0  # written with the next member: the lab list shows it once
        owner = index - index % 2 if shared else index
        lines += [
            f"  - title: Paper {number} of member {owner} on topic {number % 13}",
            f"    authors: [Member {owner}, Member {owner + 1}, A. Colleague]",
            f"    venue: Venue {number % 7}",
            f"    year: {2010 + number % 15}",
        ]
    return ("\n".join(lines) + "\n").encode()


def member_event(site: str, path: str = "") -> dict:
    """API Gateway's event for GET /people/<site>."""
    event = api_gateway_event("/")
    route = "/people/{member}"
    event.update(resource=route, path=f"/people/{site}{path}", pathParameters={"member": site})
    event["requestContext"].update(resourcePath=route, path=f"/people/{site}")
    return event


def percentile_ms(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


def timed(action) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def resident_mb() -> float:
    """The process's resident memory (VmRSS), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def seed(s3, dynamodb) -> list[str]:
    """The bucket, the table, 5,000 registered member sites and the lab of the first 50."""
    from chalicelib.aws.registry import SiteRecord, SiteRegistrar
    from chalicelib.citations.store import create_table
    from chalicelib.lab.siteid import SiteId

    s3.create_bucket(Bucket=BUCKET)
    create_table(dynamodb, TABLE)
    registrar = SiteRegistrar(dynamodb, TABLE)
    names = [f"m{index:04d}" for index in range(SITES)]
    for index, name in enumerate(names):
        papers = LAB_PAPERS_EACH if index < LAB_MEMBERS else 3
        s3.put_object(Bucket=BUCKET, Key=f"sites/{name}/content/site.yaml",
                      Body=member_page(index, papers))  # fmt: skip
        registrar.register(SiteRecord(SiteId(name)))
    members = "".join(f"  - {{site: {name}, group: students}}\n" for name in names[:LAB_MEMBERS])
    lab = f"lab:\n  title: Bench Lab\nmembers:\n{members}"
    s3.put_object(Bucket=BUCKET, Key="content/lab.yaml", Body=lab.encode())
    return names


def figures():
    """Every many-sites figure, as (name, value, unit)."""
    from moto import mock_aws

    from chalicelib import runtime

    os.environ.update(
        AWS_ACCESS_KEY_ID="bench", AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION="us-east-1",
        ACADPAGE_BUCKET=BUCKET, ACADPAGE_TABLE=TABLE, ACADPAGE_CONTENT_TTL="3600",
        ACADPAGE_CITATION_TTL="3600",
    )  # fmt: skip
    with mock_aws():
        runtime.reset()
        names = seed(runtime.s3_client(), runtime.dynamodb_client())
        from app import app

        def serve(event):
            answer = app(event, None)
            assert answer["statusCode"] == 200, answer["statusCode"]

        rng = random.Random(19)
        order = names[LAB_MEMBERS:]
        rng.shuffle(order)
        gc.collect()
        before = resident_mb()
        uncached = [timed(lambda n=name: serve(member_event(n))) for name in order]
        yield "site_uncached_p50_ms", percentile_ms(uncached, 0.5), "ms"
        yield "site_uncached_p99_ms", percentile_ms(uncached, 0.99), "ms"
        pages = runtime.site_pages()
        yield "sites_touched", len(order), "sites"
        yield "sites_kept_in_cache", len(pages), "sites"
        yield "site_cache_estimate_mb", pages.resident_bytes / 1e6, "MB"
        gc.collect()
        yield "resident_mb_after_all_sites", resident_mb(), "MB"
        yield "resident_mb_growth_all_sites", resident_mb() - before, "MB"
        kept = [name for name in order if runtime.site_pages()._values.get(_site(name))]
        sample = [rng.choice(kept) for _ in range(5_000)]
        cached = [timed(lambda n=name: serve(member_event(n))) for name in sample]
        yield "site_cached_p50_ms", percentile_ms(cached, 0.5), "ms"
        yield "site_cached_p99_ms", percentile_ms(cached, 0.99), "ms"
        yield "site_bytes_measured_vs_estimate", measured_vs_estimate(app, names), "x"
        first = timed(lambda: serve(api_gateway_event("/")))
        yield "lab_page_50_members_5000_pubs_first_ms", first * 1000, "ms"
        again = [timed(lambda: serve(api_gateway_event("/"))) for _ in range(200)]
        yield "lab_page_cached_p50_ms", percentile_ms(again, 0.5), "ms"
        lab = runtime.lab_service()
        shown = lab.publications(lab.members(runtime.lab(), "", "")[1])
        yield "lab_publications_listed", len(shown.papers), "papers"


def _site(name: str):
    from chalicelib.lab.siteid import SiteId

    return SiteId(name)


def measured_vs_estimate(app, names: list[str]) -> float:
    """What 200 fresh sites' page services hold (tracemalloc) against Homepage.resident_bytes."""
    from chalicelib import runtime

    runtime.site_pages().max_bytes = 1 << 40  # nothing leaves while measuring
    fresh = names[LAB_MEMBERS : LAB_MEMBERS + 200]
    for name in fresh:  # read their pages once more, so only this run's allocations count
        runtime.site_pages()._values.pop(_site(name), None)
        runtime.site_pages()._sizes.pop(_site(name), None)
    gc.collect()
    tracemalloc.start()
    start, _ = tracemalloc.get_traced_memory()
    for name in fresh:
        app(member_event(name), None)
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    estimate = sum(runtime.site_pages().size_of(runtime.homepage(_site(n))) for n in fresh)
    return (end - start) / estimate
