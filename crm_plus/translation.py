import polib

from trytond.pool import Pool, PoolMeta

from .api.rows import clear_tag_names
from .customer.address import clear_full_addresses


class Translation(metaclass=PoolMeta):
    __name__ = 'ir.translation'

    @classmethod
    def on_modification(cls, mode, translations, field_names=None):
        super().on_modification(mode, translations, field_names=field_names)
        clear_full_addresses()
        clear_tag_names()

    @classmethod
    def translation_import(cls, lang, module, po_path):
        super().translation_import(lang, module, po_path)
        cls._clear_overridden_fuzzy(lang, module, po_path)

    @classmethod
    def _clear_overridden_fuzzy(cls, lang, module, po_path):
        """Apply overrides whose text equals a fuzzy translation.

        trytond writes an override only when its value differs, so a row of
        another module already holding the same text but marked fuzzy stays
        fuzzy and the user sees the English source.
        """
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        if isinstance(po_path, str):
            po_path = [po_path]
        wanted = {}
        for path in po_path:
            for entry in polib.pofile(path):
                if entry.obsolete or 'fuzzy' in entry.flags:
                    continue
                type_, name, res_id = entry.msgctxt.split(':')
                if '.' not in res_id:
                    continue
                other, fs_id = res_id.split('.')
                wanted[(other, fs_id, type_, name, entry.msgid)] = (
                    entry.msgstr)
        if not wanted:
            return
        modules = {k[0] for k in wanted}
        fuzzy = cls.search([
                ('lang', '=', lang),
                ('module', 'in', list(modules)),
                ('fuzzy', '=', True),
                ])
        if not fuzzy:
            return
        # Matched as trytond's override_translation does: by the database id
        # of the record the entry names, whatever its model (the name of an
        # ir.action.act_window is the translation "ir.action,name")
        db_ids = {(d.module, d.fs_id): d.db_id for d in ModelData.search([
                    ('module', 'in', list(modules)),
                    ('fs_id', 'in', list({k[1] for k in wanted if k[1]})),
                    ])}
        by_res_id = {}
        for (other, fs_id, type_, name, src), value in wanted.items():
            res_id = db_ids.get((other, fs_id)) if fs_id else -1
            if res_id is not None:
                by_res_id[(other, res_id, type_, name, src)] = value
        to_save = []
        for translation in fuzzy:
            res_id = translation.res_id
            value = by_res_id.get((
                    translation.module,
                    -1 if res_id is None else res_id,
                    translation.type, translation.name, translation.src))
            if value and value == translation.value:
                translation.fuzzy = False
                translation.overriding_module = module
                to_save.append(translation)
        cls.save(to_save)
