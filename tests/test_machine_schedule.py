"""`acadpage refresh --every`: the refresh on the owner's machine, written for each scheduler into
a temporary home, with fake `crontab`, `systemctl` and `launchctl` on PATH (no real one touched)."""

from __future__ import annotations

import os
import plistlib
import shlex
import stat
import subprocess
from pathlib import Path

import pytest

from chalicelib.cli.machine_schedule import (
    CronWriter,
    LaunchdWriter,
    SystemdWriter,
    cron_line,
    machine_refresh,
    systemd_units,
)
from tests.httpserver import Reply
from tests.test_cli_citations import (  # noqa: F401
    FIXTURES,
    HTML,
    PROFILE,
    run,
    scholar_server,
    table_store,
    workspace,
)

FAKE_CRONTAB = """#!/bin/sh
# crontab -l prints the stored table (or fails as cron does); crontab - stores stdin
store="$FAKE_CRON_FILE"
case "$1" in
  -l) [ -f "$store" ] || { echo "no crontab for $(id -un)" >&2; exit 1; }; cat "$store" ;;
  -) cat > "$store" ;;
  *) exit 2 ;;
esac
"""
# systemctl and launchctl: note every call, one per line
FAKE_LOGGING = '#!/bin/sh\necho "$(basename "$0") $*" >> "$FAKE_CALLS"\n'


@pytest.fixture
def fake_tools(tmp_path, monkeypatch):
    """A bin folder with fake scheduler commands first on PATH; their files under tmp_path."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for name, text in (("crontab", FAKE_CRONTAB), ("systemctl", FAKE_LOGGING),
                       ("launchctl", FAKE_LOGGING)):  # fmt: skip
        path = folder / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("FAKE_CRON_FILE", str(tmp_path / "crontab.txt"))
    monkeypatch.setenv("FAKE_CALLS", str(tmp_path / "calls.txt"))
    return tmp_path


def calls(fake_tools: Path) -> list[str]:
    path = fake_tools / "calls.txt"
    return path.read_text().splitlines() if path.exists() else []


def job(
    project: Path, every: str = "week", environ: dict | None = None, program: str = "/x/acadpage"
):
    return machine_refresh("dev", every, project, ["--scholar-id", PROFILE], environ or {}, program)


def test_the_job_time_is_spread_and_stable_per_folder(tmp_path):
    one, again = job(tmp_path / "a"), job(tmp_path / "a")
    others = {
        (job(tmp_path / f"site{n}").hour, job(tmp_path / f"site{n}").minute) for n in range(20)
    }

    assert (one.hour, one.minute, one.weekday, one.name) == (
        again.hour, again.minute, again.weekday, again.name)  # fmt: skip
    assert 9 <= one.hour <= 18 and 1 <= one.weekday <= 5
    assert len(others) > 10  # twenty owners do not all ask Scholar at one minute


def test_the_job_carries_the_aws_profile_and_settings_but_never_credentials(tmp_path):
    environ = {"AWS_PROFILE": "home", "ACADPAGE_TABLE": "t", "AWS_SECRET_ACCESS_KEY": "s",
               "AWS_ACCESS_KEY_ID": "k", "AWS_SESSION_TOKEN": "x", "HOME": "/h"}  # fmt: skip

    assert dict(job(tmp_path, environ=environ).environment) == {
        "AWS_PROFILE": "home",
        "ACADPAGE_TABLE": "t",
    }


def test_the_cron_command_runs_the_refresh_in_the_project_with_its_log(tmp_path):
    """The line's command, run by /bin/sh as cron runs it, reaches the program with every word."""
    project = tmp_path / "my site 100%"
    project.mkdir()
    program = tmp_path / "fake acadpage"
    program.write_text(
        '#!/bin/sh\necho "cwd=$(pwd) profile=$AWS_PROFILE"; for a; do echo "[$a]"; done\n'
    )
    program.chmod(0o755)
    scheduled = job(project, environ={"AWS_PROFILE": "it's mine"}, program=str(program))
    scheduled.log.parent.mkdir()
    line = cron_line(scheduled)
    fields = line.split(" ", 5)
    # cron passes the command to sh with its \% turned back into %
    command = fields[5].rsplit(" # ", 1)[0].replace("\\%", "%")

    subprocess.run(["/bin/sh", "-c", command], check=True)

    assert fields[:5] == [
        str(scheduled.minute),
        str(scheduled.hour),
        "*",
        "*",
        str(scheduled.weekday),
    ]
    assert scheduled.log.read_text().splitlines() == [
        f"cwd={project} profile=it's mine",
        "[refresh]", "[--stage]", "[dev]", "[--on-schedule]", "[--scholar-id]", f"[{PROFILE}]",
    ]  # fmt: skip


def test_cron_install_replaces_its_own_line_and_keeps_the_others(fake_tools):
    (fake_tools / "crontab.txt").write_text("0 1 * * * backup\n")
    writer = CronWriter(fake_tools)

    writer.install(job(fake_tools / "a", "day"))
    writer.install(job(fake_tools / "a", "week"))
    writer.install(job(fake_tools / "b", "week"))
    lines = (fake_tools / "crontab.txt").read_text().splitlines()

    assert lines[0] == "0 1 * * * backup"
    assert lines[1:] == [cron_line(job(fake_tools / "a", "week")), cron_line(job(fake_tools / "b"))]
    assert writer.remove(job(fake_tools / "a").name) is True
    assert writer.remove(job(fake_tools / "a").name) is False
    assert (fake_tools / "crontab.txt").read_text().splitlines() == [
        "0 1 * * * backup",
        cron_line(job(fake_tools / "b")),
    ]


def test_cron_install_into_a_user_without_a_crontab(fake_tools):
    CronWriter(fake_tools).install(job(fake_tools, "day"))

    [line] = (fake_tools / "crontab.txt").read_text().splitlines()
    assert line.split(" ")[4] == "*"  # every day of the week


def test_systemd_writes_a_persistent_timer_and_starts_it(fake_tools):
    home = fake_tools / "home"
    scheduled = job(fake_tools / "site", environ={"AWS_PROFILE": "home"})

    SystemdWriter(home).install(scheduled)
    folder = home / ".config" / "systemd" / "user"

    assert sorted(path.name for path in folder.iterdir()) == sorted(systemd_units(scheduled))
    timer = (folder / f"{scheduled.name}.timer").read_text()
    service = (folder / f"{scheduled.name}.service").read_text()
    day = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")[scheduled.weekday]
    assert f"OnCalendar={day} *-*-* {scheduled.hour:02d}:{scheduled.minute:02d}:00" in timer
    assert "Persistent=true" in timer  # a run missed while the laptop slept happens on waking
    assert 'Environment="AWS_PROFILE=home"' in service
    assert f'WorkingDirectory="{fake_tools / "site"}"' in service
    assert 'ExecStart="/x/acadpage" "refresh" "--stage" "dev" "--on-schedule"' in service
    assert calls(fake_tools) == [
        "systemctl --user daemon-reload",
        f"systemctl --user enable --now {scheduled.name}.timer",
    ]


def test_systemd_off_stops_and_deletes_both_units(fake_tools):
    home = fake_tools / "home"
    scheduled = job(fake_tools / "site")
    writer = SystemdWriter(home)
    writer.install(scheduled)

    assert writer.remove(scheduled.name) is True
    assert list((home / ".config" / "systemd" / "user").iterdir()) == []
    assert calls(fake_tools)[2:] == [
        f"systemctl --user disable --now {scheduled.name}.timer",
        "systemctl --user daemon-reload",
    ]
    assert writer.remove(scheduled.name) is False


def test_launchd_writes_an_agent_and_loads_it(fake_tools):
    home = fake_tools / "home"
    scheduled = job(fake_tools / "site", environ={"AWS_PROFILE": "home"})
    writer = LaunchdWriter(home)

    writer.install(scheduled)
    path = home / "Library" / "LaunchAgents" / f"org.acadpage.{scheduled.name}.plist"
    agent = plistlib.loads(path.read_bytes())

    assert agent["ProgramArguments"] == list(scheduled.argv)
    assert agent["WorkingDirectory"] == str(fake_tools / "site")
    when = {"Hour": scheduled.hour, "Minute": scheduled.minute, "Weekday": scheduled.weekday}
    assert agent["StartCalendarInterval"] == when
    assert agent["EnvironmentVariables"] == {"AWS_PROFILE": "home"}
    assert agent["StandardOutPath"] == str(scheduled.log)
    assert calls(fake_tools) == [f"launchctl load -w {path}"]
    assert writer.remove(scheduled.name) is True
    assert not path.exists()
    assert calls(fake_tools)[1] == f"launchctl unload -w {path}"


def test_refresh_every_week_installs_and_off_removes(workspace, fake_tools, capsys):  # noqa: F811
    code, out, err = run(capsys, "refresh", "--every", "week", "--scheduler", "cron")

    assert (code, err) == (0, [])
    [line] = (fake_tools / "crontab.txt").read_text().splitlines()
    argv = shlex.split(line.split(" ", 5)[5].split(" && ", 1)[1].split(" >> ")[0])
    assert argv[argv.index("refresh") :] == ["refresh", "--stage", "dev", "--on-schedule"]
    assert (
        f"ACADPAGE_SCHOLAR_ID={PROFILE}" in argv and "ACADPAGE_TABLE=acadpage-dev-citations" in argv
    )
    assert out[0].startswith("installed: `acadpage refresh --stage dev` every ")
    assert out[2] == "remove it with `acadpage refresh --stage dev --every off`"

    assert run(capsys, "refresh", "--every", "off", "--scheduler", "cron") == (
        0, ["removed the refresh of stage dev from this machine's cron"], [])  # fmt: skip
    assert (fake_tools / "crontab.txt").read_text() == ""


def scheduled_argv(line: str) -> list[str]:
    """The refresh command of a crontab line, from `refresh` on."""
    argv = shlex.split(line.split(" ", 5)[5].split(" && ", 1)[1].split(" >> ")[0])
    return argv[argv.index("refresh") :]


def test_a_members_refresh_is_a_job_of_its_own_that_refreshes_that_member(
    workspace,  # noqa: F811
    fake_tools,
    capsys,
):
    member = ("--site", "ann", "--scholar-id", "AAAAAAAAAAAA")
    run(capsys, "refresh", "--every", "week", "--scheduler", "cron")
    code, out, err = run(capsys, "refresh", *member, "--every", "week", "--scheduler", "cron")

    assert (code, err) == (0, [])
    own, ann = (fake_tools / "crontab.txt").read_text().splitlines()
    assert scheduled_argv(own) == ["refresh", "--stage", "dev", "--on-schedule"]
    assert scheduled_argv(ann) == ["refresh", "--stage", "dev", "--on-schedule", *member]
    assert "refresh-dev-ann.log" in ann
    assert out[2] == "remove it with `acadpage refresh --stage dev --site ann --every off`"

    assert run(capsys, "refresh", "--site", "ann", "--every", "off", "--scheduler", "cron") == (
        0, ["removed the refresh of stage dev, site ann from this machine's cron"], [])  # fmt: skip
    assert (fake_tools / "crontab.txt").read_text().splitlines() == [own]


def test_refresh_every_refuses_a_site_id_that_is_no_site(workspace, fake_tools, capsys):  # noqa: F811
    code, _, err = run(capsys, "refresh", "--site", "../x", "--scholar-id", "AAAAAAAAAAAA",
                       "--every", "week", "--scheduler", "cron")  # fmt: skip

    assert code == 1 and err[0].startswith("acadpage: --site: ")
    assert not (fake_tools / "crontab.txt").exists()


def test_refresh_every_needs_a_source_first(workspace, fake_tools, capsys, monkeypatch):  # noqa: F811
    monkeypatch.delenv("ACADPAGE_SCHOLAR_ID")

    code, _, err = run(capsys, "refresh", "--every", "day", "--scheduler", "cron")

    assert code == 1 and err[0].startswith("acadpage: no Google Scholar id configured")
    assert not (fake_tools / "crontab.txt").exists()


def test_the_scheduled_refresh_says_the_numbers_came_from_the_owners_machine(
    workspace,  # noqa: F811
    capsys,
    scholar_server,  # noqa: F811
):
    page = (FIXTURES / "scholar" / "profile_P1RwlvoAAAAJ_complete.html").read_text("utf-8")
    scholar_server.route("/citations", Reply(200, HTML, page))

    run(capsys, "refresh", "--on-schedule", "--scholar-url", scholar_server.url)
    code, out, _ = run(capsys, "status")

    assert code == 0

    state = table_store().load_current(PROFILE)
    assert state.snapshots["scholar"].origin == "owner-machine-schedule"
    assert out[0].startswith(
        f"profile {PROFILE}: showing Google Scholar (from the schedule on the owner's machine): "
    )
    assert " by the schedule on the owner's machine " in out[1]
