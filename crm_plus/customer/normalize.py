"""Normalisation of phones, e-mails, identifier codes and company names.

The one place where the forms, the importer, the searches, the merge and the
duplicate detection turn what users type into comparable values, with the
libraries doing the work: phonenumbers, email-validator and python-stdnum.

Phones without an international prefix are read in the regions given by the
caller (the countries of the party's addresses), then in the default region
of the CRM configuration.
"""
import difflib
import re
import unicodedata
from itertools import chain

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email as _validate_email
from phonenumbers import NumberParseException, PhoneNumberFormat
from stdnum import get_cc_module
from stdnum.exceptions import ValidationError

from trytond.pool import Pool
# The formatting of e-mails on forms: the normalised address, or the value
# as typed while it is not valid yet
from trytond.tools.email_ import normalize_email  # noqa: F401

USCC_TYPE = 'cn_vat'
RIC_TYPE = 'cn_ric'

# Legal forms and generic words stripped from company names, longest first
# so that 股份有限公司 goes before 有限公司
_LEGAL_FORMS_CJK = sorted([
        '股份有限公司', '有限责任公司', '集团有限公司', '集团股份有限公司',
        '有限公司', '总公司', '公司', '集团', '股份',
        ], key=len, reverse=True)
_LEGAL_FORMS_LATIN = sorted([
        'co ltd', 'coltd', 'company limited', 'limited', 'ltd', 'inc',
        'corporation', 'corp', 'company', 'co', 'group', 'llc', 'gmbh',
        ], key=len, reverse=True)
_LEGAL_FORM = re.compile('|'.join(
        [re.escape(f) for f in _LEGAL_FORMS_CJK]
        + [r'\b%s\b' % re.escape(f) for f in _LEGAL_FORMS_LATIN]))
# The words naming a branch, office or plant of an enterprise: the branch
# is another customer than its head office and than the other branches
_BRANCH_WORDS = sorted([
        '分公司', '子公司', '支公司', '分厂', '办事处', '分店', '分部',
        '分行', '支行', '分社', '分所', '分院', '分中心', '营业部', '经营部',
        '门店', 'branch', 'branch office',
        ], key=len, reverse=True)
_BRANCH = re.compile('(?:%s)$' % '|'.join(map(re.escape, _BRANCH_WORDS)))
# Numbers tell apart enterprises of similar names: 一分公司, 第二建筑, No 3
_NUMBER = re.compile(r'[0-9]+|[〇零一二三四五六七八九十百千]+')
# Parenthesised parts like (中国), （北京）, (集团)
_PARENTHESES = re.compile(r'\(([^)]*)\)')
_NON_WORD = re.compile(r'[\W_]+')


class InvalidValue(ValueError):
    pass


def default_phone_region():
    "Return the region of the CRM configuration for numbers without prefix"
    Configuration = Pool().get('crm.configuration')
    return Configuration.get_phone_region()


def parse_phone(value, regions=()):
    """Return the valid phonenumbers.PhoneNumber of value or None

    It is read in the first of regions that fits, else in the default
    region, else only with an international prefix."""
    if not value:
        return None
    for region in chain(regions, [default_phone_region(), None]):
        try:
            # The region is ignored if value has an international prefix
            number = phonenumbers.parse(value, region)
        except NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            return number
    return None


def format_phone(number, format_=PhoneNumberFormat.INTERNATIONAL):
    return phonenumbers.format_number(number, format_)


def normalize_phone(value, regions=()):
    "Return the E.164 form of a valid phone number or None"
    number = parse_phone(value, regions)
    if number:
        return format_phone(number, PhoneNumberFormat.E164)


def tel_url(number):
    """Return the tel: URL (RFC 3966) dialling number, None without digits

    number is best the E.164 form crm_plus stores (value_compact,
    phone_compact); a number that could not be parsed keeps its digits.
    Phones get tel: links, which mobile browsers dial, not the callto: of
    sao's callto widget (Skype)."""
    digits = re.sub(r'[^0-9+]', '', number or '')
    if any(c.isdigit() for c in digits):
        return 'tel:' + digits


def validate_email(value):
    """Return the normalised address or raise InvalidValue

    Only the syntax is checked: unlike trytond's validate_email, the domain
    is not looked up in DNS, a CRM server offline or on an intranet would
    reject every address, and prospects often write from domains that do
    not receive mail yet."""
    try:
        return _validate_email(
            value, check_deliverability=False,
            test_environment=Pool.test).normalized
    except EmailNotValidError as exception:
        raise InvalidValue(str(exception)) from exception


def email_key(value):
    "Return the key comparing e-mail addresses, case-insensitive"
    return value.strip().lower() if value else None


def normalize_code(type_, code):
    """Return the compact code of a party identifier type (cn_vat, cn_ric,
    …) or raise InvalidValue"""
    module = get_cc_module(*type_.split('_', 1)) if '_' in type_ else None
    if not module:
        raise InvalidValue(type_)
    try:
        return module.validate(code)
    except ValidationError as exception:
        raise InvalidValue(str(exception)) from exception


def normalize_uscc(code):
    "Return the compact unified social credit code or raise InvalidValue"
    return normalize_code(USCC_TYPE, code)


def format_uscc(code):
    return get_cc_module('cn', 'vat').format(code)


def complete_uscc(text):
    "Return the compact code if text is a complete valid USCC, else None"
    if text and len(text) >= 18:
        try:
            return normalize_uscc(text)
        except InvalidValue:
            return None


def _strip_legal_forms(value):
    "Strip the legal forms ending value, keeping something"
    changed = True
    while changed and value:
        changed = False
        for suffix in chain(_LEGAL_FORMS_CJK, _LEGAL_FORMS_LATIN):
            if value.endswith(suffix) and len(value) > len(suffix):
                head = value[:-len(suffix)]
                # Latin words must start on a word boundary
                if suffix.isascii() and not head.endswith(' '):
                    continue
                value = head.rstrip()
                changed = True
                break
    return value


def normalize_name(name):
    """Return the company name reduced to what tells it apart

    Case, full-width forms, punctuation, spaces, parenthesised qualifiers
    and legal forms are dropped; a branch keeps its designation after the
    name of its enterprise: 华为技术有限公司北京分公司 gives 华为技术北京分公司.
    """
    if not name:
        return ''
    value = unicodedata.normalize('NFKC', name).lower()

    def parenthesis(match):
        # A branch in parentheses is kept as a branch
        if _BRANCH.search(_NON_WORD.sub(' ', match.group(1)).strip()):
            return ' ' + match.group(1)
        return ' '
    value = _PARENTHESES.sub(parenthesis, value)
    value = _NON_WORD.sub(' ', value).strip()
    branch = _BRANCH.search(value)
    if branch:
        head, designation = value[:branch.start()], branch.group()
        # The branch name follows the legal form of its enterprise
        legal_forms = list(_LEGAL_FORM.finditer(head))
        if legal_forms:
            end = legal_forms[-1].end()
            head, designation = head[:end], head[end:] + designation
        value = (_strip_legal_forms(head.strip()) + designation).strip()
    else:
        value = _strip_legal_forms(value)
    return value.replace(' ', '')


def is_branch(normalized):
    "Whether the normalised name is the name of a branch"
    return bool(normalized) and any(
        normalized.endswith(w.replace(' ', '')) for w in _BRANCH_WORDS)


def distinct_names(a, b):
    """Whether normalised names name different enterprises however similar
    they are: they differ by a number, or one is a branch"""
    if a == b:
        return False
    return (_NUMBER.findall(a) != _NUMBER.findall(b)
        or is_branch(a) or is_branch(b))


def name_similarity(a, b):
    "Similarity ratio of two normalised names (0..1)"
    if not a or not b:
        return 0.0
    return difflib.SequenceMatcher(None, a, b).ratio()
