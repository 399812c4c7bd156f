"""Duplicate detection of customers.

Only CRM customers (parties with a customer kind) are checked, against the
other CRM customers: suppliers, employees and companies never are.  Two
customers are likely duplicates when they share a unified social credit
code, a resident ID number, a phone number (compared in E.164) or an email
address (case-insensitive).  Enterprises are also likely duplicates when
their normalised names are very similar, unless the names differ by a number
or one of them is a branch (一分公司, 北京分公司, 办事处): persons of the same
name are common (张伟) and are not compared by name.  Name similarity uses
pg_trgm on PostgreSQL (Tryton's ``search_similarity`` context over a trigram
index) and difflib on the other backends.
"""
import logging
from collections import defaultdict

from sql.functions import Lower
from sql.operators import BinaryOperator

from trytond import backend
from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .normalize import (
    RIC_TYPE, USCC_TYPE, InvalidValue, distinct_names, email_key,
    name_similarity, normalize_code, normalize_name, normalize_phone)

logger = logging.getLogger(__name__)

PHONE_TYPES = {'phone', 'mobile', 'fax'}
# The identifier types telling a customer: type -> reason message
IDENTIFIER_TYPES = {
    USCC_TYPE: 'crm_plus.msg_customer_duplicate_reason_uscc',
    RIC_TYPE: 'crm_plus.msg_customer_duplicate_reason_id_number',
    }
DEFAULT_THRESHOLD = 0.8


class TrigramMatch(BinaryOperator):
    "pg_trgm ``%`` operator: similarity above pg_trgm.similarity_threshold"
    __slots__ = ()
    _operator = '%%'


class DuplicateWarning(UserWarning):
    pass


def escape(value):
    "Escape the wildcards of value for a like clause"
    return value.replace('\\', '\\\\').replace('%', '\\%').replace(
        '_', '\\_')


def duplicate_threshold():
    Configuration = Pool().get('crm.configuration')
    threshold = Configuration(1).crm_duplicate_threshold
    return threshold if threshold is not None else DEFAULT_THRESHOLD


class Configuration(metaclass=PoolMeta):
    __name__ = 'crm.configuration'
    crm_duplicate_threshold = fields.Float(
        "Duplicate Name Similarity", digits=(1, 2),
        domain=['OR',
            ('crm_duplicate_threshold', '=', None),
            [('crm_duplicate_threshold', '>', 0),
                ('crm_duplicate_threshold', '<=', 1)],
            ],
        help="From 0 to 1: how similar two customer names must be to be "
        "reported as possible duplicates.")

    @classmethod
    def default_crm_duplicate_threshold(cls):
        return DEFAULT_THRESHOLD


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'
    crm_name_normalized = fields.Char(
        "Normalized Name", readonly=True,
        help="The name without legal form, used to find duplicates.")
    crm_duplicates = fields.Function(fields.Many2Many(
            'party.party', None, None, "Possible Duplicates",
            context={
                'crm_duplicate_of': Eval('id', -1),
                },
            help="Other customers sharing an identifier, a phone, an email "
            "or, for enterprises, a very similar name."),
        'get_crm_duplicates')
    crm_duplicate_reason = fields.Function(
        fields.Char("Duplicate Reason"), 'get_crm_duplicate_reason')

    @classmethod
    def __setup__(cls):
        cls.crm_name_normalized.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.crm_name_normalized, Index.Equality())),
                Index(t, (t.crm_name_normalized, Index.Similarity())),
                })

    @classmethod
    def __register__(cls, module):
        _enable_trigram()
        super().__register__(module)
        cls._crm_normalize_names()

    @classmethod
    def _crm_normalize_names(cls):
        """Store the normalised names which differ from normalize_name

        Run on each update, as the rules of normalize_name change (branches
        keep their designation): the stored names are compared with those
        of new parties."""
        cursor = Transaction().connection.cursor()
        table = cls.__table__()
        cursor.execute(*table.select(
                table.id, table.name, table.crm_name_normalized))
        for id_, name, stored in cursor.fetchall():
            normalized = normalize_name(name) or None
            if normalized != stored:
                cursor.execute(*table.update(
                        [table.crm_name_normalized], [normalized],
                        where=table.id == id_))

    def compute_fields(self, field_names=None):
        values = super().compute_fields(field_names=field_names)
        if field_names is None or 'name' in field_names:
            normalized = normalize_name(getattr(self, 'name', None)) or None
            if getattr(self, 'crm_name_normalized', None) != normalized:
                values['crm_name_normalized'] = normalized
        return values

    @classmethod
    def copy(cls, parties, default=None):
        default = default.copy() if default else {}
        default.setdefault('crm_name_normalized', None)
        return super().copy(parties, default=default)

    def _duplicate_keys(self):
        """Return the compact identifier codes by type, the E.164 phones and
        the email keys of the party"""
        codes, phones, emails = defaultdict(set), set(), set()
        # As the contact mechanisms parse their phones
        regions = [a.country.code
            for a in getattr(self, 'addresses', None) or []
            if getattr(a, 'country', None)]
        for identifier in getattr(self, 'identifiers', None) or []:
            type_ = getattr(identifier, 'type', None)
            code = getattr(identifier, 'code', None)
            if type_ in IDENTIFIER_TYPES and code:
                try:
                    codes[type_].add(normalize_code(type_, code))
                except InvalidValue:
                    pass
        for mechanism in getattr(self, 'contact_mechanisms', None) or []:
            type_ = getattr(mechanism, 'type', None)
            value = getattr(mechanism, 'value', None)
            if not value:
                continue
            if type_ in PHONE_TYPES:
                phone = normalize_phone(value, regions)
                if phone:
                    phones.add(phone)
            elif type_ == 'email':
                emails.add(email_key(value))
        return codes, phones, emails

    def find_duplicates(self, threshold=None):
        """Return {party: [reason, ...]} of the likely duplicates

        Only a CRM customer has duplicates, among the other CRM customers.
        The search runs with the access rules of the user.
        """
        pool = Pool()
        Party = pool.get('party.party')
        kind = getattr(self, 'crm_kind', None)
        if not kind:
            return {}
        if threshold is None:
            threshold = duplicate_threshold()
        codes, phones, emails = self._duplicate_keys()
        domain = [('crm_kind', '!=', None)]
        if self.id is not None and self.id >= 0:
            domain.append(('id', '!=', self.id))
        reasons = defaultdict(list)
        for type_, message in IDENTIFIER_TYPES.items():
            if not codes[type_]:
                continue
            for party in Party.search(domain + [
                        ('identifiers', 'where', [
                                ('type', '=', type_),
                                ('code_compact', 'in', sorted(codes[type_])),
                                ]),
                        ]):
                reasons[party].append(gettext(message))
        if phones:
            for party in Party.search(domain + [
                        ('contact_mechanisms', 'where', [
                                ('type', 'in', list(PHONE_TYPES)),
                                ('value_compact', 'in', sorted(phones)),
                                ]),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_phone'))
        if emails:
            for party in Party.search(domain + [
                        ('contact_mechanisms', 'where', [
                                ('type', '=', 'email'),
                                ['OR'] + [
                                    ('value_compact', 'ilike', escape(e))
                                    for e in sorted(emails)],
                                ]),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_email'))
        # Persons of the same name are different persons
        name = normalize_name(getattr(self, 'name', None))
        if kind == 'enterprise' and name:
            for party in self._similar_names(name, threshold, domain + [
                        ('crm_kind', '=', 'enterprise'),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_name'))
        return dict(reasons)

    @classmethod
    def _similar_names(cls, name, threshold, domain, limit=20):
        """Yield the parties with a similar name which do not differ by a
        number or a branch"""
        database = Transaction().database
        if database.has_similarity():
            table = cls.__table__()
            # The trigram operator (default threshold 0.3) lets the GIN
            # index select the candidates that similarity() then checks
            candidates = table.select(table.id,
                where=TrigramMatch(table.crm_name_normalized, name))
            if threshold >= 0.3:
                domain = domain + [('id', 'in', candidates)]
            with Transaction().set_context(search_similarity=threshold):
                parties = cls.search(domain + [
                        ('crm_name_normalized', 'ilike', name),
                        ], limit=limit)
        else:
            # Candidates share a 2-character fragment of the name
            fragments = {name[i:i + 2] for i in range(0, len(name) - 1)
                } or {name}
            fragments = sorted(fragments)[:8]
            parties = cls.search(domain + [['OR'] + [
                        ('crm_name_normalized', 'like', '%' + f + '%')
                        for f in fragments]], limit=500)
            parties = [p for p in parties
                if name_similarity(name, p.crm_name_normalized) >= threshold]
        yield from (p for p in parties
            if not distinct_names(name, p.crm_name_normalized))

    @classmethod
    def get_crm_duplicates(cls, parties, name):
        return {p.id: [d.id for d in p.find_duplicates()] for p in parties}

    @classmethod
    def get_crm_duplicate_reason(cls, parties, name):
        reference = Transaction().context.get('crm_duplicate_of')
        result = {p.id: None for p in parties}
        if reference and reference >= 0:
            found = cls(reference).find_duplicates()
            for party, reasons in found.items():
                if party.id in result:
                    result[party.id] = ', '.join(reasons)
        return result

    @fields.depends(
        'id', 'name', 'crm_kind', 'identifiers', 'contact_mechanisms',
        'addresses',
        methods=['_notify_crm_duplicates'])
    def on_change_notify(self):
        notifications = super().on_change_notify()
        notifications.extend(self._notify_crm_duplicates())
        return notifications

    @fields.depends(
        'id', 'name', 'crm_kind', 'identifiers', 'contact_mechanisms',
        'addresses')
    def _notify_crm_duplicates(self):
        for party, reasons in self.find_duplicates().items():
            yield ('warning', gettext(
                    'crm_plus.msg_customer_possible_duplicate',
                    party=party.rec_name, reasons=', '.join(reasons)))

    @classmethod
    def create(cls, vlist):
        parties = super().create(vlist)
        context = Transaction().context
        # Warn users (RPC calls) creating customers, not server code
        if (context.get('_check_access')
                and not context.get('_crm_skip_duplicate_check')):
            cls.check_duplicates([p for p in parties if p.crm_kind])
        return parties

    @classmethod
    def check_duplicates(cls, parties):
        "Warn when new parties have likely duplicates"
        Warning = Pool().get('res.user.warning')
        for party in parties:
            found = party.find_duplicates()
            if not found:
                continue
            duplicates = sorted(found, key=lambda p: p.id)
            key = Warning.format('crm_party_duplicate', [party] + duplicates)
            if Warning.check(key):
                raise DuplicateWarning(key, gettext(
                        'crm_plus.msg_customer_duplicate_warning',
                        party=party.rec_name,
                        duplicates=', '.join(
                            '%s (%s)' % (d.rec_name, ', '.join(found[d]))
                            for d in duplicates)))


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.value_compact, Index.Equality(cardinality='high')),
                    (t.type, Index.Equality(cardinality='low'))),
                # Emails are compared lower-cased
                Index(t,
                    (Lower(t.value_compact),
                        Index.Equality(cardinality='high')),
                    where=t.type == 'email'),
                })


class Identifier(metaclass=PoolMeta):
    __name__ = 'party.identifier'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t,
                    (t.code_compact, Index.Equality(cardinality='high')),
                    (t.type, Index.Equality(cardinality='low'))),
                Index(t, (t.code, Index.Equality(cardinality='high'))),
                })


def _enable_trigram():
    """Create pg_trgm when missing so Index.Similarity builds trigram indexes

    It runs on its own connection as the extension must be visible to the
    connections trytond uses to probe extensions.
    """
    if backend.name != 'postgresql':
        return
    database = Transaction().database
    if database.has_extension('pg_trgm'):
        return
    connection = database.get_connection(autocommit=True)
    try:
        with connection.cursor() as cursor:
            cursor.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    except Exception:
        logger.warning(
            "pg_trgm is not available: duplicate names are compared "
            "in Python", exc_info=True)
    finally:
        database.put_connection(connection)
    backend.Database.clear_cache()
