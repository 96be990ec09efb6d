"""Setting up a whole province from the statistical division list (issue 12): a generated list
of the real shape (17 cities, 153 counties, 2,601 townships, 52,020 villages and communities),
imported through `import_divisions` into a scratch database, then imported again (which must
change nothing). Target: ≤ 60 s on this 2-core machine. Prints wall time and peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wuxing .venv/bin/python bench/divisions.py
"""

import csv
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import scratch_database


def write_list(path: Path) -> int:
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as out:
        sheet = csv.writer(out)
        sheet.writerow(["统计用区划代码", "名称"])
        sheet.writerow(["430000000000", "湖南省"])
        for c in range(1, 18):
            sheet.writerow([f"43{c:02d}00000000", f"第{c}市"])
            for k in range(1, 10):
                sheet.writerow([f"43{c:02d}{k:02d}000000", f"第{c}市{k}县"])
                for t in range(1, 18):
                    sheet.writerow([f"43{c:02d}{k:02d}{100 + t:03d}000", f"{k}县{t}镇"])
                    for v in range(1, 21):
                        suffix = v if v <= 4 else 200 + v  # four communities, sixteen villages
                        kind = "社区" if v <= 4 else "村"
                        code = f"43{c:02d}{k:02d}{100 + t:03d}{suffix:03d}"
                        sheet.writerow([code, f"{t}镇{v}{kind}"])
                        rows += 1
    return rows


def main() -> None:
    if not scratch_database("wuxing_bench_divisions"):
        return
    from django.core.management import call_command

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "province.csv"
        villages = write_list(path)
        print(f"list: {villages:,} villages and communities")
        for attempt in ("first import", "same list again"):
            started = time.perf_counter()
            call_command("import_divisions", str(path), measure=True)
            print(f"{attempt}: {time.perf_counter() - started:.1f} s")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
