"""`acadpage serve`: the real Chalice app on 127.0.0.1 against an embedded, seeded moto."""

from __future__ import annotations

import os
from pathlib import Path

from chalicelib.errors import UserError

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
        help="folder with site.yaml, site.<lang>.yaml and media/ (default: examples/)",
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

    if not (args.content / "site.yaml").is_file():
        raise UserError(
            f"{args.content}/site.yaml: no such file; give --content a folder with site.yaml"
        )
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "embedded"  # moto answers; nothing ever leaves this machine
    with mock_aws():
        config = local_config(watch=not args.no_watch)
        os.environ["ACADPAGE_LOCAL_ORIGIN"] = local_origin(args.host, args.port)
        runtime.reset()
        seeded = seed_embedded_aws(
            runtime.settings(), runtime.s3_client(), runtime.dynamodb_client(), args.content
        )
        print(seeded)
        if args.no_watch:
            _listening(config, args.host, args.port).serve_forever()
            return 0
        server, watcher = live_server(config, args.content, args.host, args.port)
        watcher.check_content(quiet=True)  # what was seeded meets the save checks too
        watcher.start()
        print(f"watching {args.content}: saved edits show in open pages")
        try:
            server.serve_forever()
        finally:
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


def live_server(config, folder: Path, host: str, port: int):
    """(the app's local server with live reload, the folder's watcher), on the embedded AWS."""
    from functools import partial

    from chalicelib import runtime
    from chalicelib.aws import embedded
    from chalicelib.cli.live import FolderWatcher, LiveState, live_handler_class

    settings, s3 = runtime.settings(), runtime.s3_client()
    state = LiveState()
    watcher = FolderWatcher(
        folder,
        state,
        upload_content=partial(embedded.upload_content, settings, s3),
        upload_media=partial(embedded.upload_media, settings, s3),
        delete_media=partial(embedded.delete_media, settings, s3),
    )
    server = _listening(config, host, port, partial(live_handler_class, state=state))
    return server, watcher


def local_origin(host: str, port: int) -> str:
    """The server's own address, which the sitemap and the page's absolute addresses start with."""
    from chalicelib.site.origins import origin_problem

    name = "127.0.0.1" if host in ("", "0.0.0.0") else host
    origin = f"http://{name}:{port}"
    return "" if origin_problem(origin) else origin
