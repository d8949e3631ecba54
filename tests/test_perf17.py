"""Issue 17's import and start-up changes: what they must keep doing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jixiao.cli.lazy_rich import LazyConsole, Table, Text
from jixiao.store import import_files, open_store
from jixiao.store.wal import BATCH_WAL_PAGES

SAMPLES = sorted(str(p) for p in (Path(__file__).resolve().parents[1] / "src" / "jixiao" / "samples").glob("*.txt"))


def test_import_defers_checkpoints_and_folds_the_wal_back_at_the_end(tmp_path):
    engine = open_store(str(tmp_path / "j.db"))
    outcomes = import_files(engine, SAMPLES)
    first = next(outcomes)
    with engine.connect() as conn:  # during the import, a connection checkpoints only after BATCH_WAL_PAGES
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == BATCH_WAL_PAGES
    rest = list(outcomes)
    assert {o.status for o in [first, *rest]} == {"imported"}
    assert len(rest) == len(SAMPLES) - 1
    wal = Path(str(tmp_path / "j.db") + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    with engine.connect() as conn:  # and afterwards the default again
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
        assert conn.exec_driver_sql("SELECT count(*) FROM documents").scalar() == len(SAMPLES)
    engine.dispose()


def test_help_imports_neither_rich_nor_the_stages():
    code = ("import sys\nfrom jixiao.cli.main import app\nsys.argv = ['jixiao', '--help']\n"
            "try:\n    app()\nexcept SystemExit:\n    pass\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'rich', 'json', 'pydantic', 'sqlalchemy'}))\n"
            "print(sorted(m for m in sys.modules if m.startswith(('jixiao.parse.', 'jixiao.store', 'jixiao.review'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60).stdout
    assert "import" in out and "search" in out  # the help itself was printed
    assert out.rstrip().splitlines()[-2:] == ["[]", "[]"]


def test_lazy_console_is_made_with_the_environment_of_its_creation(monkeypatch):
    from rich.console import Console

    monkeypatch.setenv("COLUMNS", "123")
    lazy = LazyConsole(soft_wrap=True)
    eager = Console(soft_wrap=True)
    monkeypatch.setenv("COLUMNS", "77")  # as a CliRunner(env=…) would, before the first print
    assert lazy.width == eager.width == 123
    assert isinstance(lazy.console, Console)
    with lazy.capture() as cap:
        lazy.print(Text.assemble(("a", "bold"), "b"), Table("x"))
    assert cap.get().startswith("ab")
