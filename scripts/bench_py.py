#!/usr/bin/env python3
"""The two Python baselines of scripts/bench.sh, one process over a folder of workbooks.

    bench_py.py openpyxl DIR OUT   load and save every workbook (the least a Python tool does)
    bench_py.py calamine DIR       read every cell of every sheet with python-calamine (the floor)
"""
import sys
from pathlib import Path


def files(folder):
    return sorted(p for p in Path(folder).rglob("*.xlsx") if not p.name.startswith("~$"))


def openpyxl_load_save(folder, out):
    import openpyxl

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for p in files(folder):
        wb = openpyxl.load_workbook(p)
        wb.save(out / p.name)
        n += 1
    return n


def calamine_read(folder):
    from python_calamine import CalamineWorkbook

    n = cells = 0
    for p in files(folder):
        wb = CalamineWorkbook.from_path(str(p))
        for name in wb.sheet_names:
            rows = wb.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in rows)
        n += 1
    return n


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "openpyxl" and len(sys.argv) == 4:
        n = openpyxl_load_save(sys.argv[2], sys.argv[3])
    elif mode == "calamine" and len(sys.argv) == 3:
        n = calamine_read(sys.argv[2])
    else:
        sys.exit(__doc__)
    print(f"{mode}: {n} workbooks", file=sys.stderr)


if __name__ == "__main__":
    main()
