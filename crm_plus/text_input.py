"""Limits of the texts users type: no NUL character, no absurd length.

``TextInputMixin`` checks the values of every Char and Text field given to
create and write (``preprocess_values``, so before anything reaches the
database: PostgreSQL refuses a NUL character with an error that is not a
message for the user).  A Char field holds at most its ``size`` or
``CHAR_SIZE`` characters, a Text field ``TEXT_SIZE``; a model raises the
limit of a field with ``_crm_text_sizes``.  Anything else, emoji,
right-to-left text, markup or SQL, is plain text stored as typed.
"""
from trytond.i18n import gettext
from trytond.model.exceptions import SizeValidationError, ValidationError
from trytond.pool import Pool

# A name, a subject, a phone: longer is a paste gone wrong
CHAR_SIZE = 255
# About 50 pages of text
TEXT_SIZE = 100_000


class NulValidationError(ValidationError):
    "A text holds a NUL character"


def text_size(Model, name):
    "Return the maximum length of the text field name of Model or None"
    field = Model._fields.get(name)
    if field is None or field._type not in {'char', 'text'}:
        return None
    sizes = getattr(Model, '_crm_text_sizes', {})
    if name in sizes:
        return sizes[name]
    if isinstance(getattr(field, 'size', None), int):
        return field.size
    return TEXT_SIZE if field._type == 'text' else CHAR_SIZE


def text_errors(Model, values):
    """Yield the error of each text of values (field name: value, the
    records to create of x2many fields included) that Model refuses"""
    for name, value in values.items():
        if isinstance(value, str):
            size = text_size(Model, name)
            if size is None:
                continue
            if '\x00' in value:
                yield NulValidationError(gettext(
                        'crm_plus.msg_text_nul', **Model.__names__(name)))
            elif len(value) > size:
                yield SizeValidationError(gettext(
                        'crm_plus.msg_text_too_long',
                        size=len(value), max_size=size,
                        **Model.__names__(name)))
        elif isinstance(value, (list, tuple)):
            field = Model._fields.get(name)
            if field is None or field._type not in {'one2many', 'many2many'}:
                continue
            Target = Pool().get(field.model_name)
            for action in value:
                if action and action[0] == 'create':
                    for target_values in action[1]:
                        yield from text_errors(Target, target_values)


def check_text(Model, values):
    "Raise the first error of the texts of values"
    for error in text_errors(Model, values):
        raise error


class TextInputMixin:
    "Refuse NUL characters and absurd lengths in the texts written"
    __slots__ = ()
    # field name: maximum number of characters
    _crm_text_sizes = {}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        # The records of x2many fields check their own values
        check_text(cls, {
                n: v for n, v in values.items() if isinstance(v, str)})
        return values
