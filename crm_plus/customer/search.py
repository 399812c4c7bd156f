"""Indexes for the customer searches of large databases.

Users find customers by typing a name fragment, a phone number or a unified
social credit code in the search box: ``('rec_name', 'ilike', '%text%')``,
which the party module turns into clauses on the party code and name, the
codes of its identifiers and the values of its contact mechanisms.  Each
clause needs a trigram index matching the SQL expression the search writes,
``COALESCE(column, '')`` for the columns which are not required.
"""
from sql.conditionals import Coalesce

from trytond.model import Index
from trytond.pool import PoolMeta


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The party module indexes value_compact without the COALESCE of
        # the searches on a column which is not required
        cls._sql_indexes.add(
            Index(t, (Coalesce(t.value_compact, ''), Index.Similarity())))


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.code_compact, Index.Similarity())))
