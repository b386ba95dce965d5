from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core import demo
from imports.models import ImportOutcome, ImportRun
from imports.registry import ImportRefused
from imports.services import import_file, same_contents
from imports.sources import read_source


class Command(BaseCommand):
    help = "Import the demo authority's real data files (demo/manifest.txt) and create one demo account per role."

    def add_arguments(self, parser):
        parser.add_argument("--site", default="http://127.0.0.1:8000", help="Where the demo is served, for the sign-in address it prints.")

    def handle(self, *args, **options):
        if not settings.DEMO_NOTICE:
            # Its accounts, an LA administrator's among them, share one password that this command prints.
            raise CommandError(
                "The demo's accounts share one password, which this command prints: load them only into a demonstration, "
                "with DEMO=true in the environment (make demo sets it)"
            )
        for item in demo.demo_files():
            try:  # read once: its checksums say whether it was imported before, and the import takes it as read
                source = read_source(item.path)
            except ImportRefused as refusal:
                raise CommandError(str(refusal))
            done = ImportRun.objects.filter(same_contents(source), outcome__in=[ImportOutcome.SUCCEEDED, ImportOutcome.UNCHANGED]).first()
            if done is not None:
                # Importing the older of two extracts again would undo what the newer one set.
                self.stdout.write(f"{item.path.name}: already imported on {done.started_at:%d %B %Y} (import {done.pk})")
                continue
            try:
                run = import_file(source, la_codes=item.la_codes)
            except ImportRefused as refusal:
                raise CommandError(str(refusal))
            if run.outcome == ImportOutcome.REFUSED:
                raise CommandError(run.message)
            self.stdout.write(
                f"{item.path.name}: {run.get_outcome_display().lower()} "
                f"({run.created} new, {run.changed} changed, {run.unchanged} unchanged, {run.skipped} skipped)"
            )
        try:
            accounts = demo.create_demo_users()
        except demo.RoleRefused as refusal:
            raise CommandError(str(refusal))
        password = demo.demo_password()
        self.stdout.write(self.style.SUCCESS("\nDemo accounts (every one has the password below):"))
        width = max(len(email) for email, _, _ in accounts)
        for email, role, scope in accounts:
            self.stdout.write(f"  {email.ljust(width)}  {role} – {scope}")
        self.stdout.write(f"\n  Password: {password}")
        self.stdout.write(f"  Sign in at {options['site'].rstrip('/')}/accounts/sign-in/")
        self.stdout.write("  Two-factor authentication is switched off in the demo (a notice on every page says so).")
