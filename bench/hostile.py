"""How long, and how much memory, refusing each hostile spreadsheet takes.

    .venv/bin/python bench/hostile.py

Each case of tests/hostile/corpus.py is written to a file, then read by a fresh process the
way an upload is read (size, type and extent checks, then the cell reader) until it is refused.
Reported: the time from the bytes in hand to the refusal, and the growth of the process's peak
resident memory over what it held before (Django loaded, the file's bytes read). Target: every
case refused in under 2 s and 100 MB.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DATABASE_URL", "postgres://unused@/unused")  # nothing here connects


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def refuse(path: str, name: str) -> None:
    """In a fresh process: read the file as an upload until it is refused; print the figures."""
    import django

    django.setup()
    from uploads.grids import read_grid
    from uploads.spreadsheets import SpreadsheetError, Upload

    content = Path(path).read_bytes()
    before = rss_mb()
    start = time.perf_counter()
    try:
        read_grid(Upload(name, content))
        outcome = "read in full; the answer check refuses it"
    except SpreadsheetError as error:
        outcome = str(error)[:48]
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{seconds:7.3f} s {max(peak - before, 0):7.1f} MB  {outcome}")


def main() -> None:
    from tests.hostile.corpus import CASES, answer_sheet, million_row_csv

    base = answer_sheet("419921100201", "王庄村")
    cases = {key: (name, build(base)) for key, (name, build, _says) in CASES.items()}
    cases["million_row_csv"] = ("答题表.csv", million_row_csv("419921100201", "王庄村"))
    with tempfile.TemporaryDirectory() as folder:
        for key, (name, content) in cases.items():
            path = Path(folder) / key
            path.write_bytes(content)
            print(f"{key:<24} {len(content) / 1024:9.0f} KB ", end="", flush=True)
            subprocess.run([sys.executable, __file__, "--refuse", str(path), name], check=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--refuse"]:
        refuse(sys.argv[2], sys.argv[3])
    else:
        main()
