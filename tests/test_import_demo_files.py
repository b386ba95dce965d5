"""The demo's real register files (shared by the import tests), and a snapshot of every register table."""

import csv
import gzip
import hashlib
import io
from pathlib import Path

from register.models import Group, GroupMembership, LocalAuthority, RegisterEvent, School, SchoolLink

DATA = Path(__file__).resolve().parent.parent / "demo" / "register"
GIAS_2021 = DATA / "surrey-2021-05-establishments.csv"
GIAS_2022 = DATA / "surrey-2022-04-20-primary-establishments.csv"
GROUPS = DATA / "groups-2022-07-national.csv.gz"
GROUP_LINKS = DATA / "group-links-2022-07-national.csv.gz"
LINKS_2021 = DATA / "links-2021-05-national.csv.gz"
LINKS_2025 = DATA / "links-2025-national.csv.gz"

REGISTER_MODELS = (LocalAuthority, School, Group, GroupMembership, SchoolLink, RegisterEvent)


def without_columns(source: Path, tmp_path: Path, *columns: str) -> Path:
    """A copy of a GIAS file without `columns`, as a file cut down in a spreadsheet would be (unzipped)."""
    data = gzip.decompress(source.read_bytes()) if source.suffix == ".gz" else source.read_bytes()
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    dropped = sorted((rows[0].index(column) for column in columns), reverse=True)
    for row in rows:
        for index in dropped:
            del row[index]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL).writerows(rows)
    path = tmp_path / source.name.removesuffix(".gz")
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def snapshot():
    """Every row of every register table, so a test can say 'exactly as before'."""
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in REGISTER_MODELS}


# SHA-256 of each file's published bytes (after gunzip): the demo keeps the data exactly as released.
PUBLISHED = {
    GIAS_2021: "04edd1f4dfbbb321382590cc73d8767169961ed3359d160f6a2eb22ce38897f6",
    GIAS_2022: "36bf5d1bf9aadbb70b536f9a76de374040010f98de126a98bcece66bdd5157af",
    GROUPS: "cceb214f32cade50a16bb256f66254b567b85438eec9aa2210c9ff6ec62b6962",
    GROUP_LINKS: "7893bfbdb21bb349bf452ea42c0d0defb6dcb00d0f3d3f8047c299eacf49a1df",
    LINKS_2021: "fa8fb6d87e72d46a583020b974a6eb847c16ec0d78cad5b40064a60de81e3dd8",
    LINKS_2025: "54405404facd0650aca6e4457b555994a63bec5ef549f3211c639cc5d1660489",
}


def test_demo_register_files_are_the_published_bytes():
    for path, checksum in PUBLISHED.items():
        data = path.read_bytes()
        data = gzip.decompress(data) if path.suffix == ".gz" else data
        assert hashlib.sha256(data).hexdigest() == checksum, path.name
