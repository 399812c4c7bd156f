"""Migrations of the databases made by earlier versions of crm_plus.

A renamed model keeps its data only if every place where trytond stores the
model's name follows: the table, the ``ir.model`` row and its fields, the
access rights, record rules, views, actions and user settings (list widths,
saved searches, exports), the translations and the references
(``'model,id'``) of attachments, notes, chats and crm_plus's own records.
``rename_model`` moves them all in the renamed model's ``__register__``,
before ``super().__register__`` registers the new name.

On PostgreSQL these columns have foreign keys to ``ir_model.name`` and
``ir_model_field(name, model)`` without ``ON UPDATE``: the new ``ir.model``
and ``ir.model.field`` rows are inserted as copies, the columns follow, the
references to the rows' ids (``ir.trigger``, ``ir.email.template``, the
translations of the rows) move to the copies and the old rows are deleted.
"""
from sql import Literal
from sql.operators import Like

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

#: the columns of trytond's models that hold a model name as is (on
#: PostgreSQL, those with a foreign key to ir_model.name) but the name of
#: the ir.model and the model of the ir.model.field rows, which are copied
NAME_COLUMNS = [
    ('ir.model.field', 'relation'),
    ('ir.model.access', 'model'),
    ('ir.model.field.access', 'model'),
    ('ir.model.button', 'model'),
    ('ir.model.data', 'model'),
    ('ir.rule.group', 'model'),
    ('ir.ui.view', 'model'),
    ('ir.ui.view_tree_width', 'model'),
    ('ir.ui.view_tree_optional', 'model'),
    ('ir.ui.view_tree_state', 'model'),
    ('ir.ui.view_search', 'model'),
    ('ir.action.report', 'model'),
    ('ir.action.act_window', 'res_model'),
    ('ir.action.act_window', 'context_model'),
    ('ir.action.wizard', 'model'),
    ('ir.export', 'resource'),
    ('ir.filestore.queue', 'model'),
    ('res.notification', 'model'),
    ]


def _escape_like(value):
    return (value.replace('\\', '\\\\')
        .replace('%', '\\%').replace('_', '\\_'))


def _existing_column(Model, name):
    "Whether the table of Model has the column name (without creating it)"
    TableHandler = backend.TableHandler
    if not TableHandler.table_exist(Model._table):
        return False
    return TableHandler(Model).column_exist(name)


def _rename_prefix(table, column, old, new):
    "Replace the prefix 'old,' of the values of column by 'new,'"
    cursor = Transaction().connection.cursor()
    prefix = old + ','
    cursor.execute(*table.select(table.id, column,
            where=Like(column, _escape_like(prefix) + '%', escape='\\')))
    for id_, value in cursor.fetchall():
        cursor.execute(*table.update(
                [column], [new + ',' + value[len(prefix):]],
                where=table.id == id_))


def _copy_rows(Model, column_name, old, new, key):
    """Insert a copy of the rows whose column is old with new in it

    Return the ids of the copies by the id of their row, matched on key."""
    cursor = Transaction().connection.cursor()
    table = Model.__table__()
    column = getattr(table, column_name)
    columns = [getattr(table, n) for n, f in Model._fields.items()
        if n not in {'id', column_name}
        and not isinstance(f, fields.Function)
        and f._type not in {'one2many', 'many2many'}]
    cursor.execute(*table.insert(
            [column] + columns,
            table.select(Literal(new), *columns, where=column == old)))
    key = getattr(table, key)
    cursor.execute(*table.select(table.id, key, where=column == old))
    olds = {k: i for i, k in cursor}
    cursor.execute(*table.select(table.id, key, where=column == new))
    return {olds[k]: i for i, k in cursor}


def rename_model(old, new, old_table=None, new_table=None):
    """Store under the name new what the database keeps of the model old

    old_table and new_table rename the model's table too.  Does nothing
    when the database has no model old or already has a model new: it runs
    once, on the first update after the rename.
    """
    pool = Pool()
    cursor = Transaction().connection.cursor()
    IrModel = pool.get('ir.model')
    ModelField = pool.get('ir.model.field')
    ir_model = IrModel.__table__()
    ir_model_field = ModelField.__table__()
    cursor.execute(*ir_model.select(
            ir_model.name, where=ir_model.name.in_([old, new])))
    if [n for n, in cursor] != [old]:
        return
    if old_table:
        backend.TableHandler.table_rename(old_table, new_table)

    copies = {
        IrModel.__name__: _copy_rows(IrModel, 'name', old, new, 'string'),
        ModelField.__name__: _copy_rows(
            ModelField, 'model', old, new, 'name'),
        }
    for model_name, column_name in NAME_COLUMNS:
        try:
            Model = pool.get(model_name)
        except KeyError:
            continue
        if not _existing_column(Model, column_name):
            continue
        table = Model.__table__()
        column = getattr(table, column_name)
        cursor.execute(*table.update(
                [column], [new], where=column == old))

    Translation = pool.get('ir.translation')
    translation = Translation.__table__()
    for model_name, ids in copies.items():
        for old_id, new_id in ids.items():
            cursor.execute(*translation.update(
                    [translation.res_id], [new_id],
                    where=Like(translation.name,
                        _escape_like(model_name + ',') + '%', escape='\\')
                    & (translation.res_id == old_id)))
    cursor.execute(*translation.update(
            [translation.name], [new], where=translation.name == old))
    _rename_prefix(translation, translation.name, old, new)

    # In the tables that exist, the references 'old,id' (attachments, notes,
    # chats, action keywords, origins of crm_plus's records) and the
    # Many2One to the copied rows (triggers, e-mail templates)
    for _, Model in pool.iterobject():
        if (not issubclass(Model, ModelSQL) or Model._is_table_query()
                or not backend.TableHandler.table_exist(Model._table)):
            continue
        table = Model.__table__()
        for name, field in Model._fields.items():
            if isinstance(field, fields.Function):
                continue
            is_reference = isinstance(field, fields.Reference)
            ids = (copies.get(field.model_name)
                if isinstance(field, fields.Many2One) else None)
            if not (is_reference or ids) or not _existing_column(
                    Model, name):
                continue
            column = getattr(table, name)
            if is_reference:
                _rename_prefix(table, column, old, new)
            else:
                for old_id, new_id in ids.items():
                    cursor.execute(*table.update(
                            [column], [new_id], where=column == old_id))

    cursor.execute(*ir_model_field.delete(where=ir_model_field.model == old))
    cursor.execute(*ir_model.delete(where=ir_model.name == old))
