"""The images a content file takes from the bucket, found in media/ next to it: one check for
`validate`, `serve` and `push`, so the three agree."""

from __future__ import annotations

from pathlib import Path

from chalicelib.aws.content_store import media_type
from chalicelib.site.content import Site
from chalicelib.site.fields import is_url


def referenced_media(site: Site) -> list[tuple[str, str]]:
    """(field, media key) for every image the site takes from the bucket rather than a URL."""
    fields = [("site.favicon", site.settings.favicon), ("profile.avatar", site.profile.avatar)]
    for section in site.sections:
        if section.kind == "publications":
            fields += [
                (f"publications[{i}].image", paper.image)
                for i, paper in enumerate(section.publications)
            ]
    return [(field, name) for field, name in fields if name and not is_url(name)]


def media_problems(site: Site, content_file: Path) -> list[str]:
    """Every image the site names that is not an image file in media/ next to `content_file`:
    the one check `validate`, `serve` and `push` make."""
    return media_files(site, content_file)[1]


def media_files(site: Site, content_file: Path) -> tuple[list[tuple[str, Path]], list[str]]:
    """((media key, local file) of every image found, media_problems): what `push` uploads."""
    folder = content_file.parent / "media"
    found: dict[str, Path] = {}
    problems = []
    for field, name in referenced_media(site):
        path = folder / name
        if media_type(name) is None:
            problems.append(
                f"{content_file.name} {field}: expected an image file "
                f"(.png, .jpg, .svg, ...), got {name!r}"
            )
        elif not path.is_file():
            problems.append(
                f"{content_file.name} {field}: media file {name!r} not found in "
                f"{folder.name}/ next to {content_file.name}"
            )
        else:
            found[name] = path
    return sorted(found.items()), problems
