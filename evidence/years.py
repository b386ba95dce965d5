"""Academic years as the pages write them. Plain functions, no Django: a year is the calendar year
the academic year ends (2019 = 2018/19)."""

from core.words import listed


def academic_year(year: int) -> str:
    return f"{year - 1}/{year % 100:02d}"


def years_text(years) -> str:
    """'2016/17 to 2018/19', '2016/17 and 2018/19': runs of consecutive years as ranges."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts = [academic_year(r[0]) if len(r) == 1 else f"{academic_year(r[0])} to {academic_year(r[-1])}" for r in runs]
    return listed(parts)
