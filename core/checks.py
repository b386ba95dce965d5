"""Checks of this installation's own settings, run by `manage.py check --deploy` beside Django's."""

from django.conf import settings
from django.core.checks import Warning, register

from .context import UNNAMED_ORGANISATION, organisation_name


@register("security", deploy=True)
def secret_key_given(app_configs, **kwargs):
    """Without SECRET_KEY, each machine makes a key of its own under var/ (commonground.settings): two web servers would
    not accept each other's sessions, forms or emailed links, and the key would be lost, or copied, with that folder."""
    if getattr(settings, "SECRET_KEY_GIVEN", True):
        return []
    return [
        Warning(
            f"SECRET_KEY is not set: this installation signs its sessions, forms and emailed links with a key made on this "
            f"machine and kept in {settings.VAR_DIR / 'secret_key'}.",
            hint="Set SECRET_KEY to a long random value kept with the installation's other secrets, the same on every "
            "web server and worker.",
            id="core.W004",
        )
    ]


@register("operator", deploy=True)
def operator_contact(app_configs, **kwargs):
    """The accessibility statement and the privacy notice must say how to reach whoever runs the service and its
    data protection officer; without these settings they say only that no contact details were given."""
    warnings = []
    if not settings.ORGANISATION_NAME:
        warnings.append(
            Warning(
                f"ORGANISATION_NAME is not set: the pages, and the privacy notice as the data controller, name "
                f"'{UNNAMED_ORGANISATION}' as the organisation that runs this installation.",
                hint="Set ORGANISATION_NAME to the organisation that runs this installation, such as the local authority.",
                id="core.W003",
            )
        )
    if not settings.ORGANISATION_EMAIL:
        warnings.append(
            Warning(
                "ORGANISATION_EMAIL is not set: the accessibility statement and the privacy notice say that "
                f"{organisation_name()} has not given contact details.",
                hint="Set ORGANISATION_EMAIL (and ORGANISATION_PHONE, if people may call) to how people reach the organisation "
                "that runs this installation.",
                id="core.W001",
            )
        )
    if not settings.DATA_PROTECTION_OFFICER_EMAIL:
        warnings.append(
            Warning(
                "DATA_PROTECTION_OFFICER_EMAIL is not set: the privacy notice says that "
                f"{organisation_name()} has not given contact details for its data protection officer.",
                hint="Set DATA_PROTECTION_OFFICER_EMAIL to the email address of the data controller's data protection officer.",
                id="core.W002",
            )
        )
    return warnings
