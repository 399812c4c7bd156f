import unittest
from decimal import Decimal

from trytond.modules.crm_plus.sales.amount import amount_to_chinese


class AmountToChineseTestCase(unittest.TestCase):
    "Chinese capital amounts (大写金额)"

    def check(self, cases, **kwargs):
        for amount, expected in cases:
            with self.subTest(amount=amount):
                self.assertEqual(
                    amount_to_chinese(Decimal(amount), **kwargs), expected)

    def test_units(self):
        "Yuan, jiao and fen with 整"
        self.check([
                ('0', '人民币零元整'),
                ('0.00', '人民币零元整'),
                ('0.05', '人民币伍分'),
                ('0.5', '人民币伍角'),
                ('0.32', '人民币叁角贰分'),
                ('1', '人民币壹元整'),
                ('10', '人民币壹拾元整'),
                ('15', '人民币壹拾伍元整'),
                ('100.10', '人民币壹佰元壹角'),
                ('1409.50', '人民币壹仟肆佰零玖元伍角'),
                ('6007.14', '人民币陆仟零柒元壹角肆分'),
                ('12345.67', '人民币壹万贰仟叁佰肆拾伍元陆角柒分'),
                ])

    def test_zeros(self):
        "Inner zeros read as one 零, trailing zeros are silent"
        self.check([
                ('1001', '人民币壹仟零壹元整'),
                ('1010', '人民币壹仟零壹拾元整'),
                ('1100', '人民币壹仟壹佰元整'),
                ('10010', '人民币壹万零壹拾元整'),
                ('10100', '人民币壹万零壹佰元整'),
                ('107000.53', '人民币壹拾万柒仟元伍角叁分'),
                ('100.01', '人民币壹佰元零壹分'),
                ('1004000.01', '人民币壹佰万肆仟元零壹分'),
                ])

    def test_wan_yi(self):
        "万 and 亿 groups"
        self.check([
                ('10000', '人民币壹万元整'),
                ('100000', '人民币壹拾万元整'),
                ('100000000', '人民币壹亿元整'),
                ('100000001', '人民币壹亿零壹元整'),
                ('101000000', '人民币壹亿零壹佰万元整'),
                ('110000000', '人民币壹亿壹仟万元整'),
                ('2000000000000', '人民币贰万亿元整'),
                ('123456789012.34',
                    '人民币壹仟贰佰叁拾肆亿伍仟陆佰柒拾捌万玖仟零壹拾贰元'
                    '叁角肆分'),
                ])

    def test_negative_and_rounding(self):
        "Negative amounts and rounding half up to the fen"
        self.check([
                ('-100', '人民币负壹佰元整'),
                ('-0.05', '人民币负伍分'),
                ('0.005', '人民币壹分'),
                ('0.004', '人民币零元整'),
                ('9.995', '人民币壹拾元整'),
                ])

    def test_prefix(self):
        "The currency prefix can be changed or dropped"
        self.check([('12.30', '壹拾贰元叁角')], prefix='')
