"""Amounts written in Chinese financial capitals (大写金额)."""
from decimal import ROUND_HALF_UP, Decimal

_DIGITS = '零壹贰叁肆伍陆柒捌玖'
_SECTION_UNITS = ('仟', '佰', '拾', '')


def _section(number):
    "Write 0 < number < 10000; inner zeros collapse to one 零"
    result = []
    started = pending_zero = False
    for digit, unit in zip(f'{number:04d}', _SECTION_UNITS):
        digit = int(digit)
        if not digit:
            pending_zero = started
            continue
        if pending_zero:
            result.append('零')
            pending_zero = False
        result.append(_DIGITS[digit] + unit)
        started = True
    return ''.join(result)


def _integer(number):
    "Write number > 0 with 万 and 亿 groups"
    for size, unit in ((10 ** 8, '亿'), (10 ** 4, '万')):
        if number >= size:
            high, low = divmod(number, size)
            result = _integer(high) + unit
            if low:
                # A zero between the group and the rest is spoken
                if low < size // 10:
                    result += '零'
                result += _integer(low)
            return result
    return _section(number)


def amount_to_chinese(amount, prefix='人民币'):
    """Return amount as written on Chinese financial documents.

    Rounded half up to the fen; 整 closes amounts without 分, a 零 marks a
    missing 角 before 分, negative amounts read 负 after the prefix.
    E.g. Decimal('12345.67') gives 人民币壹万贰仟叁佰肆拾伍元陆角柒分.
    """
    amount = Decimal(amount).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    sign = '负' if amount < 0 else ''
    fens = int(abs(amount) * 100)
    yuan, cents = divmod(fens, 100)
    jiao, fen = divmod(cents, 10)
    if not fens:
        return prefix + '零元整'
    words = _integer(yuan) + '元' if yuan else ''
    if jiao:
        words += _DIGITS[jiao] + '角'
    elif fen and yuan:
        words += '零'
    if fen:
        words += _DIGITS[fen] + '分'
    elif not jiao:
        words += '整'
    return prefix + sign + words
