"""The demo segment (called by crm_plus/demo.py, through proteus)."""
from proteus import Model


def create_segments(loader):
    """A segment of the customers who bought spare parts in the last year
    or ordered at least twice, and the seeds' example (women aged 20-40 who
    bought a product of the category in the last year)"""
    Segment = Model.get('crm.segment')
    Category = Model.get('product.category')
    parts, = Category.find([('name', '=', "零配件")])
    segment = Segment(name="近一年采购配件或多次下单的客户",
        company=loader.company, operator='or')
    bought = segment.criteria.new(type='product_category')
    bought.product_category = parts
    bought.days = 365
    segment.criteria.new(type='order_count', count_min=2)
    segment.save()

    example = Segment(name="20-40岁近一年购买配件的女性客户",
        company=loader.company, operator='and')
    example.criteria.new(type='gender', gender='female')
    example.criteria.new(type='age', age_min=20, age_max=40)
    bought = example.criteria.new(type='product_category')
    bought.product_category = parts
    bought.days = 365
    example.save()
    return [segment, example]
