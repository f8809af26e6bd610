"""`acadpage serve`: the real Chalice app on 127.0.0.1 against an embedded, seeded moto."""

from __future__ import annotations

import os
from pathlib import Path

from chalicelib.errors import UserError
from chalicelib.lab.siteid import DEFAULT_SITE

PROJECT_DIR = Path(__file__).resolve().parents[2]


def register(subparsers) -> None:
    """Add the serve subcommand."""
    parser = subparsers.add_parser(
        "serve",
        help="run the site locally on an embedded AWS (no account, no internet)",
        description="Run the Chalice app (as `chalice local` does) against an in-process moto "
        "S3 and DynamoDB seeded from a content folder. The folder is watched: each saved file "
        "goes into the embedded S3 and open pages reload; a file with problems is not uploaded "
        "and its problems show in the terminal and over the last good page.",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=PROJECT_DIR / "examples",
        help="folder with site.yaml, site.<lang>.yaml and media/, or a lab folder with lab.yaml "
        "and people/<ID>/ (default: examples/)",
    )
    parser.add_argument(
        "--no-watch",
        action="store_true",
        help="serve the page exactly as deployed: no folder watching, no reload script",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.set_defaults(handler=serve)


def serve(args) -> int:
    """Seed an embedded AWS from the content folder, then serve and follow edits until stopped."""
    from moto import mock_aws

    from chalicelib import runtime
    from chalicelib.aws.embedded import seed_embedded_aws
    from chalicelib.cli.labfolder import is_lab_folder, read_lab_folder

    lab = read_lab_folder(args.content) if is_lab_folder(args.content) else None
    if lab is None and not (args.content / "site.yaml").is_file():
        raise UserError(
            f"{args.content}/site.yaml: no such file; give --content a folder with site.yaml "
            "(or a lab folder with lab.yaml)"
        )
    members = [(site, folder) for site, (folder, _) in lab.members.items()] if lab else []
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "embedded"  # moto answers; nothing ever leaves this machine
    with mock_aws():
        config = local_config(watch=not args.no_watch)
        os.environ["ACADPAGE_LOCAL_ORIGIN"] = local_origin(args.host, args.port)
        runtime.reset()
        seeded = seed_embedded_aws(
            runtime.settings(), runtime.s3_client(), runtime.dynamodb_client(), args.content,
            members,
        )  # fmt: skip
        print(seeded)
        if args.no_watch:
            _listening(config, args.host, args.port).serve_forever()
            return 0
        server, watchers = live_server(config, args.content, args.host, args.port, members)
        for watcher in watchers:
            watcher.check_content(quiet=True)  # what was seeded meets the save checks too
            watcher.start()
        print(f"watching {args.content}: saved edits show in open pages")
        try:
            server.serve_forever()
        finally:
            for watcher in watchers:
                watcher.stop()
    return 0


def local_config(watch: bool = True):
    """The `local` stage's Chalice config with its variables set; when watching, the content is
    re-read at every request so a save shows at the next reload."""
    from chalice.cli.factory import CLIFactory

    config = CLIFactory(str(PROJECT_DIR), environ=os.environ).create_config_obj(
        chalice_stage_name="local"
    )
    os.environ.update(config.environment_variables)
    if watch:
        os.environ["ACADPAGE_CONTENT_TTL"] = "0"
    return config


def _listening(config, host: str, port: int, handler_class=None):
    """Chalice's local server for the app with `handler_class(chalice's handler)` (or chalice's
    own), guarded; a UserError when the port is taken."""
    from functools import partial

    from chalice.local import CustomLocalChalice, create_local_server

    from chalicelib.cli.guard import LISTEN_BACKLOG, guarded_handler_class

    app = config.chalice_app
    if type(app) is CustomLocalChalice:  # served before in this process: chalice would loop
        app.__class__ = CustomLocalChalice.__bases__[1]
    try:
        server = create_local_server(app, config, host, port)
    except OSError as error:
        raise UserError(f"cannot listen on {host}:{port}: {error.strerror}; set PORT") from None
    handler = server.server.RequestHandlerClass  # chalice's handler, bound to the app
    base = handler_class(handler.func) if handler_class else handler.func
    server.server.RequestHandlerClass = partial(
        guarded_handler_class(base), *handler.args, **handler.keywords
    )
    server.server.socket.listen(LISTEN_BACKLOG)  # socketserver's 5 dropped a burst of tabs
    return server


def live_server(config, folder: Path, host: str, port: int, members=()):
    """(the app's local server with live reload, the folder's watchers: one, or a lab's own
    and one per member), on the embedded AWS."""
    from functools import partial

    from chalicelib.cli.live import LiveState, live_handler_class

    state = LiveState()
    watchers = [site_watcher(folder, state, DEFAULT_SITE, lab=bool(members))]
    watchers += [site_watcher(path, state, site) for site, path in members]
    server = _listening(config, host, port, partial(live_handler_class, state=state))
    return server, watchers


def site_watcher(folder: Path, state, site, *, lab: bool = False):
    """The watcher that puts a folder's saves where `site` keeps them (a lab's own: lab.yaml)."""
    from chalicelib import runtime
    from chalicelib.aws import embedded
    from chalicelib.cli.live import FolderWatcher
    from chalicelib.lab.model import LAB_FILE

    settings, s3 = runtime.settings(), runtime.s3_client()
    extra = {"pattern": LAB_FILE, "problems_of": lab_problems} if lab else {}
    return FolderWatcher(
        folder,
        state,
        upload_content=lambda name, body: embedded.upload_content(settings, s3, name, body, site),
        upload_media=lambda name, body: embedded.upload_media(settings, s3, name, body, site),
        delete_media=lambda name: embedded.delete_media(settings, s3, name, site),
        **extra,
    )


def lab_problems(body: bytes, path: Path) -> list[str]:
    """A saved lab.yaml's problems: none, or the ContentError `load_lab` raises lists them."""
    from chalicelib.lab.model import load_lab

    load_lab(body, path.name)
    return []


def local_origin(host: str, port: int) -> str:
    """The server's own address, which the sitemap and the page's absolute addresses start with."""
    from chalicelib.site.origins import origin_problem

    name = "127.0.0.1" if host in ("", "0.0.0.0") else host
    origin = f"http://{name}:{port}"
    return "" if origin_problem(origin) else origin
