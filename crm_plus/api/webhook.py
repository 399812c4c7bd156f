"""Webhooks (to be written)."""
from .resource import not_found


def route(request, parts, body):
    raise not_found()


def openapi_paths():
    return {}


def openapi_schemas():
    return {}
