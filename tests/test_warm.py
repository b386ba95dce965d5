"""A new process loads what its first requests would otherwise wait for (core.warm), and keeps templates compiled."""

import importlib
import sys
from unittest import mock

from django.conf import settings
from django.template import engines
from jinja2 import FileSystemBytecodeCache

from core.warm import TEMPLATE_ENDINGS, warm_up


def jinja():
    return engines["jinja2"].env


def test_warming_up_loads_every_template_and_keeps_them_all_loaded():
    environment = jinja()
    names = environment.list_templates(extensions=TEMPLATE_ENDINGS)
    assert len(names) == len(environment.list_templates()) > 50, "a template of another ending would be left to compile"
    environment.cache.clear()
    assert warm_up() == len(names)
    assert {name for _, name in environment.cache} == set(names)
    assert environment.cache.capacity > len(names), "Jinja would drop some of those loaded before the first request"


def test_templates_are_compiled_once_for_every_process_under_var():
    cache = jinja().bytecode_cache
    assert isinstance(cache, FileSystemBytecodeCache)
    assert cache.directory == str(settings.TEMPLATE_CACHE_DIR)
    assert settings.TEMPLATE_CACHE_DIR.parent == settings.VAR_DIR
    assert settings.TEMPLATE_CACHE_DIR.stat().st_mode & 0o077 == 0, "only the service's account may write the code run"
    jinja().cache.clear()
    jinja().get_template("core/accessibility.html")
    assert list(settings.TEMPLATE_CACHE_DIR.glob("__jinja2_*.cache"))


def test_the_web_servers_application_warms_up_before_its_first_request():
    sys.modules.pop("commonground.wsgi", None)
    with mock.patch("core.warm.warm_up") as warm:
        wsgi = importlib.import_module("commonground.wsgi")
    warm.assert_called_once_with()
    assert callable(wsgi.application)
