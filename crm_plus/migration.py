"""Migrations of the databases made by earlier versions of crm_plus.

A renamed model keeps its data only if every place where trytond stores the
model's name follows: the table, the ``ir.model`` row and its fields, the
access rights, record rules, views, actions and user settings (list widths,
saved searches, exports), the translations and the references
(``'model,id'``) of attachments, notes, chats and crm_plus's own records.
``rename_model`` moves them all in the renamed model's ``__register__``,
before ``super().__register__`` registers the new name.
"""
from sql.operators import Like

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

#: the columns of trytond's models that hold a model name as is
NAME_COLUMNS = [
    ('ir.model', 'name'),
    ('ir.model.field', 'model'),
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


def _rename_prefix(table, column, old, new, where=None):
    "Replace the prefix 'old,' of the values of column by 'new,'"
    cursor = Transaction().connection.cursor()
    prefix = old + ','
    condition = Like(column, _escape_like(prefix) + '%', escape='\\')
    if where is not None:
        condition &= where
    cursor.execute(*table.select(table.id, column, where=condition))
    for id_, value in cursor.fetchall():
        cursor.execute(*table.update(
                [column], [new + ',' + value[len(prefix):]],
                where=table.id == id_))


def rename_model(old, new, old_table=None, new_table=None):
    """Store under the name new what the database keeps of the model old

    old_table and new_table rename the model's table too.  Does nothing
    when the database has no model old or already has a model new: it runs
    once, on the first update after the rename.
    """
    pool = Pool()
    cursor = Transaction().connection.cursor()
    ir_model = pool.get('ir.model').__table__()
    cursor.execute(*ir_model.select(
            ir_model.name, where=ir_model.name.in_([old, new])))
    if {n for n, in cursor} != {old}:
        return
    if old_table:
        backend.TableHandler.table_rename(old_table, new_table)

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
    cursor.execute(*translation.update(
            [translation.name], [new], where=translation.name == old))
    _rename_prefix(translation, translation.name, old, new)

    # The references 'old,id' (attachments, notes, chats, action keywords,
    # origins of crm_plus's records) of the models whose tables exist
    for _, Model in pool.iterobject():
        if (not issubclass(Model, ModelSQL) or Model._is_table_query()
                or not backend.TableHandler.table_exist(Model._table)):
            continue
        table = None
        for name, field in Model._fields.items():
            if (not isinstance(field, fields.Reference)
                    or isinstance(field, fields.Function)
                    or not _existing_column(Model, name)):
                continue
            if table is None:
                table = Model.__table__()
            _rename_prefix(table, getattr(table, name), old, new)
