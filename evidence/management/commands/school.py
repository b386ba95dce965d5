"""`manage.py school URN [--json]`: a school's register facts, every figure and its inspections, and its latest inspection
as the pages describe and count it."""

import json
from collections import defaultdict

from django.core.management.base import BaseCommand, CommandError

from evidence.history import history
from evidence.latest import LatestInspection, latest_for_schools
from evidence.meta import meanings
from evidence.models import Framework, Measure, Source, Status, academic_year
from evidence.ofsted_words import in_published_order
from evidence.points import chosen_points, every_school_point
from evidence.series import Point, display
from evidence.timeline import inspections_for
from register.models import School


class Command(BaseCommand):
    help = (
        "Show a school's register facts, every imported figure (measure → year → value and status; in JSON, each year as"
        " the one its academic year ends in, 2019 for 2018/19) and inspections."
    )

    def add_arguments(self, parser):
        parser.add_argument("urn", type=int)
        parser.add_argument("--json", action="store_true", help="Print JSON (for scripts and tests).")

    def handle(self, *args, urn, **options):
        school = School.objects.select_related("la").filter(urn=urn).first()
        if school is None:
            raise CommandError(f"No school with URN {urn} in the register.")
        past = history(school)
        urns = past.urns
        every = every_school_point(urns)
        points = chosen_points(every, urns)
        inspections = _inspections(urns)
        # The latest inspection as the school's page gives it, and the latest graded one, by which the outcome tables count it.
        latest = {
            "latest": _described(latest_for_schools([school]).get(school.pk)),
            "latest_graded": _described(latest_for_schools([school], Framework.GRADED).get(school.pk)),
        }
        if options["json"]:
            document = {
                "school": _facts(school, past),
                "observations": _observations(every, points),
                "descriptions": _descriptions(points),
                "inspections": inspections,
                **latest,
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        self.stdout.write(f"{school.name} (URN {school.urn}), {school.la.name}; history: {', '.join(map(str, urns))}")
        measures = {m.code: m for m in Measure.objects.all()}
        for code, years in sorted(points.items(), key=lambda kv: measures[kv[0]].order):
            row = ", ".join(f"{academic_year(y)} {display(p, measures[code])}" for y, p in sorted(years.items()))
            self.stdout.write(f"  {measures[code].label}: {row}")
        for i in inspections:
            self.stdout.write(f"  Inspection {i['started_on']} ({i['framework']}): {i['overall'] or i['type']}")
        for name, described in latest.items():
            if described and (name == "latest" or described != latest["latest"]):  # the latest graded, where it is another
                said = "".join(f"; {note}" for note in described["notes"])
                self.stdout.write(f"  {name.replace('_', ' ').capitalize()}: {described['outcome']}, {described['started_on']}{said}")


def _facts(school: School, past) -> dict:
    """The school's register facts, and the URNs of its history (evidence.history) and of its links that it leaves out."""
    return {
        "urn": school.urn,
        "name": school.name,
        "la_code": school.la.code,
        "la_name": school.la.name,
        "laestab": school.laestab,
        "type": school.type_name,
        "phase": school.phase,
        "status": school.status,
        "opened_on": school.opened_on.isoformat() if school.opened_on else None,
        "closed_on": school.closed_on.isoformat() if school.closed_on else None,
        "pupils": school.pupils,
        "ofsted_rating": school.ofsted_rating,
        "history_urns": past.urns,
        "linked_but_still_open": past.still_open,
        "linked_but_not_held": sorted(past.not_held),
    }


def _observations(every, points) -> dict:
    """The figure the pages show for each measure and year (`points`, chosen from `every` figure held), and under "also"
    every other one held for it (another release or data set, or a predecessor's URN)."""
    others = defaultdict(list)
    for code, point in sorted(every, key=lambda found: (found[1].source, found[1].urn)):
        chosen = points[code][point.year]
        if (point.source, point.urn) != (chosen.source, chosen.urn):
            others[code, point.year].append(_entry(point))
    return {
        code: {
            str(year): {**_entry(p), **({"also": others[code, year]} if others[code, year] else {})} for year, p in sorted(years.items())
        }
        for code, years in sorted(points.items())
    }


def _inspections(urns: list[int]) -> list[dict]:
    """The inspections of the school's history (evidence.timeline.inspections_for), as the JSON gives them."""
    return [
        {
            "framework": i.framework,
            "started_on": i.started_on.isoformat(),
            "published_on": i.published_on.isoformat() if i.published_on else None,
            "type": i.inspection_type,
            "overall": i.overall,
            "category_of_concern": i.category_of_concern,
            "safeguarding": i.safeguarding,
            "judgements": dict(in_published_order(i.judgements)),
            "urn": i.urn_at_inspection or i.school.urn,
        }
        for i in inspections_for(urns)
    ]


def _descriptions(points) -> dict:
    """What DfE's meta files say each measure's source column meant, in the years the school has figures."""
    return {
        code: [{"key_stage": m.key_stage, "column": m.column, "years": list(m.years), "description": m.description} for m in found]
        for code, found in sorted(meanings({code: list(years) for code, years in points.items()}).items())
    }


def _described(latest: LatestInspection | None) -> dict | None:
    """An inspection as the pages give it (evidence.latest.summarise): the tag's words and the notes beneath them; the
    outcome the authority's tables count it as (graded only), and whether by the inspection of the school it replaced."""
    if latest is None:
        return None
    return {
        "started_on": latest.on.isoformat(),
        "framework": latest.framework,
        "outcome": latest.outcome,
        "notes": list(latest.notes),
        "counted_as": latest.counted_as,
        "counted_by_predecessor": latest.by_predecessor,
        "predecessor_urn": latest.predecessor,
    }


def _entry(p: Point) -> dict:
    """A figure as the JSON gives it, under the year its academic year ends in ("2019"), which it names ("2018/19")."""
    return {
        "academic_year": p.academic_year,
        "value": p.value,
        "status": "value" if p.status == Status.VALUE else Status(p.status).label.lower(),
        "cohort": p.cohort,
        "source": Source(p.source).name.lower(),
        "urn": p.urn,
        "import_run": p.run_id,
    }
