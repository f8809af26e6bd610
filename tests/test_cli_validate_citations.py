"""`acadpage validate --citations`: which publications find their count in the stored rows."""

from __future__ import annotations

from dataclasses import replace

from tests.test_citation_views import snapshot_of
from tests.test_cli_citations import run, table_store, workspace  # noqa: F401
from tests.test_matching import ROWS

SITE = """\
site: {title: T}
profile: {name: Kaiming He}
publications:
  - title: Deep residual learning for image recognition.
  - title: A SURVEY
  - title: Not on Scholar
  - {title: Mask R-CNN, scholar_id: "P1RwlvoAAAAJ:bbbbbbbbbbbb"}
  - {title: Old, scholar_id: "P1RwlvoAAAAJ:gone00000000"}
"""


def test_validate_lists_matched_ambiguous_and_unmatched_publications(
    workspace,  # noqa: F811
    capsys,
):
    table_store().save_snapshot(replace(snapshot_of(), publications=ROWS))
    (workspace / "site.yaml").write_text(SITE)

    code, out, err = run(capsys, "validate", "site.yaml", "--citations")

    assert (code, err) == (0, [])
    assert out == [
        "site.yaml: valid: 1 sections, 5 publications",
        "citations: 6 Scholar rows stored",
        "explicit: 'Mask R-CNN': P1RwlvoAAAAJ:bbbbbbbbbbbb (300 citations)",
        "explicit: 'Old': P1RwlvoAAAAJ:gone00000000, which no stored row has",
        "matched: 'Deep residual learning for image recognition.' -> "
        "P1RwlvoAAAAJ:aaaaaaaaaaaa (900 citations)",
        "ambiguous: 'A SURVEY': rows P1RwlvoAAAAJ:dddddddddddd, P1RwlvoAAAAJ:eeeeeeeeeeee; "
        "set scholar_id to one",
        "unmatched: 'Not on Scholar': no stored row has this title",
    ]


def test_validate_without_stored_rows_says_to_refresh_first(workspace, capsys):  # noqa: F811
    (workspace / "site.yaml").write_text(SITE)

    code, out, _ = run(capsys, "validate", "site.yaml", "--citations")

    assert code == 0
    assert out[1:] == ["citations: no Scholar rows stored yet; run `acadpage refresh` first"]
