"""Names stored before the invitation form refused a name that is not one line (accounts.forms.InviteForm) are put on
one line: every run of whitespace, a line break, tab or Unicode line or paragraph separator among it, becomes a single
space, and none is left at either end. Only a name holding such a character is changed."""

import unicodedata

from django.db import migrations

# The characters the form refuses: Unicode's control characters (a tab, a line break, NEL), and its line and paragraph
# separators.
NOT_ON_ONE_LINE = ("Cc", "Zl", "Zp")


def on_one_line(name: str) -> str:
    """`name` on one line. A control character that is not whitespace (a stray BEL, say) is a break in the name too."""
    spaced = "".join(" " if unicodedata.category(character) in NOT_ON_ONE_LINE else character for character in name)
    return " ".join(spaced.split())


def put_full_names_on_one_line(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    changed = []
    for user in User.objects.only("pk", "full_name").iterator(chunk_size=2000):
        if any(unicodedata.category(character) in NOT_ON_ONE_LINE for character in user.full_name):
            user.full_name = on_one_line(user.full_name)
            changed.append(user)
    User.objects.bulk_update(changed, ["full_name"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_invitation_assignment")]

    operations = [migrations.RunPython(put_full_names_on_one_line, migrations.RunPython.noop)]
