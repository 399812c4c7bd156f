"""API keys of the CRM API on Tryton's res.user.application.

A key of the 'crm_api' application is stored as its SHA-256 digest: the
secret is shown once, by the Create API Key wizard, and never again.  A
key has scopes (read and write per resource), an expiry and a last-used
time; revoking it is the stock cancel button.
"""
import datetime as dt
import hashlib
import json
import secrets
from typing import NamedTuple

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

APPLICATION = 'crm_api'
PREFIX = 'crm_'


def digest(secret):
    return hashlib.sha256(secret.encode('utf-8', 'replace')).hexdigest()


def scope_selection():
    from .resources import RESOURCES
    names = sorted(RESOURCES) + ['webhooks']
    return [(f'{n}:{a}', f'{n}:{a}') for n in names
        for a in ('read', 'write')]


class UserApplication(metaclass=PoolMeta):
    __name__ = 'res.user.application'
    name = fields.Char("Name", help="What the key is for.")
    scopes = fields.MultiSelection(
        'get_scopes', "Scopes",
        states={'invisible': Eval('application') != APPLICATION},
        help="The resources the key may read or write.")
    expires = fields.DateTime(
        "Expires", states={'invisible': Eval('application') != APPLICATION},
        help="Empty: the key does not expire.")
    last_used = fields.DateTime("Last Used", readonly=True)
    key_prefix = fields.Char("Key Prefix", readonly=True,
        help="The first characters of the key, to recognise it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = (APPLICATION, "CRM API")
        if selection not in cls.application.selection:
            cls.application.selection.append(selection)

    @classmethod
    def get_scopes(cls):
        return scope_selection()

    @classmethod
    def create(cls, vlist):
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if values.get('application') == APPLICATION:
                cls.check_key_user(values.get('user'))
                # a key the wizard did not make is never shown: a new one
                secret = values.pop('key', None)
                if not (secret or '').startswith(PREFIX):
                    secret = PREFIX + secrets.token_urlsafe(32)
                values['key'] = digest(secret)
                values['key_prefix'] = secret[:10]
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        for records, values in zip(actions, actions):
            if 'user' in values and any(
                    r.application == APPLICATION for r in records):
                cls.check_key_user(values['user'])
        super().write(*args)

    @classmethod
    def check_key_user(cls, user_id):
        """Refuse a key acting as another user unless the creator is an
        administrator: the secret is shown to its creator"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if (not transaction.check_access or transaction.user == 0
                or user_id == transaction.user):
            return
        if ModelData.get_id('res', 'group_admin') not in User.get_groups():
            raise AccessError(gettext('crm_plus.msg_api_key_other_user'))

    @classmethod
    def authenticate(cls, secret):
        """The validated, unexpired crm_api key of secret of an active user
        or None: an ApiKey read with one query on every call, so that a
        revoked or expired key or a deactivated user is refused at once"""
        pool = Pool()
        User = pool.get('res.user')
        if not secret or len(secret) > 200:
            return None
        table = cls.__table__()
        user = User.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.join(user, condition=table.user == user.id
                ).select(table.id, table.user, table.scopes, table.expires,
                user.write_date, user.create_date,
                where=(table.key == digest(secret))
                & (table.application == APPLICATION)
                & (table.state == 'validated')
                & (user.active == True),  # noqa: E712
                limit=1))
        row = cursor.fetchone()
        if not row:
            return None
        id_, user_id, scopes, expires, write_date, create_date = row
        if isinstance(expires, str):
            # SQLite without the declared type of the column
            expires = dt.datetime.fromisoformat(expires)
        if expires and expires <= dt.datetime.now():
            return None
        if isinstance(scopes, str):
            scopes = json.loads(scopes)
        return ApiKey(id_, user_id, write_date or create_date,
            tuple(scopes or ()))


class ApiKey(NamedTuple):
    "An authenticated key: its id, its user and the user's last change"
    id: int
    user: int
    user_stamp: object
    scopes: tuple


class CreateKeyStart(ModelView):
    "Create API Key"
    __name__ = 'crm.api.key.create.start'
    __string__ = "Create API Key"
    name = fields.Char("Name", required=True)
    user = fields.Many2One('res.user', "User", required=True,
        help="The key acts as this user, with the user's access rights.")
    scopes = fields.MultiSelection('get_scopes', "Scopes", required=True)
    expires = fields.DateTime("Expires")

    @classmethod
    def get_scopes(cls):
        return scope_selection()

    @staticmethod
    def default_user():
        return Transaction().user

    @staticmethod
    def default_scopes():
        return [s for s, _ in scope_selection()]


class CreateKeyDone(ModelView):
    "API Key Created"
    __name__ = 'crm.api.key.create.done'
    __string__ = "API Key Created"
    key = fields.Char("Key", readonly=True,
        help="Copy the key now: it is not shown again.")


class CreateKey(Wizard):
    "Create API Key"
    __name__ = 'crm.api.key.create'
    start = StateView('crm.api.key.create.start',
        'crm_plus.api_key_create_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Create", 'create_', 'tryton-ok', default=True),
            ])
    create_ = StateTransition()
    done = StateView('crm.api.key.create.done',
        'crm_plus.api_key_create_done_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_create_(self):
        Application = Pool().get('res.user.application')
        self.secret = PREFIX + secrets.token_urlsafe(32)
        # with the user's access rights: an administrator may give a key to
        # another user, a user only to themselves
        with check_access():
            Application.create([{
                        'application': APPLICATION,
                        'key': self.secret,
                        'user': self.start.user.id,
                        'name': self.start.name,
                        'scopes': self.start.scopes,
                        'expires': self.start.expires,
                        'state': 'validated',
                        }])
        return 'done'

    def default_done(self, fields):
        return {'key': self.secret}
