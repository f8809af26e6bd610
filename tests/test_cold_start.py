"""A cold start loads the templates compiled at package time instead of compiling them, falls
back to compiling when they are missing or stale, and `make bench` measures it."""

from __future__ import annotations

from chalicelib.site import render
from chalicelib.site import templates as tpl
from chalicelib.site.content import load_site
from tests.conftest import EXAMPLES


def counting_compiles(env) -> list[str]:
    """The names of the templates `env` compiles from now on."""
    compiled: list[str] = []
    original = env.compile

    def compile_and_count(source, name=None, filename=None, raw=False, defer_init=False):
        compiled.append(name)
        return original(source, name, filename, raw, defer_init)

    env.compile = compile_and_count
    return compiled


def load_every_template(env) -> None:
    for name in env.list_templates():
        if name.endswith((".html", ".css")):
            env.get_template(name)


def test_packaged_templates_load_without_compiling(tmp_path):
    names = tpl.compile_templates(tmp_path / "compiled")
    assert {"home.html", "base.html", "site.css", "error.html"} <= set(names)
    assert len(list((tmp_path / "compiled").glob("__jinja2_*.cache"))) == len(names)

    env = tpl._environment(tpl._PackagedBytecode(str(tmp_path / "compiled")))
    compiled = counting_compiles(env)
    load_every_template(env)
    assert compiled == []


def test_without_packaged_templates_they_are_compiled(tmp_path):
    env = tpl._environment(tpl._PackagedBytecode(str(tmp_path / "nothing-here")))
    compiled = counting_compiles(env)
    load_every_template(env)
    assert "home.html" in compiled
    assert not (tmp_path / "nothing-here").exists()  # nothing is written at run time


def test_a_changed_template_is_compiled_again_not_served_stale(tmp_path):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.html").write_text("old {{ 1 + 1 }}")
    tpl.compile_templates(tmp_path / "compiled", templates)
    (templates / "page.html").write_text("new {{ 2 + 2 }}")

    env = tpl._environment(tpl._PackagedBytecode(str(tmp_path / "compiled")), templates)
    compiled = counting_compiles(env)
    assert env.get_template("page.html").render() == "new 4"
    assert compiled == ["page.html"]


def test_the_page_is_the_same_from_packaged_templates(tmp_path):
    site = load_site((EXAMPLES / "site.yaml").read_bytes())
    expected = render.render_home_page(site, None)
    tpl.compile_templates(tmp_path / "compiled")
    env = tpl._environment(tpl._PackagedBytecode(str(tmp_path / "compiled")))
    fresh = tpl._environment(tpl._PackagedBytecode(str(tmp_path / "none")))
    home = {"site": site, "settings": site.settings, "profile": site.profile, "sections": [],
            "citations": None, "paper_counts": {}, "chart_svg": "", "freshness": "",
            "base_path": "", "alternates": (), "media": lambda value: value,
            "seo": render.page_seo(site, ())}  # fmt: skip
    assert env.get_template("home.html").render(home) == fresh.get_template("home.html").render(
        home
    )
    assert "<html" in expected


def test_compiled_code_names_templates_not_this_machines_paths(tmp_path):
    tpl.compile_templates(tmp_path / "compiled")
    for entry in (tmp_path / "compiled").glob("__jinja2_*.cache"):
        assert str(tpl.TEMPLATES_DIR).encode() not in entry.read_bytes()


def test_the_cold_start_benchmark_measures_both_processes():
    from benchmarks import cold_start

    cold = cold_start.one_process(cold_start.FIRST_REQUEST)
    baseline = cold_start.one_process(cold_start.BASELINE)
    assert {"import_app", "clients", "first_request", "interpreter", "process"} <= set(cold)
    assert cold["process"] > cold["import_app"] > 0
    assert baseline["process"] > baseline["boto3_and_clients"] > 0


# --- the package: bytecode Lambda can use ------------------------------------------------------


def test_the_package_ships_bytecode_lambda_loads_without_the_sources(package, tmp_path):
    import zipfile

    from scripts.precompile_package import run_first_request, unpack

    archive = package / "deployment.zip"
    names = set(zipfile.ZipFile(archive).namelist())
    code = unpack(archive, tmp_path / "task")
    modules = run_first_request(code)["modules"]
    assert {"app.py", "jinja2/environment.py", "yaml/__init__.py", "chalice/app.py"} <= set(modules)
    sources = [name for name in modules if name.endswith(".py")]
    assert [name for name in sources if pyc_of(name) not in names] == []
    # Unchecked hash-based bytecode is used without reading the source: break every source.
    for name in sources:
        (code / name).write_text("raise SystemExit('compiled from source')\n")
    assert run_first_request(code)["modules"] == modules


def pyc_of(source: str) -> str:
    from scripts.precompile_package import pyc_name

    return pyc_name(source)


def test_the_package_has_no_bytecode_of_this_machines_timestamps(package):
    import zipfile

    with zipfile.ZipFile(package / "deployment.zip") as archive:
        for info in archive.infolist():
            if info.filename.endswith(".pyc"):
                flags = int.from_bytes(archive.read(info)[4:8], "little")
                assert flags == 0b01, info.filename  # hash-based, unchecked (PEP 552)
