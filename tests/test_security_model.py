"""The security model table of README.md and what is generated from it.

Fails when crm_plus/security.xml is not what the table generates (edit the
table and run ``python -m trytond.modules.crm_plus.security README.md
crm_plus/security.xml crm_plus/locale/zh_CN.po``), when a model crm_plus registers is in neither
table, or when an XML file outside security.xml defines model access, field
access or group record rules by hand.
"""
import configparser
import importlib.util
import re
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODULE = REPO / 'crm_plus'


def load_security():
    spec = importlib.util.spec_from_file_location(
        'crm_plus_security', MODULE / 'security.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def registered_models():
    "The __name__ of every model registered in the tryton.cfg files"
    names = set()
    for cfg in MODULE.glob('**/tryton.cfg'):
        parser = configparser.ConfigParser()
        parser.read(cfg)
        if not parser.has_option('register', 'model'):
            continue
        for entry in parser.get('register', 'model').split():
            module, class_name = entry.rsplit('.', 1)
            source = (cfg.parent / (module.replace('.', '/') + '.py')
                ).read_text(encoding='utf-8')
            match = re.search(
                rf"^\s*class {class_name}\b.*?^\s+__name__ = '([^']+)'",
                source, re.M | re.S)
            assert match, f"no __name__ for {entry} in {cfg}"
            names.add(match.group(1))
    return names


class SecurityModelTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.security = load_security()
        cls.readme = (REPO / 'README.md').read_text(encoding='utf-8')
        cls.models, cls.others = cls.security.parse(cls.readme)

    def test_xml_generated_from_table(self):
        "The committed security.xml is what the README table generates"
        committed = (MODULE / 'security.xml').read_text(encoding='utf-8')
        self.assertEqual(
            committed, self.security.generate(self.models),
            "crm_plus/security.xml differs from the README table: "
            "regenerate it")

    def test_po_generated_from_table(self):
        "zh_CN.po names the generated rule groups, and no removed one"
        po = MODULE / 'locale' / 'zh_CN.po'
        others = [p for p in MODULE.glob('**/*.xml')
            if p.name != 'security.xml']
        text = po.read_text(encoding='utf-8')
        self.assertEqual(text, self.security.update_po(
                text, self.models, self.security.hand_written_ids(others)),
            "crm_plus/locale/zh_CN.po differs from the README table: "
            "regenerate it")

    def test_every_registered_model_in_table(self):
        "Each model crm_plus registers is in one of the tables"
        missing = registered_models() - set(self.models) - self.others
        self.assertFalse(missing, f"not in the security model: {missing}")

    def test_no_hand_written_access(self):
        "Access and group rules are only in security.xml"
        pattern = re.compile(
            r'<record model="(ir\.model\.access|ir\.model\.field\.access|'
            r'ir\.rule\.group-res\.group)"')
        for path in MODULE.glob('**/*.xml'):
            if path.name == 'security.xml':
                continue
            with self.subTest(path=str(path.relative_to(REPO))):
                self.assertIsNone(
                    pattern.search(path.read_text(encoding='utf-8')))

    def test_cells(self):
        "The cell syntax is parsed strictly"
        parse_cell = self.security.parse_cell
        self.assertEqual(
            parse_cell('rwc:own'),
            (frozenset({'read', 'write', 'create'}), 'own', False))
        self.assertEqual(parse_cell('-'), (frozenset(), None, False))
        self.assertTrue(parse_cell('rwcd:team+s')[2])
        for cell in ['rx:own', 'r:everyone', 'r', ':all', 'wr:all']:
            with self.subTest(cell=cell):
                with self.assertRaises(self.security.TableError):
                    parse_cell(cell)

    def test_missing_model_fails(self):
        "Removing a row from the table is detected"
        text = self.readme.replace(
            '| crm.lost_reason | - |', '| crm.lost_reason_x | - |')
        models, others = self.security.parse(text)
        self.assertIn(
            'crm.lost_reason', registered_models() - set(models) - others)


if __name__ == '__main__':
    unittest.main()
