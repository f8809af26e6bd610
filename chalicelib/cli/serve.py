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
        "S3 and DynamoDB seeded from a content folder.",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=PROJECT_DIR / "examples",
        help="folder with site.yaml, site.<lang>.yaml and media/ (default: examples/)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.set_defaults(handler=serve)


def serve(args) -> int:
    """Seed an embedded AWS from the content folder, then serve until interrupted."""
    from chalice.cli.factory import CLIFactory
    from chalice.local import create_local_server
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
        config = CLIFactory(str(PROJECT_DIR), environ=os.environ).create_config_obj(
            chalice_stage_name="local"
        )
        os.environ.update(config.environment_variables)
        os.environ["ACADPAGE_LOCAL_ORIGIN"] = local_origin(args.host, args.port)
        runtime.reset()
        seeded = seed_embedded_aws(
            runtime.settings(), runtime.s3_client(), runtime.dynamodb_client(), args.content
        )
        print(seeded)
        try:
            server = create_local_server(config.chalice_app, config, args.host, args.port)
        except OSError as error:
            raise UserError(
                f"cannot listen on {args.host}:{args.port}: {error.strerror}; set PORT"
            ) from None
        server.serve_forever()
    return 0


def local_origin(host: str, port: int) -> str:
    """The server's own address, which the sitemap and the page's absolute addresses start with."""
    from chalicelib.site.origins import origin_problem

    name = "127.0.0.1" if host in ("", "0.0.0.0") else host
    origin = f"http://{name}:{port}"
    return "" if origin_problem(origin) else origin
