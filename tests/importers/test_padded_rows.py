"""MTurk batches whose rows drop trailing empty cells (real ones do: the nli_variation batches have
169 header columns and 167 cells a row) are read with those cells empty; a row longer than the
header is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from foundation.errors import SandboxError
from sandbox.io.files.tables import read_csv_cells


def test_short_rows_are_padded_with_empty_cells_on_request(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text("HITId,WorkerId,Answer.x,Extra\nh1,w1,cat\nh2,w2,dog,1\n", encoding="utf-8")
    with pytest.raises(SandboxError, match="not a readable CSV"):
        read_csv_cells(path, "export")
    frame = read_csv_cells(path, "export", pad_short_rows=True)
    assert frame.astype(str).to_dict("list") == {
        "HITId": ["h1", "h2"],
        "WorkerId": ["w1", "w2"],
        "Answer.x": ["cat", "dog"],
        "Extra": ["", "1"],
    }


def test_a_row_longer_than_the_header_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text("HITId,WorkerId\nh1\nh2,w2,extra\n", encoding="utf-8")
    with pytest.raises(SandboxError, match="row 3 has 3 cells, more than the header's 2"):
        read_csv_cells(path, "export", pad_short_rows=True)
