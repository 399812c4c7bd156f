"""Idempotency keys of the CRM API.

The first response to a POST with an ``Idempotency-Key`` header is stored in
the transaction that made it, so a retry after a lost answer gets the same
response and creates nothing, and a rolled-back request leaves no trace.
"""
import datetime as dt
import hashlib

from sql import Literal
from sql.conditionals import Coalesce

from trytond.model import Index, ModelSQL, Unique, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

KEEP = dt.timedelta(hours=24)


class Idempotency(ModelSQL):
    "API Idempotency Key"
    __name__ = 'crm.api.idempotency'
    __string__ = "API Idempotency Key"
    application = fields.Many2One(
        'res.user.application', "Application", required=True,
        ondelete='CASCADE')
    key = fields.Char("Key", required=True, strip=False)
    request = fields.Char("Request Digest", required=True)
    status = fields.Integer("Status", required=True)
    body = fields.Text("Body")
    location = fields.Char("Location")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        table = cls.__table__()
        cls._sql_constraints += [
            ('application_key_unique', Unique(
                    table, table.application, table.key),
                'crm_plus.msg_api_idempotency_unique'),
            ]
        cls._sql_indexes.add(Index(
                table, (table.create_date, Index.Range())))

    @staticmethod
    def digest(method, path, body):
        return hashlib.sha256(
            method.encode() + b' ' + path.encode() + b'\n' + body
            ).hexdigest()

    @classmethod
    def find(cls, application, key):
        "The stored response of key for the application, None if none"
        records = cls.search([
                ('application', '=', application),
                ('key', '=', key),
                ('create_date', '>=', dt.datetime.now() - KEEP),
                ], limit=1)
        return records[0] if records else None

    @classmethod
    def purge(cls):
        "Delete the keys older than a day (run by the cron)"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=Coalesce(
                    table.create_date, Literal(dt.datetime.min))
                < dt.datetime.now() - KEEP))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('crm.api.idempotency|purge', "Purge API Idempotency Keys"))
