"""The profile ids of a stage as the packaged stack's parameters, for `make package`.

`python -m scripts.stack_parameters STAGE` refuses, in one line, a stage that names no citation
source (nothing would ever be shown) or an id the stack's parameter would refuse;
`... STAGE build/package/sam.json` also makes the stage's ids the parameters' defaults, so
`aws cloudformation deploy` needs no override for them. The stage's ids are those of its
`environment_variables` in .chalice/config.json, under this shell's ACADPAGE_* as for every
acadpage command.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

from chalicelib.aws.stages import PROFILE_PARAMETERS, no_profile_message, stage_environment
from chalicelib.errors import UserError
from chalicelib.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "deploy" / "resources.json"


def stage_profile(stage: str, environ: dict[str, str], project: Path = ROOT) -> dict[str, str]:
    """Parameter name -> the stage's id, for each id the stage sets; a UserError when none is set
    or one does not fit its parameter."""
    environment = {**stage_environment(project, stage), **environ}
    try:
        settings = load_settings(environment)
    except SettingsError as error:
        raise UserError(f".chalice/config.json, stage {stage!r}: {error}") from None
    if not settings.citation_sources:
        raise UserError(no_profile_message(stage))
    declared = json.loads(RESOURCES.read_text())["Parameters"]
    profile = {}
    for name, variable in PROFILE_PARAMETERS.items():
        value = environment.get(variable, "").strip()
        pattern = declared[name]["AllowedPattern"]
        if not re.fullmatch(pattern, value):
            raise UserError(
                f"{variable} of stage {stage!r}: expected "
                f"{declared[name]['ConstraintDescription']}, got {value!r}"
            )
        if value:
            profile[name] = value
    return profile


def write_defaults(template_path: Path, profile: dict[str, str]) -> None:
    """Make `profile` the defaults of the packaged template's parameters."""
    template = json.loads(template_path.read_text())
    for name, value in profile.items():
        template["Parameters"][name]["Default"] = value
    template_path.write_text(json.dumps(template, indent=2) + "\n")


def main(argv: list[str]) -> int:
    stage, *template = argv
    try:
        profile = stage_profile(stage, dict(os.environ))
    except UserError as error:
        print(f"make package: {error}", file=sys.stderr)
        return 1
    if template:
        write_defaults(Path(template[0]), profile)
        shown = ", ".join(f"{name}={value}" for name, value in profile.items())
        print(f"stack parameters of stage {stage}: {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
