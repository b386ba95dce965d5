"""British National Grid (EPSG:27700) eastings and northings to latitude and longitude (EPSG:4326)."""

from array import array
from functools import cache

import polars as pl
from pyproj import Transformer


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_latitude_longitude(eastings: pl.Series, northings: pl.Series) -> tuple[pl.Series, pl.Series]:
    """Convert whole columns at once; a missing or zero coordinate gives null for both."""
    eastings, northings = pl.Series(eastings, dtype=pl.Float64), pl.Series(northings, dtype=pl.Float64)
    known = (eastings.fill_null(0) > 0) & (northings.fill_null(0) > 0)
    xs = array("d", eastings.fill_null(0.0).to_list())
    ys = array("d", northings.fill_null(0.0).to_list())
    longitudes, latitudes = _transformer().transform(xs, ys) if len(xs) else ([], [])

    def column(name, values):
        rounded = pl.Series(name, values, dtype=pl.Float64).round(6)
        return pl.select(pl.when(known).then(rounded)).to_series().alias(name)

    return column("latitude", latitudes), column("longitude", longitudes)
