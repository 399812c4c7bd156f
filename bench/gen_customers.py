"""Write a CSV file of N distinct Chinese customers for the import bench.

Every row has a valid unified social credit code, a mobile, a landline,
an email, a province, a city, a street and tags; names, codes, phones and
emails are unique so that every row imports.
"""
import argparse
import csv
import random

from stdnum.cn import uscc

HEADER = ['客户名称', '统一社会信用代码', '电话', '手机', '邮箱', '省份',
    '城市', '地址', '标签']
PLACES = [
    ('北京', '北京', '010'), ('上海', '上海', '021'), ('广东', '广州', '020'),
    ('广东', '深圳', '0755'), ('浙江', '杭州', '0571'), ('江苏', '南京', '025'),
    ('四川', '成都', '028'), ('湖北', '武汉', '027'), ('天津', '天津', '022'),
    ('重庆', '重庆', '023')]
WORDS = list('华信达通瑞丰德盛隆恒泰嘉宏远鑫源海天博创联合新星金力安康')
TRADES = ['机械', '科技', '贸易', '电子', '食品', '物流', '建材', '医药',
    '化工', '软件', '纺织', '汽配']
FORMS = ['有限公司', '股份有限公司', '有限责任公司', '集团有限公司']
TAGS = ['重点客户', '制造业', '零售', '渠道', '华东', '华南', '新客户']


def unique_word(index):
    "index written with the digits of WORDS: a different word for each one"
    digits, word = index, ''
    while True:
        digits, rest = divmod(digits, len(WORDS))
        word += WORDS[rest]
        if not digits:
            return word


def customer(index):
    "Return the row of customer index (the same on every call)"
    rng = random.Random(index)
    province, city, area = PLACES[index % len(PLACES)]
    name = city + unique_word(index) + rng.choice(TRADES) + rng.choice(FORMS)
    body = '91%06d%09d' % (110000 + index % 800000, index)
    code = body + uscc.calc_check_digit(body)
    landline = '%s %08d' % (area, 20000000 + index)
    mobile = '1%d%09d' % (rng.choice([3, 5, 8]), index)
    email = 'contact%d@c%d.example.cn' % (index, index % 1000)
    street = '%s路%d号' % (rng.choice(WORDS) + rng.choice(WORDS),
        index % 999 + 1)
    tags = '，'.join(rng.sample(TAGS, rng.randint(0, 2)))
    return [name, code, landline, mobile, email, province, city, street, tags]


def write(path, count):
    with open(path, 'w', newline='', encoding='utf-8') as file:
        writer = csv.writer(file)
        writer.writerow(HEADER)
        for index in range(count):
            writer.writerow(customer(index))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('path')
    parser.add_argument('-n', '--rows', type=int, default=100_000)
    args = parser.parse_args()
    write(args.path, args.rows)


if __name__ == '__main__':
    main()
