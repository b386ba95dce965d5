"""British National Grid (EPSG:27700) eastings and northings to latitude and longitude (EPSG:4326)."""

from array import array
from functools import cache

from pyproj import Transformer


@cache
def _transformer() -> Transformer:
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def to_latitude_longitude(eastings, northings) -> tuple[list, list]:
    """Convert whole columns at once; a missing or zero coordinate gives None for both."""
    known = [bool(e) and bool(n) for e, n in zip(eastings, northings, strict=True)]
    xs = array("d", (float(e) if ok else 0.0 for e, ok in zip(eastings, known, strict=True)))
    ys = array("d", (float(n) if ok else 0.0 for n, ok in zip(northings, known, strict=True)))
    longitudes, latitudes = _transformer().transform(xs, ys) if xs else ([], [])
    return (
        [round(lat, 6) if ok else None for lat, ok in zip(latitudes, known, strict=True)],
        [round(lon, 6) if ok else None for lon, ok in zip(longitudes, known, strict=True)],
    )
