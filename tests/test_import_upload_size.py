"""The limit on the size of an uploaded file is the page's script's and the form's alike: the form still refuses a file
over it once sent (a browser without JavaScript), in the words the page gives the script."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.roles import Role
from imports.models import ImportRun

from .conftest import sign_in


def test_the_form_refuses_a_file_over_the_limit_in_the_words_it_gives_the_page_script(client, world, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 1024 * 1024
    sign_in(client, world.users[Role.LA_ADMIN])
    page = client.get(reverse("imports:list")).content.decode()
    assert 'data-max-bytes="1048576"' in page and 'data-too-large="The selected file must be smaller than 1 MB"' in page
    big = SimpleUploadedFile("national.csv", b"URN\n" + b"1" * (1024 * 1024), content_type="text/csv")
    refused = client.post(reverse("imports:list"), {"file": big}).content.decode()
    assert 'id="id_file-error"' in refused and "The selected file must be smaller than 1 MB" in refused
    assert not ImportRun.objects.exists()
