"""Indexes for the customer searches of large databases.

Users find customers by typing a name fragment, a phone number or a unified
social credit code in the search box: ``('rec_name', 'ilike', '%text%')``,
which the party module turns into clauses on the party code and name, the
codes of its identifiers and the values of its contact mechanisms.  Each
clause needs a trigram index matching the SQL expression the search writes,
``COALESCE(column, '')`` for the columns which are not required.

A complete unified social credit code or phone number is looked up by its
compact value with an equality index: trigrams of long digit strings are
common to most rows and make the trigram searches slow.
"""
import re

from sql import Column, Union
from sql.conditionals import Coalesce

from trytond.model import Index, fields
from trytond.model.modelsql import convert_from
from trytond.pool import Pool, PoolMeta
from trytond.tools import is_full_text, unescape_wildcard
from trytond.tools.domain_inversion import is_leaf

from ..text_input import TextInputMixin
from .duplicate import PHONE_TYPES
from .normalize import complete_uscc, normalize_phone

_PHONE = re.compile(r'^\+?[0-9][0-9 ()-]{9,}$')


def searched_text(operator, operand):
    "Return the text searched by a like clause on '%text%' or None"
    if (operator in {'like', 'ilike'} and isinstance(operand, str)
            and is_full_text(operand)):
        return unescape_wildcard(operand[1:-1]).strip()


def complete_phone(text):
    "Return the E.164 number if text is a complete valid phone number"
    if text and _PHONE.match(text):
        return normalize_phone(text)


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The party module indexes value_compact without the COALESCE of
        # the searches on a column which is not required: no search uses
        # its index, which cost a fifth of the time of inserting contact
        # mechanisms
        cls._sql_indexes.discard(Index(t,
                (Index.Unaccent(t.value_compact), Index.Similarity())))
        cls._sql_indexes.update({
                Index(t, (Coalesce(t.value_compact, ''),
                        Index.Similarity())),
                # for the equality searches of phones (and duplicates)
                Index(t, (Coalesce(t.value_compact, ''),
                        Index.Equality(cardinality='high'))),
                })


class Identifier(TextInputMixin, metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.code_compact, Index.Similarity())))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def search_rec_name(cls, name, clause):
        """Search the ids matching each clause of the party module in one
        UNION of indexed queries.

        Left as an OR of clauses on the party and its relations, the search
        is split by trytond into a UNION of queries reading every column of
        the party, whose SQL takes longer to build and plan than to run."""
        pool = Pool()
        Rule = pool.get('ir.rule')
        domain = super().search_rec_name(name, clause)
        if not domain or domain[0] != 'OR':
            return domain
        text = searched_text(clause[1], clause[2])
        code, phone = complete_uscc(text), complete_phone(text)
        queries, local, done = [], [], set()
        for sub_domain in domain[1:]:
            if not is_leaf(sub_domain):
                return domain
            if code and sub_domain[0].startswith('identifiers.'):
                if 'identifiers' in done:
                    continue
                done.add('identifiers')
                sub_domain = ('identifiers.code_compact', '=', code)
            elif code and sub_domain[0].startswith('contact_mechanisms.'):
                continue
            elif phone and sub_domain[0].startswith('contact_mechanisms.'):
                sub_domain = ('contact_mechanisms', 'where', [
                        ('type', 'in', sorted(PHONE_TYPES)),
                        ('value_compact', '=', phone),
                        ])
            fname, operator, *rest = sub_domain
            if '.' not in fname and operator != 'where':
                local.append(sub_domain)
                continue
            if operator == 'where':
                target_domain = rest[0]
            else:
                fname, target_name = fname.split('.', 1)
                target_domain = [(target_name, operator, *rest)]
            field = cls._fields[fname]
            if not isinstance(field, fields.One2Many):
                return domain
            Target = field.get_target()
            rule_domain = Rule.domain_get(Target.__name__, mode='read')
            if rule_domain:
                target_domain = [target_domain, rule_domain]
            if field.filter:
                target_domain = [target_domain, field.filter]
            tables, expression = Target.search_domain(target_domain)
            target, _ = tables[None]
            queries.append(convert_from(None, tables).select(
                    Column(target, field.field), where=expression))
        if local:
            tables, expression = cls.search_domain(
                ['OR'] + local, active_test=False)
            table, _ = tables[None]
            queries.append(convert_from(None, tables).select(
                    table.id, where=expression))
        query = queries[0] if len(queries) == 1 else Union(*queries)
        return [('id', 'in', query)]
