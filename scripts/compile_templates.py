"""Compile the page's Jinja templates into templates/compiled/ for `make package`: a cold start
then loads them instead of compiling them."""

from chalicelib.site.templates import COMPILED_DIR, compile_templates


def main() -> None:
    names = compile_templates()
    print(
        f"compiled {len(names)} templates into {COMPILED_DIR.relative_to(COMPILED_DIR.parents[1])}"
    )


if __name__ == "__main__":
    main()
