"""Consistency checks of crm_plus's zh_CN translation files (no database).

The override file replaces translations of other modules: trytond's
translation_import fails the whole install when an override names an entry
that the other module's zh_CN.po does not provide, so every override is
checked against the installed stock module.
"""
import os
import re
import unittest
from collections import Counter

import polib

import trytond
from trytond.modules import get_module_info

LOCALE = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'locale')
OWN = os.path.join(LOCALE, 'zh_CN.po')
OVERRIDE = os.path.join(LOCALE, 'override', 'zh_CN.po')
PLACEHOLDER = re.compile(r'%\(\w+\)[sdfr]|%[sdfr]|\$\{\w+\}|\{\w*\}')
# Types whose overridden translation is found by its source text
# (see override_translation in trytond/ir/translation.py)
SOURCE_TYPES = {'report', 'view', 'wizard_button', 'selection'}


def entries(path):
    return [e for e in polib.pofile(path) if not e.obsolete]


def stock_po(module):
    if module in {'ir', 'res'}:
        directory = os.path.join(os.path.dirname(trytond.__file__), module)
    else:
        directory = get_module_info(module)['directory']
    return os.path.join(directory, 'locale', 'zh_CN.po')


class L10nTestCase(unittest.TestCase):
    "Test the zh_CN translation files"

    def check_translated(self, path):
        # The union merge of the file (.gitattributes) may repeat entries
        repeated = [key for key, count in Counter(
                (e.msgctxt, e.msgid) for e in entries(path)).items()
            if count > 1]
        self.assertEqual(repeated, [], 'repeated entries')
        for entry in entries(path):
            with self.subTest(msgctxt=entry.msgctxt, msgid=entry.msgid):
                self.assertTrue(entry.msgstr, 'empty msgstr')
                self.assertNotIn('fuzzy', entry.flags)
                self.assertEqual(
                    Counter(PLACEHOLDER.findall(entry.msgstr)),
                    Counter(PLACEHOLDER.findall(entry.msgid)),
                    'placeholders differ')

    def test_own_translated(self):
        "crm_plus zh_CN.po is complete and keeps placeholders"
        self.check_translated(OWN)

    def test_override_translated(self):
        "override zh_CN.po is complete and keeps placeholders"
        self.check_translated(OVERRIDE)

    def test_override_targets_exist(self):
        "every override matches exactly one entry of the stock module"
        targets = {}
        overrides = entries(OVERRIDE)
        self.assertTrue(overrides)
        seen = Counter(e.msgctxt + '\0' + e.msgid for e in overrides)
        for entry in overrides:
            with self.subTest(msgctxt=entry.msgctxt, msgid=entry.msgid):
                self.assertEqual(seen[entry.msgctxt + '\0' + entry.msgid], 1,
                    'duplicate override')
                type_, name, res_id = entry.msgctxt.split(':')
                self.assertIn('.', res_id, 'msgctxt without module prefix')
                module, fs_id = res_id.split('.', 1)
                self.assertNotEqual(module, 'crm_plus')
                if module not in targets:
                    targets[module] = entries(stock_po(module))
                key = ':'.join((type_, name, fs_id))
                same_key = [e for e in targets[module] if e.msgctxt == key]
                self.assertIn(entry.msgid, [e.msgid for e in same_key],
                    'no such entry in %s zh_CN.po' % module)
                if type_ not in SOURCE_TYPES:
                    # found without its source: must be the only one
                    self.assertEqual(len(same_key), 1,
                        'ambiguous entry in %s zh_CN.po' % module)
