"""The security model of crm_plus: one table, its XML, one rule check.

The table is the "Security model" section of README.md (see there for the
cell syntax).  `python -m trytond.modules.crm_plus.security README.md
crm_plus/security.xml crm_plus/locale/zh_CN.po` writes the model access,
record rules and field access it defines and the zh_CN names of the rule
groups; tests/test_security_model.py fails when the committed files and the
table disagree.

`check_records` is the one check for server code that reads or changes
records on behalf of the user outside of ModelStorage.read/search (exports,
on_change calls, chat, history revisions): the user's model access and
record rules of each model, as Tryton applies them to read and write.
"""
import glob
import os
import re
import sys
from collections import defaultdict
from xml.sax.saxutils import escape, quoteattr

GROUPS = [
    ('Sales Representative', 'group_sales_rep', 'sales_rep'),
    ('Sales Manager', 'group_sales_manager', 'sales_manager'),
    ('CRM Administrator', 'group_crm_admin', 'crm_admin'),
    ('Service Agent', 'group_service_agent', 'service_agent'),
    ('Marketing', 'group_marketing', 'marketing'),
    ]
GROUPS_ZH = {
    'group_sales_rep': "销售代表",
    'group_sales_manager': "销售经理",
    'group_crm_admin': "CRM 管理员",
    'group_service_agent': "客服专员",
    'group_marketing': "营销专员",
    }
# The names of the generated rule groups in English and zh_CN
RULE_GROUP_NAMES = {
    ('own', False): ("Own records of {}", "{}的自有记录"),
    ('own', True): ("Own records (creation) of {}", "{}的自有记录（创建）"),
    ('team', False): ("Records of managed teams of {}", "{}所管团队的记录"),
    ('team', True): (
        "Records of managed teams (creation) of {}", "{}所管团队的记录（创建）"),
    ('all', False): ("All records of {}", "{}的全部记录"),
    }
PO_CONTEXT = 'model:ir.rule.group,name:'
PERMS = {'r': 'read', 'w': 'write', 'c': 'create', 'd': 'delete'}
SCOPES = {'own', 'team', 'all'}
RECORDS_MARKER = '<!-- security-model: records -->'
OTHERS_MARKER = '<!-- security-model: others -->'
_TERM = re.compile(
    r'^(?P<path>[a-z_][\w.]*)(?:@(?P<ref>[a-z_][\w.]*))?'
    r'(?P<user>~user)?(?P<pool>\*)?$')
_CELL = re.compile(
    r'^(?:-|(?P<perms>r?w?c?d?):(?P<scope>\w+)(?P<nopool>!)?(?P<s>\+s)?)$')


class TableError(ValueError):
    pass


def _rows(text, marker):
    "Return the rows of the markdown table following the marker"
    try:
        _, rest = text.split(marker, 1)
    except ValueError:
        raise TableError(f"missing {marker}")
    lines = rest.strip().splitlines()
    rows = []
    for line in lines:
        if not line.startswith('|'):
            break
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        rows.append(cells)
    if len(rows) < 2:
        raise TableError(f"no table after {marker}")
    header, _, *body = rows
    return header, body


def parse_cell(cell):
    "Return (perms set, scope, sensitive) of a table cell"
    match = _CELL.match(cell)
    if not match:
        raise TableError(f"invalid cell {cell!r}")
    if cell == '-':
        return frozenset(), None, False
    perms = frozenset(PERMS[p] for p in match['perms'])
    scope = match['scope']
    if scope not in SCOPES or not perms:
        raise TableError(f"invalid cell {cell!r}")
    return perms, scope, bool(match['s'])


def parse_owner(owner):
    """Return (inherit, terms) of an owner column: inherit is the field
    whose record the access follows (or None), terms a list of dicts with
    path, ref, user and pool"""
    if owner == '-':
        return None, []
    if owner.startswith('^'):
        return owner[1:], []
    terms = []
    for term in owner.split(','):
        match = _TERM.match(term.strip())
        if not match:
            raise TableError(f"invalid owner term {term!r}")
        terms.append({
                'path': match['path'],
                'ref': match['ref'],
                'user': bool(match['user']),
                'pool': bool(match['pool']),
                })
    return None, terms


def parse(text):
    """Return (models, others): models maps a model name to its row (owner,
    inherit, terms, cells by group xml id, sensitive fields), others the
    set of the other registered models"""
    header, body = _rows(text, RECORDS_MARKER)
    expected = (['model', 'owner'] + [g[0] for g in GROUPS]
        + ['Other users', 'sensitive'])
    if header != expected:
        raise TableError(f"security table header {header} != {expected}")
    models = {}
    for cells in body:
        if len(cells) != len(expected):
            raise TableError(f"wrong number of cells in {cells}")
        model, owner, *group_cells, others_cell, sensitive = cells
        if model in models:
            raise TableError(f"{model} twice in the security table")
        inherit, terms = parse_owner(owner)
        if others_cell == 'stock':
            if model.startswith('crm.'):
                raise TableError(f"{model}: a model of crm_plus is not stock")
            default = None
        elif inherit == 'resource':
            raise TableError(f"{model}: resource access is left to stock")
        else:
            default = frozenset(PERMS[p] for p in others_cell.strip('-'))
            if not re.fullmatch(r'-|r?w?c?d?', others_cell):
                raise TableError(f"invalid cell {others_cell!r}")
        models[model] = {
            'nopool': {g[1]: c.split('+')[0].endswith('!')
                for g, c in zip(GROUPS, group_cells)},
            'owner': owner,
            'inherit': inherit,
            'terms': terms,
            'cells': {
                g[1]: parse_cell(c) for g, c in zip(GROUPS, group_cells)},
            'default': default,
            'sensitive': [f.strip() for f in sensitive.split(',')
                if f.strip()],
            }
    header, body = _rows(text, OTHERS_MARKER)
    others = {cells[0] for cells in body}
    if others & set(models):
        raise TableError(f"in both tables: {others & set(models)}")
    return models, others


# XML generation

def _xml_id(model):
    return re.sub(r'[^a-z0-9]+', '_', model)


def _employees(scope):
    return {
        'own': "Eval('employees', [])",
        'team': "Eval('managed_employees', [])",
        }[scope]


def _clauses(terms, scope, create, pool=True):
    """The PYSON domains (as source) of the rules of a scope (with the
    public pool of the starred owners unless not pool)"""
    clauses = []
    for i, term in enumerate(terms[:1] if create else terms):
        path = term['path']
        if term['user']:
            value = "Eval('user_id', -1)"
            clause = f"('{path}', '=', {value}"
        else:
            clause = f"('{path}', 'in', {_employees(scope)}"
        clause += f", '{term['ref']}')" if term['ref'] else ")"
        clauses.append(f"[{clause}]")
        if i == 0 and scope == 'own' and not term['user']:
            clauses.append(
                f"[('{path}', 'in', If(Eval('crm_team_sharing', False), "
                "Eval('team_employees', []), []))]")
    # Creation needs the first owner empty, the other accesses all of them
    starred = [t['path'] for t in (terms[:1] if create else terms)
        if t['pool'] and pool]
    if starred:
        clauses.append(
            '[' + ', '.join(f"('{p}', '=', None)" for p in starred) + ']')
    return clauses


def _record(model, id_, fields):
    lines = [f'        <record model="{model}" id="{id_}">']
    for name, kind, value in fields:
        if kind == 'text':
            lines.append(
                f'            <field name="{name}">{escape(value)}</field>')
        elif kind == 'ref':
            lines.append(f'            <field name="{name}" ref="{value}"/>')
        elif kind == 'eval':
            lines.append(
                f'            <field name="{name}" eval={quoteattr(value)}/>')
        elif kind == 'pyson':
            lines.append(
                f'            <field name="{name}" eval={quoteattr(value)}'
                ' pyson="1"/>')
    lines.append('        </record>')
    return lines


def _perm_fields(perms):
    return [(f'perm_{p}', 'eval', str(p in perms))
        for p in ['read', 'write', 'create', 'delete']]


def rule_groups(models):
    """Yield (xml id, model, row, group, scope, modes, create, english
    name, zh_CN name) of the rule groups of the security model"""
    for model, row in models.items():
        if not row['terms']:
            continue
        for name, group, short in GROUPS:
            _, scope, _ = row['cells'][group]
            if scope is None:
                continue
            variants = [('', set(PERMS.values()) - {'create'}, False),
                ('_create', {'create'}, True)]
            if scope == 'all':
                variants = [('', set(PERMS.values()), False)]
            for suffix, modes, create in variants:
                english, chinese = RULE_GROUP_NAMES[scope, create]
                yield (f'rule_group_{_xml_id(model)}_{short}{suffix}', model,
                    row, group, scope, modes, create, english.format(name),
                    chinese.format(GROUPS_ZH[group]))


def po_entries(models):
    "Return the (msgctxt, msgid, msgstr) of the rule group names"
    return [(PO_CONTEXT + gid, english, chinese)
        for gid, *_, english, chinese in rule_groups(models)]


def generate(models):
    "Return the XML of the security model"
    lines = [
        '<?xml version="1.0"?>',
        '<!-- Generated from the "Security model" table of README.md by',
        '     python -m trytond.modules.crm_plus.security: do not edit. -->',
        '<tryton>',
        '    <data>',
        ]
    for model, row in models.items():
        mid = _xml_id(model)
        lines.append(f'        <!-- {model}: {row["owner"]} -->')
        if row['inherit'] != 'resource':
            if row['default'] is not None:
                lines += _record('ir.model.access', f'access_{mid}', [
                        ('model', 'text', model),
                        *_perm_fields(row['default'])])
            for _, group, short in GROUPS:
                perms, _, _ = row['cells'][group]
                lines += _record(
                    'ir.model.access', f'access_{mid}_{short}', [
                        ('model', 'text', model),
                        ('group', 'ref', group),
                        *_perm_fields(perms)])
        for field in row['sensitive']:
            fid = f'field_access_{mid}_{field}'
            lines += _record('ir.model.field.access', fid, [
                    ('model', 'text', model),
                    ('field', 'text', field),
                    *_perm_fields(set())])
            for _, group, short in GROUPS:
                if row['cells'][group][2]:
                    lines += _record(
                        'ir.model.field.access', f'{fid}_{short}', [
                            ('model', 'text', model),
                            ('field', 'text', field),
                            ('group', 'ref', group),
                            *_perm_fields(set(PERMS.values()))])
    for gid, model, row, group, scope, modes, create, name, _ in (
            rule_groups(models)):
        lines += _record('ir.rule.group', gid, [
                ('name', 'text', name),
                ('model', 'text', model),
                ('global_p', 'eval', 'False'),
                *_perm_fields(modes)])
        lines += _record('ir.rule.group-res.group', f'{gid}_group', [
                ('rule_group', 'ref', gid),
                ('group', 'ref', group)])
        if scope == 'all':
            continue
        for i, clause in enumerate(_clauses(row['terms'], scope, create,
                    pool=not row['nopool'][group])):
            lines += _record('ir.rule', f'{gid}_{i}', [
                    ('domain', 'pyson', clause),
                    ('rule_group', 'ref', gid)])
    lines += ['    </data>', '</tryton>', '']
    return '\n'.join(lines)


# The one check of server code acting for the user

def check_records(records, mode='read', rules_only=False):
    """Raise AccessError unless the user may access the records in mode,
    by model access (unless rules_only) and record rules.  records:
    instances or 'model,id' strings; checked only when the transaction
    checks access."""
    from trytond.model import ModelStorage
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    transaction = Transaction()
    if transaction.user == 0 or not transaction.check_access:
        return
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    by_model = defaultdict(set)
    for record in records:
        if isinstance(record, str):
            model, id_ = record.split(',')
            id_ = int(id_)
        else:
            model, id_ = record.__name__, record.id
        if id_ is not None and id_ >= 0:
            by_model[model].add(id_)
    for model, ids in by_model.items():
        if not issubclass(pool.get(model), ModelStorage):
            continue
        if not rules_only:
            ModelAccess.check(model, mode=mode)
        Rule.check(model, sorted(ids), mode=mode)


class ReadOnlyQueryMixin:
    """A read-only SQL-view model (table_query): creating, writing and
    deleting are refused by the model access (a translated AccessError, the
    security model gives no one these rights), before ModelSQL refuses to
    store into a query ("On table_query", a server error).  The model must
    have model access records: overriding these methods makes Tryton's
    default access of a table query allow them."""
    __slots__ = ()

    @classmethod
    def _check_query_access(cls, mode):
        from trytond.pool import Pool
        Pool().get('ir.model.access').check(cls.__name__, mode=mode)

    @classmethod
    def create(cls, vlist):
        cls._check_query_access('create')
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._check_query_access('write')
        return super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._check_query_access('delete')
        return super().delete(records)


def hide_unreadable_fields(Model, definition):
    "Remove from a fields_get definition the fields the user may not read"
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    if Transaction().check_access:
        FieldAccess = Pool().get('ir.model.field.access')
        accesses = FieldAccess.get_access([Model.__name__])[Model.__name__]
        for name in list(definition):
            if not accesses.get(name, {}).get('read', True):
                del definition[name]
    return definition


def _chat_channel():
    from trytond.pool import PoolMeta
    from trytond.transaction import check_access

    class ChatChannel(metaclass=PoolMeta):
        "Chat on a record obeys its record rules (trytond checks access)"
        __name__ = 'ir.chat.channel'

        @classmethod
        def check_access(cls, resource):
            super().check_access(resource)
            with check_access():
                check_records([str(resource)], 'read')
    return ChatChannel


ChatChannel = _chat_channel()


def _msgctxt(block):
    "The msgctxt of a .po entry, on one line or wrapped over several"
    match = re.match(r'msgctxt ((?:"(?:[^"\\]|\\.)*"\s*)+)', block)
    if match:
        return ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)))


def update_po(text, models, kept_ids):
    """Return the zh_CN.po text with the names of the generated rule groups:
    the entries of rule groups not in kept_ids (the hand-written ones) are
    replaced by those of the security model"""
    # An entry starts at its msgctxt line (a merge may drop the blank line)
    blocks = re.split(r'\n+(?=msgctxt )', text.rstrip('\n'))
    kept = []
    for block in blocks:
        msgctxt = _msgctxt(block)
        if (msgctxt and msgctxt.startswith(PO_CONTEXT)
                and msgctxt[len(PO_CONTEXT):] not in kept_ids):
            continue
        kept.append(block)
    for msgctxt, msgid, msgstr in po_entries(models):
        kept.append(
            f'msgctxt "{msgctxt}"\nmsgid "{msgid}"\nmsgstr "{msgstr}"')
    return '\n\n'.join(kept) + '\n'


def hand_written_ids(paths):
    "The xml ids of the records of the other XML files"
    ids = set()
    for path in paths:
        with open(path, encoding='utf-8') as file:
            ids.update(re.findall(r'<record [^>]*id="(\w+)"', file.read()))
    return ids


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 3:
        sys.exit("usage: python -m trytond.modules.crm_plus.security "
            "README.md crm_plus/security.xml crm_plus/locale/zh_CN.po")
    source, target, po = argv
    module = os.path.dirname(os.path.abspath(target))
    with open(source, encoding='utf-8') as file:
        models, _ = parse(file.read())
    with open(target, 'w', encoding='utf-8') as file:
        file.write(generate(models))
    others = [p for p in glob.glob(
            os.path.join(module, '**', '*.xml'), recursive=True)
        if os.path.abspath(p) != os.path.abspath(target)]
    with open(po, encoding='utf-8') as file:
        text = file.read()
    with open(po, 'w', encoding='utf-8') as file:
        file.write(update_po(text, models, hand_written_ids(others)))


if __name__ == '__main__':
    main()
