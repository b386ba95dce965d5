"""A school's website as GIAS gives it, made an address to link to only when it is surely one."""

import re
from urllib.parse import urlsplit

# A host name: dot-separated labels of letters, digits and hyphens (not at either end), ending in a top-level domain of
# letters (an IP address, "localhost" or a name with a user and password in it is no school's website).
LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
HOST = re.compile(rf"(?:{LABEL}\.)+[a-z]{{2,63}}", re.IGNORECASE)
# One slash typed before a host name that begins "www." ("/www.ashteadchildrenscentre.com", as GIAS gives two of
# Surrey's): nothing else can be meant, as no site is named whose path it could be. Before any other word it is left as
# it is: "/about.html" is a page's path as surely as a host name, and "//" is another site's address for some readers.
STRAY_SLASH = re.compile(r"/(?=www\.)", re.IGNORECASE)


def website_address(given: str) -> str | None:
    """The http(s) address to link to for `given`, or None where it is not surely one: GIAS gives addresses with a
    scheme ("http://www.kingswood.surrey.sch.uk") and without ("www.ash-grange.surrey.sch.uk", given https://), and
    some with a slash typed before "www." ("/www.ashteadchildrenscentre.com", given https:// in its place), and some that
    are none ("www.chobhamandwestendchildrenscentre"). No other scheme (javascript:, data:, mailto:) is ever linked."""
    given = given.strip()
    if STRAY_SLASH.match(given):
        given = given[1:]
    if not given or re.search(r"[\s<>\"'\\`]", given):
        return None
    address = given if re.match(r"https?://", given, re.IGNORECASE) else f"https://{given}"
    try:
        parts = urlsplit(address)
        port = parts.port  # raises ValueError for a port that is not a number
    except ValueError:
        return None
    host = parts.netloc.rsplit(":", 1)[0] if port else parts.netloc
    if parts.scheme.lower() not in ("http", "https") or not HOST.fullmatch(host):
        return None
    if host.lower().startswith("www.") and host.count(".") == 1:  # "www." and one word: no domain at all
        return None
    return address
