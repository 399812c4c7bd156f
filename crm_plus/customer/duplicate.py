"""Duplicate detection of customers.

Two parties are likely duplicates when they share a unified social credit
code, a phone number (compared in E.164), an email address (lower-cased) or
when their normalised names are very similar.  Name similarity uses pg_trgm
on PostgreSQL (Tryton's ``search_similarity`` context over a trigram index)
and difflib on the other backends.
"""
import difflib
import logging
import re
import unicodedata
from collections import defaultdict

import phonenumbers
from sql import Null
from sql.functions import Lower
from sql.operators import BinaryOperator
from stdnum.cn import uscc

from trytond import backend
from trytond.exceptions import UserWarning
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

try:
    from email_validator import EmailNotValidError
    from email_validator import validate_email as _validate_email
except ImportError:
    _validate_email = None

logger = logging.getLogger(__name__)

USCC_TYPE = 'cn_vat'
PHONE_TYPES = {'phone', 'mobile', 'fax'}
DEFAULT_THRESHOLD = 0.8
PHONE_REGION = 'CN'

# Legal-form suffixes and generic words stripped from company names, longest
# first so that 股份有限公司 goes before 有限公司
_NAME_SUFFIXES = sorted([
        '股份有限公司', '有限责任公司', '集团有限公司', '集团股份有限公司',
        '有限公司', '分公司', '总公司', '公司', '集团', '股份',
        'co ltd', 'coltd', 'company limited', 'limited', 'ltd', 'inc',
        'corporation', 'corp', 'company', 'co', 'group', 'llc', 'gmbh',
        ], key=len, reverse=True)
# Parenthesised parts like (中国), （北京）
_PARENTHESES = re.compile(r'\([^)]*\)')
_NON_WORD = re.compile(r'[\W_]+')


class TrigramMatch(BinaryOperator):
    "pg_trgm ``%`` operator: similarity above pg_trgm.similarity_threshold"
    __slots__ = ()
    _operator = '%%'


class InvalidValue(ValueError):
    pass


class DuplicateWarning(UserWarning):
    pass


def normalize_name(name):
    "Return the company name reduced to what tells it apart"
    if not name:
        return ''
    value = unicodedata.normalize('NFKC', name).lower()
    value = _PARENTHESES.sub(' ', value)
    value = _NON_WORD.sub(' ', value).strip()
    changed = True
    while changed and value:
        changed = False
        for suffix in _NAME_SUFFIXES:
            if value.endswith(suffix) and len(value) > len(suffix):
                head = value[:-len(suffix)]
                # Latin words must end on a word boundary
                if suffix.isascii() and not head.endswith(' '):
                    continue
                value = head.rstrip()
                changed = True
                break
    return value.replace(' ', '')


def normalize_uscc(code):
    "Return the compact code or raise InvalidValue"
    try:
        return uscc.validate(code)
    except Exception as exception:
        raise InvalidValue(str(exception)) from exception


def format_uscc(code):
    return uscc.format(code) if hasattr(uscc, 'format') else code


def parse_phone(value, region=PHONE_REGION):
    "Return the valid phonenumbers.PhoneNumber or raise InvalidValue"
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException as exception:
        raise InvalidValue(str(exception)) from exception
    if not phonenumbers.is_valid_number(number):
        raise InvalidValue(value)
    return number


def normalize_phone(value, region=PHONE_REGION):
    "Return the E.164 form of a valid phone number or None"
    try:
        number = parse_phone(value, region)
    except InvalidValue:
        return None
    return phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.E164)


def check_email(value):
    """Return the normalised address or raise InvalidValue

    The syntax is checked with email_validator, the library the party module
    validates with, without the DNS lookups the party module makes on save.
    Without it the standard library parser checks the syntax.
    """
    if _validate_email:
        try:
            return _validate_email(
                value, check_deliverability=False,
                test_environment=Pool.test).normalized
        except EmailNotValidError as exception:
            raise InvalidValue(str(exception)) from exception
    from email.headerregistry import Address
    try:
        address = Address(addr_spec=value)
    except Exception as exception:
        raise InvalidValue(str(exception)) from exception
    if not address.username or '.' not in address.domain.strip('.'):
        raise InvalidValue(value)
    # As email_validator does: the domain is case-insensitive
    return '%s@%s' % (address.username, address.domain.lower())


def email_key(value):
    return value.strip().lower() if value else None


def escape(value):
    "Escape the wildcards of value for a like clause"
    return value.replace('\\', '\\\\').replace('%', '\\%').replace(
        '_', '\\_')


def name_similarity(a, b):
    "Similarity ratio of two normalised names (0..1)"
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()


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
            help="Other parties sharing an identifier, a phone, an email "
            "or a very similar name."),
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
        table_h = cls.__table_handler__(module)
        fill = not table_h.column_exist('crm_name_normalized')
        _enable_trigram()
        super().__register__(module)
        if fill:
            cursor = Transaction().connection.cursor()
            table = cls.__table__()
            cursor.execute(*table.select(
                    table.id, table.name, where=table.name != Null))
            for id_, name in cursor.fetchall():
                cursor.execute(*table.update(
                        [table.crm_name_normalized], [normalize_name(name)],
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
        "Return the USCC codes, E.164 phones and email keys of the party"
        codes, phones, emails = set(), set(), set()
        for identifier in getattr(self, 'identifiers', None) or []:
            if (getattr(identifier, 'type', None) == USCC_TYPE
                    and getattr(identifier, 'code', None)):
                try:
                    codes.add(normalize_uscc(identifier.code))
                except InvalidValue:
                    pass
        for mechanism in getattr(self, 'contact_mechanisms', None) or []:
            type_ = getattr(mechanism, 'type', None)
            value = getattr(mechanism, 'value', None)
            if not value:
                continue
            if type_ in PHONE_TYPES:
                phone = normalize_phone(value)
                if phone:
                    phones.add(phone)
            elif type_ == 'email':
                emails.add(email_key(value))
        return codes, phones, emails

    def find_duplicates(self, threshold=None):
        """Return {party: [reason, ...]} of the likely duplicates

        The search runs with the access rules of the user.
        """
        pool = Pool()
        Party = pool.get('party.party')
        if threshold is None:
            threshold = duplicate_threshold()
        codes, phones, emails = self._duplicate_keys()
        exclude = [('id', '!=', self.id)] if self.id and self.id >= 0 else []
        reasons = defaultdict(list)
        if codes:
            for party in Party.search(exclude + [
                        ('identifiers', 'where', [
                                ('type', '=', USCC_TYPE),
                                ('code_compact', 'in', list(codes)),
                                ]),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_uscc'))
        if phones:
            for party in Party.search(exclude + [
                        ('contact_mechanisms', 'where', [
                                ('type', 'in', list(PHONE_TYPES)),
                                ('value_compact', 'in', list(phones)),
                                ]),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_phone'))
        if emails:
            for party in Party.search(exclude + [
                        ('contact_mechanisms', 'where', [
                                ('type', '=', 'email'),
                                ['OR'] + [
                                    ('value_compact', 'ilike', escape(e))
                                    for e in sorted(emails)],
                                ]),
                        ]):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_email'))
        name = normalize_name(getattr(self, 'name', None))
        if name:
            for party in self._similar_names(name, threshold, exclude):
                reasons[party].append(gettext(
                        'crm_plus.msg_customer_duplicate_reason_name'))
        return dict(reasons)

    @classmethod
    def _similar_names(cls, name, threshold, domain, limit=20):
        "Yield the parties with a similar name"
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
        yield from parties

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
        'id', 'name', 'identifiers', 'contact_mechanisms',
        methods=['_notify_crm_duplicates'])
    def on_change_notify(self):
        notifications = super().on_change_notify()
        notifications.extend(self._notify_crm_duplicates())
        return notifications

    @fields.depends('id', 'name', 'identifiers', 'contact_mechanisms')
    def _notify_crm_duplicates(self):
        for party, reasons in self.find_duplicates().items():
            yield ('warning', gettext(
                    'crm_plus.msg_customer_possible_duplicate',
                    party=party.rec_name, reasons=', '.join(reasons)))

    @classmethod
    def create(cls, vlist):
        parties = super().create(vlist)
        context = Transaction().context
        if (Transaction().user
                and not context.get('_crm_skip_duplicate_check')):
            cls.check_duplicates(parties)
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
