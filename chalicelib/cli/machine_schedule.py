"""`acadpage refresh --every`: the same refresh on the owner's machine, from its own scheduler.

Scholar answers data-centre addresses with 403 or a sign-in page, so the schedule in AWS mostly
falls back to the open sources; the owner's machine is not blocked. One writer per scheduler
(crontab, systemd user timer, launchd agent), each given the home folder and the way to run a
command, so tests point them at a temporary home and fake `crontab`/`systemctl`/`launchctl`.
"""

from __future__ import annotations

import hashlib
import os
import plistlib
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from chalicelib.cli.labfolder import site_of
from chalicelib.errors import UserError

EVERY = ("day", "week", "off")
# Carried into the job, which starts with an almost empty environment; never credentials.
CARRIED_VARIABLES = ("AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_CONFIG_FILE",
                     "AWS_SHARED_CREDENTIALS_FILE")  # fmt: skip
SCHEDULERS = ("cron", "systemd", "launchd")
WEEKDAY_NAMES = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")

Runner = Callable[..., subprocess.CompletedProcess]


@dataclass(frozen=True)
class MachineRefresh:
    """What the machine's scheduler runs: the refresh command, where, when and into which log."""

    name: str  # acadpage-refresh-<stage>-<hash of the project folder>
    every: str  # day | week
    argv: tuple[str, ...]
    project: Path
    log: Path
    environment: tuple[tuple[str, str], ...]
    hour: int
    minute: int
    weekday: int  # 0 = Sunday, as cron and launchd count; unused for "day"


def machine_refresh(
    stage: str,
    every: str,
    project: Path,
    options: Sequence[str],
    environ: Mapping[str, str],
    program: str,
    site: str = "",
) -> MachineRefresh:
    """The job for `stage` (or for its member `site`, a job of its own) in `project`; its time
    is spread by the folder's hash, so owners' machines never all ask Scholar at one minute."""
    project = project.resolve()
    scope = f"{stage}-{site}" if site else stage
    spread = f"{project}\0{stage}" + (f"/{site}" if site else "")
    digest = hashlib.sha256(spread.encode()).digest()
    argv = (program, "refresh", "--stage", stage, "--on-schedule", *options)
    carried = sorted(
        (name, value)
        for name, value in environ.items()
        if name in CARRIED_VARIABLES or (name.startswith("ACADPAGE_") and value)
    )
    return MachineRefresh(
        name=f"acadpage-refresh-{scope}-{digest[:3].hex()}",
        every=every,
        argv=argv,
        project=project,
        log=project / ".acadpage" / f"refresh-{scope}.log",
        environment=tuple(carried),
        hour=9 + digest[3] % 10,  # 09:00-18:59 local time, when a laptop is likely awake
        minute=digest[4] % 60,
        weekday=1 + digest[5] % 5,  # Monday to Friday
    )


def acadpage_program() -> str:
    """The `acadpage` command of this installation, by its full path: a job has no PATH of ours."""
    beside = Path(sys.executable).parent / "acadpage"
    found = str(beside) if beside.is_file() else shutil.which("acadpage")
    if not found:
        raise UserError("--every: the `acadpage` command is not installed; run `make test` first")
    return str(Path(found).absolute())


def when_text(job: MachineRefresh) -> str:
    """When the job runs, as the owner reads it."""
    at = f"{job.hour:02d}:{job.minute:02d} local time"
    return f"every day at {at}" if job.every == "day" else f"every {_weekday(job)} at {at}"


def _weekday(job: MachineRefresh) -> str:
    return WEEKDAY_NAMES[job.weekday]


def shell_command(job: MachineRefresh) -> str:
    """The job as one /bin/sh line: into the project, the carried variables, output to the log."""
    variables = " ".join(f"{name}={shlex.quote(value)}" for name, value in job.environment)
    command = " ".join(shlex.quote(part) for part in job.argv)
    return (
        f"cd {shlex.quote(str(job.project))} && {variables + ' ' if variables else ''}"
        f"{command} >> {shlex.quote(str(job.log))} 2>&1"
    )


def cron_line(job: MachineRefresh) -> str:
    """The crontab line, tagged with the job's name so `--every off` finds it again."""
    weekday = "*" if job.every == "day" else str(job.weekday)
    # cron turns an unescaped % into a newline
    command = shell_command(job).replace("%", "\\%")
    return f"{job.minute} {job.hour} * * {weekday} {command} # {job.name}"


def systemd_units(job: MachineRefresh) -> dict[str, str]:
    """The service and timer unit files, by file name."""
    environment = "".join(
        f"Environment={_systemd_quote(f'{name}={value}')}\n" for name, value in job.environment
    )
    calendar = ("*-*-*" if job.every == "day" else f"{_weekday(job)} *-*-*") + (
        f" {job.hour:02d}:{job.minute:02d}:00"
    )
    service = (
        "[Unit]\nDescription=acadpage: refresh the citation numbers from this machine\n\n"
        f"[Service]\nType=oneshot\nWorkingDirectory={_systemd_quote(str(job.project))}\n"
        f"{environment}ExecStart={' '.join(_systemd_quote(part) for part in job.argv)}\n"
        f"StandardOutput=append:{job.log}\nStandardError=append:{job.log}\n"
    )
    # Persistent: a run missed while the machine was off happens when it is next on.
    timer = (
        "[Unit]\nDescription=acadpage: refresh the citation numbers from this machine\n\n"
        f"[Timer]\nOnCalendar={calendar}\nPersistent=true\nRandomizedDelaySec=15min\n\n"
        "[Install]\nWantedBy=timers.target\n"
    )
    return {f"{job.name}.service": service, f"{job.name}.timer": timer}


def _systemd_quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"'


def launchd_agent(job: MachineRefresh) -> bytes:
    """The launchd agent's property list."""
    interval = {"Hour": job.hour, "Minute": job.minute}
    if job.every == "week":
        interval["Weekday"] = job.weekday
    agent = {
        "Label": f"org.acadpage.{job.name}",
        "ProgramArguments": list(job.argv),
        "WorkingDirectory": str(job.project),
        "EnvironmentVariables": dict(job.environment),
        "StartCalendarInterval": interval,
        "StandardOutPath": str(job.log),
        "StandardErrorPath": str(job.log),
    }
    return plistlib.dumps(agent)


def _run(run: Runner, argv: list[str], **options) -> subprocess.CompletedProcess:
    """Run a scheduler's command; a missing command or a failure is one UserError line."""
    try:
        done = run(argv, capture_output=True, text=True, check=False, **options)
    except OSError as error:
        raise UserError(f"`{' '.join(argv)}` could not run: {error.strerror or error}") from None
    return done


def _require(done: subprocess.CompletedProcess, argv: list[str]) -> None:
    if done.returncode != 0:
        said = (done.stderr or done.stdout or "").strip().splitlines()
        raise UserError(
            f"`{' '.join(argv)}` failed (exit {done.returncode})"
            + (f": {said[-1]}" if said else "")
        )


class CronWriter:
    """The job as a tagged line of the user's crontab."""

    kind = "cron"

    def __init__(self, home: Path, run: Runner = subprocess.run):
        self.run = run

    def _lines(self) -> list[str]:
        done = _run(self.run, ["crontab", "-l"])
        if done.returncode != 0 and "no crontab" not in (done.stderr or "").lower():
            _require(done, ["crontab", "-l"])
        return done.stdout.splitlines() if done.returncode == 0 else []

    def _write(self, lines: list[str]) -> None:
        text = "".join(line + "\n" for line in lines)
        _require(_run(self.run, ["crontab", "-"], input=text), ["crontab", "-"])

    def install(self, job: MachineRefresh) -> str:
        """Replace the job's line (if any) with the new one; where it now lives."""
        kept = [line for line in self._lines() if not line.endswith(f"# {job.name}")]
        self._write([*kept, cron_line(job)])
        return "your crontab (`crontab -l` shows it)"

    def remove(self, name: str) -> bool:
        """Drop the job's line; False when there was none."""
        lines = self._lines()
        kept = [line for line in lines if not line.endswith(f"# {name}")]
        if len(kept) == len(lines):
            return False
        self._write(kept)
        return True


class SystemdWriter:
    """The job as a systemd user service and timer under ~/.config/systemd/user."""

    kind = "systemd"

    def __init__(self, home: Path, run: Runner = subprocess.run):
        self.folder = home / ".config" / "systemd" / "user"
        self.run = run

    def _systemctl(self, *words: str) -> None:
        argv = ["systemctl", "--user", *words]
        _require(_run(self.run, argv), argv)

    def install(self, job: MachineRefresh) -> str:
        """Write both units and start the timer; where they now live."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for file_name, text in systemd_units(job).items():
            path = self.folder / file_name
            path.write_text(text, encoding="utf-8")
            path.chmod(0o600)
        self._systemctl("daemon-reload")
        self._systemctl("enable", "--now", f"{job.name}.timer")
        return f"{self.folder / job.name}.timer (`systemctl --user list-timers` shows it)"

    def remove(self, name: str) -> bool:
        """Stop the timer and delete both units; False when there were none."""
        paths = [self.folder / f"{name}.timer", self.folder / f"{name}.service"]
        if not any(path.exists() for path in paths):
            return False
        self._systemctl("disable", "--now", f"{name}.timer")
        for path in paths:
            path.unlink(missing_ok=True)
        self._systemctl("daemon-reload")
        return True


class LaunchdWriter:
    """The job as a launchd agent under ~/Library/LaunchAgents."""

    kind = "launchd"

    def __init__(self, home: Path, run: Runner = subprocess.run):
        self.folder = home / "Library" / "LaunchAgents"
        self.run = run

    def _path(self, name: str) -> Path:
        return self.folder / f"org.acadpage.{name}.plist"

    def install(self, job: MachineRefresh) -> str:
        """Write the agent and load it (again); where it now lives."""
        path = self._path(job.name)
        if path.exists():
            _run(self.run, ["launchctl", "unload", str(path)])  # not loaded is fine
        self.folder.mkdir(parents=True, exist_ok=True)
        path.write_bytes(launchd_agent(job))
        path.chmod(0o600)
        argv = ["launchctl", "load", "-w", str(path)]
        _require(_run(self.run, argv), argv)
        return str(path)

    def remove(self, name: str) -> bool:
        """Unload and delete the agent; False when there was none."""
        path = self._path(name)
        if not path.exists():
            return False
        _run(self.run, ["launchctl", "unload", "-w", str(path)])
        path.unlink()
        return True


WRITERS = {"cron": CronWriter, "systemd": SystemdWriter, "launchd": LaunchdWriter}


def detect_scheduler(platform: str = sys.platform, run: Runner = subprocess.run) -> str:
    """The scheduler this machine has: launchd on macOS, a running systemd user manager, cron."""
    if platform == "darwin":
        return "launchd"
    if shutil.which("systemctl"):
        done = _run(run, ["systemctl", "--user", "is-system-running"])
        if done.stdout.strip() in ("running", "degraded"):
            return "systemd"
    if shutil.which("crontab"):
        return "cron"
    raise UserError(
        "--every: this machine has no scheduler acadpage knows (launchd, a systemd user "
        "session or crontab); run `acadpage refresh` from your own scheduler instead"
    )


def schedule_writer(scheduler: str | None, home: Path | None = None, run: Runner = subprocess.run):
    """The writer of `scheduler` (detected when None), working in `home`."""
    kind = scheduler or detect_scheduler(run=run)
    return WRITERS[kind](home or Path(os.path.expanduser("~")), run)


def every_command(args, settings, environ: Mapping[str, str], project: Path) -> int:
    """Install (`--every day|week`) or remove (`--every off`) the refresh on this machine."""
    chosen = site_of(args)  # checked before any use
    site = "" if chosen.is_default else chosen.name
    writer = schedule_writer(args.scheduler)
    job = machine_refresh(
        args.stage, args.every, project, carried_options(args), environ, acadpage_program(), site
    )
    options = f"--stage {args.stage}" + (f" --site {site}" if site else "")
    whose = f"stage {args.stage}" + (f", site {site}" if site else "")
    if args.every == "off":
        if writer.remove(job.name):
            print(f"removed the refresh of {whose} from this machine's {writer.kind}")
        else:
            print(f"no {writer.kind} refresh of {whose} was installed for this folder")
        return 0
    if not settings.table:
        raise UserError(
            "--every: no DynamoDB table configured: set ACADPAGE_TABLE, pass --table, "
            f"or run `acadpage bootstrap --stage {args.stage}` first"
        )
    job.log.parent.mkdir(parents=True, exist_ok=True)
    where = writer.install(job)
    print(f"installed: `acadpage refresh {options}` {when_text(job)}, in {where}")
    print(f"each run appends to {job.log}; `acadpage status {options}` shows it")
    print(f"remove it with `acadpage refresh {options} --every off`")
    return 0


def carried_options(args) -> list[str]:
    """The refresh options given with --every, for the scheduled command line."""
    options = []
    for option in ("site", "source", "scholar_id", "table", "region"):
        value = getattr(args, option, None)
        if value:
            options += [f"--{option.replace('_', '-')}", value]
    return options
