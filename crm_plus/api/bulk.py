"""Bulk create and update of customers and contacts (to be written)."""
SCHEMAS = {}
RESULT_SCHEMA = {'type': 'object'}


def bulk_schemas(name):
    return {'type': 'object'}


def run(resource, body):
    raise NotImplementedError
