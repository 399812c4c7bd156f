"""The documentation page (to be written)."""
from .resource import not_found


def page(request, pool, parts):
    raise not_found()
