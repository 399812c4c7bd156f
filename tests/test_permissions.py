"""The permission matrix of README.md, over the running server.

Generated from the "Security model" table: for each model of the table and
each of a Sales Representative (lina, against the records of zhangwei), a
Sales Manager of another team, a Service Agent and a Marketing user, on
every backend, the JSON-RPC search, search_count, read, export_data,
create, write and delete and the REST model endpoint give exactly what the
table says.  The records of the "other representative" are those the demo
data gives zhangwei through the first owner path of the row (or the record
its access follows), without those the further owner terms give lina.
Attachments and notes (created by the administrator on zhangwei's customer
and sale) and chat (get, post and the messages of zhangwei's sale and
opportunity) are reached exactly where the row of their resource gives all
its records.
"""
import importlib.util
import unittest
from pathlib import Path

from harness import BACKENDS, RpcError, instance

REPO = Path(__file__).resolve().parent.parent
REP_A, REP_B = 'lina', 'zhangwei'
# Test users: (login, the groups of the table whose cells apply)
USERS = [
    (REP_A, ['group_sales_rep']),
    ('perm_manager', ['group_sales_rep', 'group_sales_manager']),
    ('perm_agent', ['group_service_agent']),
    ('perm_marketing', ['group_marketing']),
    ]
SCOPES = ['own', 'team', 'all']
SAMPLE = 5
# The records of B whose attachments and notes are checked, their values
RESOURCES = ['party.party', 'sale.sale']
RESOURCE_VALUES = {
    'ir.attachment': {'name': "admin.txt", 'data': b"Admin"},
    'ir.note': {'message': "Admin"},
    }
# The records of B whose chat is checked (the models with a chat)
CHAT_RESOURCES = ['sale.sale', 'sale.opportunity']
CHAT = {'ir.chat.channel', 'ir.chat.message'}
EN = {'language': 'en'}


def load_table():
    spec = importlib.util.spec_from_file_location(
        'crm_plus_security', REPO / 'crm_plus' / 'security.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse((REPO / 'README.md').read_text(encoding='utf-8'))


def effective(row, groups):
    "The rights and widest scope the table gives a user in groups"
    perms, scopes = set(), []
    for group in groups:
        cell_perms, scope, _ = row['cells'][group]
        perms |= cell_perms
        if scope:
            scopes.append(scope)
    scope = max(scopes, key=SCOPES.index) if scopes else None
    return perms, scope


def refused(error):
    "Whether the RPC error is an access refusal (model access or rule)"
    return (error.type == 'UserError'
        and 'not allowed' in str(error.message))


def rule_refused(error):
    "Whether the RPC error is a refusal by a record rule"
    return refused(error) and 'because' in str(error.message)


class PermissionMatrixTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.models, _ = load_table()

    def test_matrix(self):
        for backend in BACKENDS:
            with self.subTest(backend=backend):
                self.check_backend(instance(backend))

    def setup_users(self, inst):
        groups = {
            'group_sales_rep': 'crm_plus.group_sales_rep',
            'group_sales_manager': 'crm_plus.group_sales_manager',
            'group_service_agent': 'crm_plus.group_service_agent',
            'group_marketing': 'crm_plus.group_marketing',
            }
        users = {}
        for login, table_groups in USERS:
            if login == REP_A:
                password = inst.password(login)
            else:
                password = inst.user(
                    login, [groups[table_groups[-1]]], employee=True)
            users[login] = (inst.rpc(login, password), inst.rest_key(login),
                table_groups)
        return users

    def owner_domain(self, admin, model, value):
        "The domain of the records whose first owner is in value"
        row = self.models[model]
        if row['terms']:
            term = row['terms'][0]
            if term['user']:
                # a path to a user (~user): the users of those employees
                value = admin.model('res.user').search(
                    [('employees', 'in', value)], 0, None, None)
            return [(term['path'], 'in', value)]
        if row['inherit'] in {None, 'resource'}:
            return None
        field = admin.model(model).fields_get([row['inherit']])[
            row['inherit']]
        parent = self.owner_domain(admin, field['relation'], value)
        if parent is None:
            return None
        (path, operator, value), = parent
        return [(f"{row['inherit']}.{path}", operator, value)]

    def follows_resource(self, admin, model):
        "Whether the access of the model is that of a resource record"
        inherit = self.models[model]['inherit']
        if inherit in {None, 'resource'}:
            return inherit == 'resource'
        field = admin.model(model).fields_get([inherit])[inherit]
        return self.follows_resource(admin, field['relation'])

    def tryton_rights(self, admin, model, groups):
        """The rights Tryton gives for the table: the widest of the group
        cells, the default access and the record of a ^field row (but for
        a ^resource row, which gets no model access)"""
        row = self.models[model]
        if row['inherit'] == 'resource':
            return set()
        perms = set(effective(row, groups)[0]) | set(row['default'] or ())
        if row['inherit'] is not None:
            field = admin.model(model).fields_get([row['inherit']])[
                row['inherit']]
            if field['relation'] in self.models:
                perms |= self.tryton_rights(admin, field['relation'], groups)
        return perms

    def secondary_domain(self, admin, model, employees, user):
        """The clauses of the further owner terms for the user (of the
        record a ^field row follows)"""
        row = self.models[model]
        if row['inherit'] not in {None, 'resource'}:
            field = admin.model(model).fields_get([row['inherit']])[
                row['inherit']]
            return [(f"{row['inherit']}.{path}", *rest)
                for path, *rest in self.secondary_domain(
                    admin, field['relation'], employees, user)]
        clauses = []
        for term in row['terms'][1:]:
            value = user if term['user'] else employees
            operator = '=' if term['user'] else 'in'
            clause = (term['path'], operator, value)
            if term['ref']:
                clause += (term['ref'],)
            clauses.append(clause)
        return clauses

    def check_backend(self, inst):
        self.admin = admin = inst.rpc()
        users = self.setup_users(inst)
        User = admin.model('res.user')
        employee = {}
        for login in [REP_A, REP_B]:
            (row,) = User.search_read(
                [('login', '=', login)], 0, 1, None, ['employee'])
            employee[login] = row['employee']
        a_user, = User.search([('login', '=', REP_A)], 0, 1, None)
        for model, row in self.models.items():
            with self.subTest(backend=inst.backend, model=model):
                self.check_model(inst, admin, users, employee, a_user, model)

    def other_records(self, admin, model, employee, a_user):
        """The records of the other representative (B) of the model, without
        those the further owner terms give A"""
        domain = self.owner_domain(admin, model, [employee[REP_B]])
        if domain is None:
            return []
        Admin = admin.model(model)
        records = Admin.search(domain, 0, SAMPLE, None, context=EN)
        secondary = self.secondary_domain(
            admin, model, [employee[REP_A]], a_user)
        if records and secondary:
            shared = Admin.search(
                [('id', 'in', records), ['OR', *secondary]],
                0, None, None)
            records = [r for r in records if r not in shared]
        return records

    def check_resources(self, admin, users, employee, a_user, model):
        """Attachments, notes and chat of B's customer and sale: each user
        reaches them exactly where the row of the resource gives all its
        records (none of the test users is B nor manages B's team)"""
        row = self.models[model]
        for resource_model in (CHAT_RESOURCES if model in CHAT
                else RESOURCES):
            resource, *_ = self.other_records(
                admin, resource_model, employee, a_user)
            resource = f'{resource_model},{resource}'
            if model in CHAT:
                records = [admin.model('ir.chat.channel').post(
                        resource, "Admin message", 'internal', context=EN)]
            else:
                records = admin.model(model).create(
                    [{'resource': resource, **RESOURCE_VALUES[model]}],
                    context=EN)
            for login, (rpc, _, groups) in users.items():
                perms, _ = effective(row, groups)
                if row['inherit'] != 'resource':
                    self.assertEqual(
                        perms, self.tryton_rights(admin, model, groups),
                        "the cells are not the rights Tryton gives")
                res_perms, res_scope = effective(
                    self.models[resource_model], groups)
                visible = ('read' in perms and 'read' in res_perms
                    and res_scope == 'all')
                with self.subTest(model=model, user=login, resource=resource):
                    if model == 'ir.chat.channel':
                        self.check_chat(rpc, resource, visible)
                    else:
                        self.check_searched(
                            rpc, model, records, visible)

    def check_searched(self, rpc, model, records, visible):
        """search (all, and the records), search_count and read give the
        records or refuse them"""
        Model = rpc.model(model)
        domain = [('id', 'in', records)]
        try:
            everything = Model.search([], 0, None, None, context=EN)
            found = Model.search(domain, 0, None, None, context=EN)
            count = Model.search_count(domain, context=EN)
        except RpcError as error:
            self.assertTrue(refused(error), error.data)
            self.assertFalse(visible, "refused to search")
            everything, found, count = [], [], 0
        self.assertEqual(sorted(found), sorted(records) if visible else [])
        self.assertEqual(set(records) <= set(everything), visible)
        self.assertEqual(count, len(found))
        if visible:
            Model.read(records, ['id'], context=EN)
        else:
            with self.assertRaises(RpcError) as cm:
                Model.read(records, ['id'], context=EN)
            self.assertTrue(refused(cm.exception), cm.exception.data)

    def check_chat(self, rpc, resource, visible):
        "get and post of the chat of a resource"
        Channel = rpc.model('ir.chat.channel')
        calls = [(Channel.get, (resource,)),
            (Channel.post, (resource, "Hello", 'internal'))]
        for call, args in calls:
            if visible:
                call(*args, context=EN)
            else:
                with self.assertRaises(RpcError) as cm:
                    call(*args, context=EN)
                self.assertTrue(refused(cm.exception), cm.exception.data)

    def check_model(self, inst, admin, users, employee, a_user, model):
        row = self.models[model]
        # A model of the table the server does not know fails here; one
        # without RPC methods (link tables) is out of a client's reach
        try:
            admin.model(model).fields_get(['id'])
            admin.model(model).search_count([])
        except RpcError as error:
            if error.type == 'HTTPError' and error.status == 403:
                return
            raise
        domain = self.owner_domain(admin, model, [employee[REP_B]])
        if self.follows_resource(admin, model):
            # Resource access (attachments, notes, chat)
            self.check_resources(admin, users, employee, a_user, model)
            return
        # No records when not owned (reference data, configuration, reports
        # computed from the records the user may read): the model access only
        records = self.other_records(admin, model, employee, a_user)
        own = []
        if domain is not None:
            own = admin.model(model).search(self.owner_domain(
                    admin, model, [employee[REP_A]]), 0, SAMPLE, None)
        for login, (rpc, key, groups) in users.items():
            perms, scope = effective(row, groups)
            with self.subTest(model=model, user=login, check='table'):
                self.assertEqual(
                    perms, self.tryton_rights(admin, model, groups),
                    "the cells are not the rights Tryton gives")
            with self.subTest(
                    backend=inst.backend, model=model, user=login):
                self.check_cell(inst, rpc, key, model, perms, scope,
                    records, own if login == REP_A else [])

    def check_cell(self, inst, rpc, key, model, perms, scope, others, own):
        Model = rpc.model(model)
        if 'read' not in perms:
            for call, args in [
                    (Model.search, ([], 0, 1, None)),
                    (Model.search_count, ([],)),
                    ]:
                with self.assertRaises(RpcError) as cm:
                    call(*args, context=EN)
                self.assertTrue(refused(cm.exception), cm.exception.data)
            if others:
                status, _ = inst.rest('GET', f'model/{model}/{others[0]}', key)
                self.assertEqual(status, 404)
            self.check_changes(model, Model, perms, False, others)
            return
        visible = scope == 'all' or not others
        found = Model.search([('id', 'in', others)], 0, None, None, context=EN)
        self.assertEqual(sorted(found), sorted(others) if visible else [])
        self.assertEqual(
            Model.search_count([('id', 'in', others)], context=EN),
            len(others) if visible else 0)
        if own:
            self.assertEqual(sorted(Model.search(
                        [('id', 'in', own)], 0, None, None, context=EN)),
                sorted(own))
            Model.read(own, ['id'], context=EN)
        if others:
            if visible:
                Model.read(others, ['id'], context=EN)
                self.assertEqual(len(Model.export_data(
                            others, ['id'], context=EN)), len(others))
            else:
                for call, args in [
                        (Model.read, (others, ['id'])),
                        (Model.export_data, (others, ['id'])),
                        ]:
                    with self.assertRaises(RpcError) as cm:
                        call(*args, context=EN)
                    self.assertTrue(refused(cm.exception), cm.exception.data)
            status, body = inst.rest(
                'GET', f'model/{model}/{others[0]}', key)
            self.assertEqual(status, 200 if visible else 404, body)
        self.check_changes(model, Model, perms, visible, others)

    def check_changes(self, model, Model, perms, visible, others):
        "Create, write and delete are refused exactly where the table says"
        # Empty values: the model access decides first; a rule may refuse
        # the incomplete record (no customer) of an allowed creation
        try:
            created = Model.create([{}], context=EN)
        except RpcError as error:
            if 'create' in perms:
                self.assertFalse(refused(error) and not rule_refused(error),
                    error.data)
            else:
                self.assertTrue(refused(error) and not rule_refused(error),
                    error.data)
        else:
            self.assertIn('create', perms)
            self.admin.model(model).delete(created)
        if not others:
            return
        allowed = 'write' in perms and visible
        try:
            Model.write(others, {}, context=EN)
        except RpcError as error:
            self.assertTrue(refused(error), error.data)
            self.assertFalse(allowed)
        else:
            self.assertTrue(allowed)
        if not ('delete' in perms and visible):
            with self.assertRaises(RpcError) as cm:
                Model.delete(others[:1], context=EN)
            self.assertTrue(refused(cm.exception), cm.exception.data)


if __name__ == '__main__':
    unittest.main()
