"""Print the published sample tables with other PDF producers, for tests/data/formats/producers/.

    .venv/bin/python tests/make_producer_fixtures.py OUTDIR

needs LibreOffice (``soffice``, e.g. ``apt-get install libreoffice-writer-nogui
libreoffice-calc-nogui``) and Chromium, which CI has not: the PDFs the tests use
are committed, named ``<gold stem>.<producer>.pdf``, and this script says how
they were made. It writes, for every sample in ../shared/formats:

* ``libreoffice-writer/`` — the DOCX printed by LibreOffice Writer (its own rules
  and text layer; rows cut across pages with a rule under each part);
* ``libreoffice-calc/`` — the XLSX printed by LibreOffice Calc (merged cells whose
  text is clipped to the part on each page);
* ``libreoffice-calc-unruled/`` — the XLSX with every cell border removed, then
  printed by Calc: a table of text columns with no rule;
* ``chromium/`` — the HTML printed by headless Chromium.

Committed: ``000_….libreoffice-calc-unruled.pdf`` and ``001_….libreoffice-calc-unruled.pdf`` (部门名称 runs across an empty column edge), ``003_….libreoffice-writer.pdf`` and
``001_….libreoffice-writer.pdf`` (a row cut at each page break, a rule under each part) and
``003_….libreoffice-calc.pdf`` (a merged cell cut by the page break, open at the cut).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "formats"


def soffice(files: list[Path], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), *map(str, files)],
                   check=True, capture_output=True, timeout=600)


def main(out: Path) -> None:
    import openpyxl
    from openpyxl.styles import Border

    soffice(sorted((SHARED / "docx").glob("*.docx")), out / "libreoffice-writer")
    soffice(sorted((SHARED / "xlsx").glob("*.xlsx")), out / "libreoffice-calc")
    with tempfile.TemporaryDirectory() as tmp:
        bare = []
        for path in sorted((SHARED / "xlsx").glob("*.xlsx")):
            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        cell.border = Border()
            wb.save(Path(tmp) / path.name)
            bare.append(Path(tmp) / path.name)
        soffice(bare, out / "libreoffice-calc-unruled")
    (out / "chromium").mkdir(parents=True, exist_ok=True)
    for path in sorted((SHARED / "html").glob("*.html")):
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--print-to-pdf={out / 'chromium' / (path.stem + '.pdf')}", str(path)],
                       check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
