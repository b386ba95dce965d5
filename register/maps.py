"""Small server-drawn locator maps: a school among the other schools of its authority.

No map tiles are fetched (the service runs without outside connections); positions come from
GIAS Easting/Northing converted to latitude/longitude at import. Output is inline SVG with a
text alternative, drawn with presentation attributes (the CSP forbids inline styles).
"""

import math
from html import escape

from django.utils.safestring import mark_safe

from core.words import isolated

from .models import School

WIDTH, HEIGHT, PAD = 400, 300, 12
# The other schools' dots: GOV.UK's dark grey, 4.1:1 against the map's light grey, where a mid grey (#b1b4b6) was 1.9:1,
# under the 3:1 that WCAG 1.4.11 asks of a graphic needed to understand the page.
OTHERS = "#6f777b"


def _projector(points):
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    lat0 = sum(lats) / len(lats)
    kx = math.cos(math.radians(lat0))
    min_x, max_x = min(lons) * kx, max(lons) * kx
    min_y, max_y = min(lats), max(lats)
    span = max(max_x - min_x, (max_y - min_y) * WIDTH / HEIGHT, 1e-6)
    scale = (WIDTH - 2 * PAD) / span

    def project(lat, lon):
        x = PAD + (lon * kx - min_x) * scale
        y = HEIGHT - PAD - (lat - min_y) * scale
        return round(x, 1), round(y, 1)

    return project


def _svg(title_id, title, desc, body):
    return mark_safe(  # noqa: S308 - every text value is escaped below
        f'<svg class="cg-map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{title_id} {title_id}-desc" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{title_id}-desc">{escape(desc)}</desc>'
        f'<rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#f3f2f1"/>{body}</svg>'
    )


def _positions(authority):
    return list(School.objects.filter(la=authority, latitude__isnull=False).open().values_list("latitude", "longitude", "urn"))


def locator_svg(school: School):
    if school.latitude is None or school.longitude is None:
        return None
    # The authority's other open schools: not the school itself, which is among them while it is open.
    others = [(lat, lon, urn) for lat, lon, urn in _positions(school.la) if urn != school.urn]
    points = others + [(school.latitude, school.longitude, school.urn)]
    project = _projector(points)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="2.5" fill="{OTHERS}"/>' for x, y in (project(lat, lon) for lat, lon, _ in others))
    x, y = project(school.latitude, school.longitude)
    marker = f'<circle cx="{x}" cy="{y}" r="8" fill="#1d70b8" stroke="#0b0c0c" stroke-width="2"/>'
    desc = (
        f"{isolated(school.name)} is at latitude {school.latitude:.4f}, longitude {school.longitude:.4f}, "
        f"shown as a large blue dot among {len(others):,} other open school{'' if len(others) == 1 else 's'} of {school.la.name}"
        " (grey dots)."
    )
    return _svg(f"map-{school.urn}", f"Where {isolated(school.name)} is in {school.la.name}", desc, dots + marker)


def authority_svg(authority):
    positions = _positions(authority)
    if not positions:
        return None
    project = _projector(positions)
    dots = "".join(f'<circle cx="{x}" cy="{y}" r="3" fill="#1d70b8"/>' for x, y in (project(lat, lon) for lat, lon, _ in positions))
    desc = f"{len(positions)} open schools of {authority.name}, each a blue dot at its position."
    return _svg(f"map-la-{authority.code}", f"Open schools of {authority.name}", desc, dots)
