"""The Imports list showed 0, 0, 0 and 0 in the counts of an import refused or failed, as if the file had been read and
found to change nothing, where the import's own page says that nothing was imported from it."""

import re

from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportOutcome, ImportRun
from imports.services import import_file

from .conftest import sign_in


def row_of(listing: str, file_name: str) -> str:
    return next(row for row in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", listing, re.DOTALL) if file_name in row)


def test_a_refused_or_failed_import_is_listed_as_having_imported_nothing(client, world):
    refused = import_file(b"Title\nNote,Author\nhello,me\n", file_name="notes.csv")
    assert refused.outcome == ImportOutcome.REFUSED
    ImportRun.objects.create(file_name="stopped.csv", checksum="", outcome=ImportOutcome.FAILED, la_codes="936")
    taken = import_file(b"URN,LinkURN,LinkType\r\n100000,100001,Successor\r\n", file_name="links.csv")
    assert taken.outcome == ImportOutcome.SUCCEEDED, taken.message
    sign_in(client, world.users[Role.LA_ADMIN])
    listing = client.get(reverse("imports:list")).content.decode()
    for name in ("notes.csv", "stopped.csv"):
        row = row_of(listing, name)
        assert re.search(r'<td class="govuk-table__cell" colspan="4">\s*Nothing imported\s*</td>', row), row
        assert "govuk-table__cell--numeric" not in row  # no zeros
    counted = row_of(listing, "links.csv")  # a file imported still gives its four counts
    assert "Nothing imported" not in counted and counted.count("govuk-table__cell--numeric") == 4
