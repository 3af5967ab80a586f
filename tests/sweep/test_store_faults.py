"""A damaged sweep store (issue 22, defect 13): a part truncated at any byte is set aside and its
cell computed again on --resume (one warning line); a full disk, no permission or a read-only file
system while creating the store is one error line (exit 2) and leaves nothing behind. The faults
of the disk are injected in this process (``os.open``, ``os.pwrite``, ``mkdir``, ``mkstemp`` raise)."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from foundation.errors import SandboxError
from sandbox.cli.main import main
from sandbox.sweep.grid import Cell
from sandbox.sweep.runner import run_sweep
from sandbox.sweep.spec import SweepSpec, spec_from_dict
from sandbox.sweep.store import LOCK_FILE, SPEC_FILE, ResultsStore, read_results
from tests.sweep.cells import REF
from tests.sweep.conftest import comparable

RAW = {"cell": REF, "seeds": 2, "set": {"n_tasks": 20}, "grid": {"redundancy": [1, 3]}}


def small_spec() -> SweepSpec:
    """Four cells of twenty tasks."""
    return spec_from_dict(RAW)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The uninterrupted store of :func:`small_spec`."""
    root = tmp_path_factory.mktemp("whole") / "store"
    run_sweep(small_spec(), root, workers=1)
    return root


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_part_truncated_at_any_byte_is_recomputed_on_resume(
    whole: Path, tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    root = tmp_path_factory.mktemp("cut") / "store"
    shutil.copytree(whole, root)
    parts = ResultsStore(root).part_paths()
    victim = data.draw(st.sampled_from(parts), label="part")
    size = victim.stat().st_size
    offset = data.draw(st.integers(0, size - 1), label="offset")
    with victim.open("r+b") as handle:
        handle.truncate(offset)
    with pytest.raises(SandboxError) as caught:
        read_results(root)
    assert victim.name in str(caught.value) and "is damaged" in str(caught.value)
    assert "\n" not in str(caught.value)
    warnings: list[str] = []
    report = run_sweep(small_spec(), root, workers=1, resume=True, warn=warnings.append)
    assert (report.skipped, report.computed) == (3, 1)
    assert len(warnings) == 1 and victim.name in warnings[0] and "computed again" in warnings[0]
    pd.testing.assert_frame_equal(comparable(read_results(root)), comparable(read_results(whole)))
    aside = victim.with_name(f"_{victim.name}.damaged")
    assert aside.stat().st_size == offset  # the damaged bytes are kept, out of the readers' way
    assert pd.read_parquet(root).shape == read_results(whole).shape  # pandas skips it too


def test_a_part_holding_another_cells_rows_is_damaged_too(whole: Path, tmp_path: Path) -> None:
    root = tmp_path / "store"
    shutil.copytree(whole, root)
    first, second, *_ = ResultsStore(root).part_paths()
    shutil.copyfile(first, second)
    warnings: list[str] = []
    report = run_sweep(small_spec(), root, workers=1, resume=True, warn=warnings.append)
    assert report.computed == 1 and "does not hold the rows of cell" in warnings[0]
    pd.testing.assert_frame_equal(comparable(read_results(root)), comparable(read_results(whole)))


def test_the_command_warns_in_one_line_and_resumes(
    whole: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "store"
    shutil.copytree(whole, root)
    victim = ResultsStore(root).part_paths()[-1]
    victim.write_bytes(victim.read_bytes()[:-10])  # the footer's end lost
    assert main(["sweep", "--out", str(root), "--resume", "--workers", "1"]) == 0
    err = capsys.readouterr().err
    warnings = [line for line in err.splitlines() if "warning:" in line]
    assert len(warnings) == 1 and f"part {str(victim)!r} is damaged" in warnings[0]
    assert "Traceback" not in err and "4 cells: 3 already stored, 1 computed" in err


def test_a_failed_write_leaves_no_part_under_its_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer writes a temporary file and renames it: a failure at the rename leaves neither."""
    root = tmp_path / "store"

    def no_rename(source: Any, target: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    spec = small_spec()
    store = ResultsStore(root, spec.grid)
    store.save_spec(spec.to_dict())
    cell = Cell("p" * 16, "crowd", {"redundancy": 1}, 0, 7, {})
    monkeypatch.setattr(os, "replace", no_rename)
    with pytest.raises(SandboxError, match="No space left on device"):
        store.write(cell, [{"aggregator": "mv", "accuracy": 0.5, "error": None}])
    monkeypatch.undo()
    assert sorted(path.name for path in store.parts.iterdir()) == []


def _fail_on(monkeypatch: pytest.MonkeyPatch, where: str, code: int, root: Path) -> None:
    """Make the store's creation fail at ``where`` with OSError ``code``."""
    error = OSError(code, os.strerror(code))
    if where == "lock file":
        real_open: Callable[..., int] = os.open

        def opening(path: Any, *args: Any, **kwargs: Any) -> int:
            if str(path).endswith(LOCK_FILE):
                raise error
            return real_open(path, *args, **kwargs)

        monkeypatch.setattr(os, "open", opening)
    elif where == "lock holder":

        def pwrite(*args: Any) -> int:
            raise error

        monkeypatch.setattr(os, "pwrite", pwrite)
    elif where == "parts folder":
        real_mkdir = Path.mkdir

        def mkdir(self: Path, *args: Any, **kwargs: Any) -> None:
            if self.name == "parts":
                raise error
            real_mkdir(self, *args, **kwargs)

        monkeypatch.setattr(Path, "mkdir", mkdir)
    else:  # the spec's temporary file
        real_mkstemp = tempfile.mkstemp

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            if str(kwargs.get("dir")) == str(root):
                raise error
            return real_mkstemp(*args, **kwargs)

        monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


FAULTS = ["lock file", "lock holder", "parts folder", "spec"]
CODES = [errno.ENOSPC, errno.EACCES, errno.EROFS]


@pytest.mark.parametrize("code", CODES, ids=errno.errorcode.get)
@pytest.mark.parametrize("where", FAULTS)
def test_a_store_that_cannot_be_created_is_one_line_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], where: str, code: int
) -> None:
    out = tmp_path / "out"
    spec = tmp_path / "spec.toml"
    spec.write_text(f'cell = "{REF}"\nseeds = 1\n[set]\nn_tasks = 20\n')
    _fail_on(monkeypatch, where, code, out)
    assert main(["sweep", str(spec), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert os.strerror(code) in err and str(out) in err
    if where != "spec":  # the spec's own writer names the file it could not write
        assert f"cannot write the sweep store {str(out)!r}: {os.strerror(code)}" in err
    assert sorted(path.name for path in tmp_path.iterdir()) == ["spec.toml"]


@pytest.mark.parametrize("where", FAULTS)
def test_a_resumed_store_keeps_everything_it_had(
    whole: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    root = tmp_path / "store"
    shutil.copytree(whole, root)
    before = {path.relative_to(root): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    _fail_on(monkeypatch, where, errno.ENOSPC, root)
    assert main(["sweep", "--out", str(root), "--resume", "--workers", "1"]) == 2
    monkeypatch.undo()
    assert capsys.readouterr().err.count("\n") == 1
    after = {path.relative_to(root): path.read_bytes() for path in root.rglob("*") if path.is_file()}
    assert {name: after.get(name) for name in before if name.name != LOCK_FILE} == {
        name: data for name, data in before.items() if name.name != LOCK_FILE
    }
    assert (root / LOCK_FILE).exists() and (root / SPEC_FILE).exists()
