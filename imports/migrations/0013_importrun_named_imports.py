"""A run keeps the earlier imports its message names by number (ImportRun.named_imports), for its page to link to them
from these rather than from the words, in which a file's name may say "(import 3)" too. The refusals that name imports
(imports.services.refuse_renamed_copy and refuse_replaced) are given theirs, read from where those refusals' words put
them, as they wrote them when this migration was written: after the date, before the words that follow."""

import re

from django.db import migrations, models

# Where each refusal's words put an import's number: "…, imported as KS2 2018/19 final (import 12); under this name they
# would be stored again as…"; "…, imported on 5 March 2026, 2:15pm (import 12), which …, replaced on 6 March 2026,
# 9:00am (import 14): imported again, they would put back…". A date holds no bracket.
NAMED = (
    re.compile(r", imported as [^()]+ \(import (\d+)\); under this name they would be stored again as "),
    re.compile(r", imported on [^()]+ \(import (\d+)\), which "),
    re.compile(r", replaced on [^()]+ \(import (\d+)\): imported again, they would put back "),
)


def named_by_refusals(apps, schema_editor):
    ImportRun = apps.get_model("imports", "ImportRun")
    refused = ImportRun.objects.filter(outcome="refused", message__contains="these are the same contents as ")
    for run in refused.only("pk", "message").iterator():
        found = [int(pk) for pattern in NAMED for pk in pattern.findall(run.message)]
        earlier = [pk for pk in dict.fromkeys(found) if pk < run.pk]
        if earlier:
            held = set(ImportRun.objects.filter(pk__in=earlier).values_list("pk", flat=True))
            ImportRun.objects.filter(pk=run.pk).update(named_imports=[pk for pk in earlier if pk in held])


class Migration(migrations.Migration):
    dependencies = [("imports", "0012_edition_of_earlier_runs")]

    operations = [
        migrations.AddField(
            model_name="importrun",
            name="named_imports",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The earlier imports its message names by number, '(import 12)', which its page links to: from these, "
                "never from the words, in which a file's name may say the same.",
            ),
        ),
        migrations.RunPython(named_by_refusals, migrations.RunPython.noop),
    ]
