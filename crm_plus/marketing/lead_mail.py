"""Inbound e-mail: the action ``crm.lead|from_inbound_email`` of the rules
of an inbox of Tryton's inbound_email module.

Each mail becomes a new lead (source E-mail) of the sender: the name and
address of its From header, the subject and text as its description.  A
mail posted again (the same Message-ID) and automatic replies create
nothing.
"""
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta

from ..customer.normalize import InvalidValue, validate_email
from ..service.inbound import CHAR_SIZE, TEXT_SIZE, parse, service_company

ACTION = 'crm.lead|from_inbound_email'


class Rule(metaclass=PoolMeta):
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append((ACTION, "Create Lead"))


class Lead(metaclass=PoolMeta):
    __name__ = 'crm.lead'
    email_message_id = fields.Char(
        "Message-ID", readonly=True,
        help="The Message-ID of the mail the lead came from.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.email_message_id, Index.Equality())))

    @classmethod
    def copy(cls, leads, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('email_message_id')
        return super().copy(leads, default=default)

    @classmethod
    def from_inbound_email(cls, inbound_email, rule):
        "The lead of the mail's sender, None for an automatic reply"
        ModelData = Pool().get('ir.model.data')
        mail = parse(inbound_email)
        if mail['auto'] or not mail['address']:
            return None
        try:
            address = validate_email(mail['address'][:CHAR_SIZE])
        except InvalidValue:
            return None
        message_id = (mail['message_id'] or '')[:CHAR_SIZE] or None
        if message_id:
            known = cls.search(
                [('email_message_id', '=', message_id)], limit=1)
            if known:
                return known[0]
        company = service_company()
        description = '\n\n'.join(
            p for p in [mail['subject'], mail['text']] if p)
        lead, = cls.create([{
                    'company': company.id,
                    'name': (mail['name'] or address)[:CHAR_SIZE],
                    'email': address,
                    'source': ModelData.get_id('crm_plus', 'source_email'),
                    'description': description[:TEXT_SIZE] or None,
                    'email_message_id': message_id,
                    }])
        return lead
