"""Chinese demo data set for ``crm-plus init --demo`` and ``crm-plus demo``.

The data goes through proteus, as a user of the client would enter it, so
every record is validated by the server.  It is generated from a fixed seed:
two loads on the same day give the same records (dates are relative to
today so that the pipeline looks current).  The demo is loaded once: when
the demo company exists, nothing is changed.
"""
import datetime as dt
import gettext
import random
import time
from decimal import Decimal

import phonenumbers
import pycountry
from dateutil.relativedelta import relativedelta
from stdnum.cn import uscc

from proteus import Model, config

from .marketing.campaign_demo import create_demo_campaign
from .marketing.lead_demo import create_leads as create_demo_leads
from .marketing.scoring_demo import create_scoring_rules
from .marketing.segment_demo import create_segments

COMPANY_NAME = "上海华信机械制造有限公司"
SEED = 20240618
LANGUAGE = 'zh_CN'
# The administrator's name in LANGUAGE, shown in the web client's header
ADMIN_NAME = "系统管理员"

# city: (province code, postal code, administrative division code used in
# the unified social credit codes, telephone area code, (district, road) of
# the streets)
CITIES = {
    '上海': ('CN-SH', '201203', '310115', '21', [
        ('浦东新区', '张江路'), ('闵行区', '春东路'), ('嘉定区', '墨玉路')]),
    '北京': ('CN-BJ', '100176', '110115', '10', [
        ('大兴区', '科创十三街'), ('朝阳区', '酒仙桥路'), ('海淀区', '上地信息路')]),
    '苏州': ('CN-JS', '215021', '320505', '512', [
        ('吴中区', '星湖街'), ('虎丘区', '珠江路'), ('吴中区', '金枫路')]),
    '无锡': ('CN-JS', '214028', '320214', '510', [
        ('新吴区', '长江路'), ('惠山区', '堰新路')]),
    '南京': ('CN-JS', '211100', '320115', '25', [
        ('江宁区', '将军大道'), ('栖霞区', '仙林大道')]),
    '杭州': ('CN-ZJ', '310052', '330108', '571', [
        ('滨江区', '江南大道'), ('西湖区', '文三路'), ('萧山区', '金城路')]),
    '宁波': ('CN-ZJ', '315800', '330206', '574', [
        ('北仑区', '明州路'), ('鄞州区', '天童南路')]),
    '广州': ('CN-GD', '510530', '440112', '20', [
        ('黄埔区', '科学大道'), ('番禺区', '市桥路'), ('天河区', '天河北路')]),
    '深圳': ('CN-GD', '518057', '440305', '755', [
        ('南山区', '高新南一道'), ('宝安区', '福永大道'), ('龙岗区', '雪岗路')]),
    '东莞': ('CN-GD', '523808', '441900', '769', [
        ('东莞市', '松山湖工业北路'), ('东莞市', '长安镇振安中路')]),
    '佛山': ('CN-GD', '528300', '440606', '757', [
        ('顺德区', '容桂大道'), ('南海区', '桂澜路')]),
    '青岛': ('CN-SD', '266555', '370211', '532', [
        ('黄岛区', '江山中路'), ('城阳区', '正阳路')]),
    '济南': ('CN-SD', '250101', '370112', '531', [
        ('历下区', '舜华路'), ('历城区', '工业北路')]),
    '天津': ('CN-TJ', '300457', '120116', '22', [
        ('滨海新区', '第三大街'), ('西青区', '学府路')]),
    '重庆': ('CN-CQ', '401122', '500112', '23', [
        ('渝北区', '金开大道'), ('九龙坡区', '科园一路')]),
    '成都': ('CN-SC', '610041', '510107', '28', [
        ('武侯区', '天府大道'), ('武侯区', '武科西路')]),
    '武汉': ('CN-HB', '430074', '420111', '27', [
        ('洪山区', '光谷大道'), ('汉阳区', '龙阳大道')]),
    '西安': ('CN-SN', '710065', '610113', '29', [
        ('雁塔区', '锦业路'), ('雁塔区', '小寨东路')]),
    '长沙': ('CN-HN', '410100', '430121', '731', [
        ('长沙县', '星沙大道'), ('岳麓区', '麓谷大道')]),
    '厦门': ('CN-FJ', '361006', '350206', '592', [
        ('湖里区', '火炬北路'), ('思明区', '环岛南路')]),
    '合肥': ('CN-AH', '230088', '340104', '551', [
        ('蜀山区', '望江西路'), ('蜀山区', '长江西路')]),
    '郑州': ('CN-HA', '450016', '410191', '371', [
        ('管城回族区', '第八大街'), ('金水区', '花园路')]),
    '沈阳': ('CN-LN', '110027', '210106', '24', [
        ('铁西区', '北二西路'), ('浑南区', '创新路')]),
    '大连': ('CN-LN', '116600', '210213', '411', [
        ('金州区', '东北大街'), ('甘井子区', '黄浦路')]),
    '昆明': ('CN-YN', '650031', '530102', '871', [
        ('五华区', '翠湖南路'), ('官渡区', '关上中路')]),
    '桂林': ('CN-GX', '541002', '450305', '773', [
        ('七星区', '漓江路'), ('阳朔县', '西街')]),
    '三亚': ('CN-HI', '572000', '460202', '898', [
        ('海棠区', '海棠北路'), ('天涯区', '三亚湾路')]),
    }

# (brand, pinyin used for e-mail domains)
BRANDS = [
    ('恒达', 'hengda'), ('宏远', 'hongyuan'), ('鑫源', 'xinyuan'),
    ('金泰', 'jintai'), ('瑞丰', 'ruifeng'), ('永盛', 'yongsheng'),
    ('天成', 'tiancheng'), ('博达', 'boda'), ('新锐', 'xinrui'),
    ('海联', 'hailian'), ('嘉禾', 'jiahe'), ('德润', 'derun'),
    ('盛华', 'shenghua'), ('万通', 'wantong'), ('立拓', 'lituo'),
    ('精诚', 'jingcheng'), ('富源', 'fuyuan'), ('启明', 'qiming'),
    ('远航', 'yuanhang'), ('兴盛', 'xingsheng'), ('宝鼎', 'baoding'),
    ('振宇', 'zhenyu'), ('昌隆', 'changlong'), ('和泰', 'hetai'),
    ('安捷', 'anjie'), ('凯晟', 'kaisheng'), ('同创', 'tongchuang'),
    ('利民', 'limin'), ('恒通', 'hengtong'), ('泰和', 'taihe'),
    ('云帆', 'yunfan'), ('卓越', 'zhuoyue'), ('明泰', 'mingtai'),
    ('方圆', 'fangyuan'), ('正阳', 'zhengyang'),
    ]

# industry: (party category, number of customers, cities,
#   [(activity, slug for e-mail domains)], product kinds bought)
INDUSTRIES = {
    'manufacturing': ('制造业', 22,
        ['上海', '苏州', '无锡', '南京', '宁波', '东莞', '佛山', '深圳', '青岛',
            '济南', '天津', '重庆', '武汉', '长沙', '合肥', '郑州', '沈阳',
            '大连'],
        [('精密机械', 'precision'), ('汽车零部件', 'autoparts'),
            ('模具', 'mould'), ('五金制品', 'hardware'),
            ('液压设备', 'hydraulic'), ('包装机械', 'packaging'),
            ('阀门', 'valve'), ('新能源装备', 'newenergy'),
            ('纺织机械', 'textile'), ('轴承', 'bearing'), ('电机', 'motor'),
            ('农业机械', 'agrimach')],
        ['machine', 'part', 'service']),
    'trade': ('贸易', 11,
        ['上海', '广州', '深圳', '宁波', '青岛', '厦门', '天津', '北京'],
        [('进出口贸易', 'trading'), ('机电设备贸易', 'equipment'),
            ('国际贸易', 'intl'), ('工业品供应链', 'supply'),
            ('商贸', 'commerce')],
        ['machine', 'part']),
    'tourism': ('旅游业', 7,
        ['桂林', '三亚', '昆明', '西安', '杭州', '厦门', '成都'],
        [('国际旅行社', 'travel'), ('旅游开发', 'tourism'),
            ('度假酒店管理', 'resort'), ('文化旅游发展', 'culture'),
            ('游乐设备', 'amusement')],
        ['utility', 'service']),
    }

SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐韩冯'
GIVEN_NAMES = ['伟', '芳', '娜', '敏', '静', '磊', '强', '洋', '艳', '杰', '军',
    '勇', '涛', '明', '超', '秀英', '建国', '志强', '海燕', '丽华', '晓东',
    '文博', '子豪', '思远', '婷婷', '国平']
CONTACT_ROLES = ['采购经理', '总经理', '设备部主管', '财务经理', '技术总监',
    '行政主管']
CONTACT_DECISION_ROLES = {
    '采购经理': 'influencer', '总经理': 'decision_maker',
    '设备部主管': 'user', '财务经理': 'influencer',
    '技术总监': 'decision_maker', '行政主管': 'gatekeeper'}
INTERACTIONS = [
    ('call', "电话沟通需求", "客户确认了设备参数和交货期要求。"),
    ('visit', "上门拜访", "与设备部主管现场查看车间，评估安装条件。"),
    ('meeting', "方案评审会", "向客户技术团队介绍整体方案，客户关注能耗和售后。"),
    ('email', "发送产品资料", "发送了产品样本和典型案例。"),
    ('message', "微信跟进", "客户询问付款方式和分期安排。"),
    ]
NEXT_STEPS = ["提交修改后的报价", "安排技术交流", "确认预算审批进度",
    "邀请客户参观工厂"]
MOBILE_PREFIXES = ['135', '136', '138', '139', '150', '158', '186', '189']

# (kind, code, name, list price, unit) where unit is an XML id of product
PRODUCTS = [
    ('machine', 'CK6150', "数控车床 CK6150", '168000', 'uom_unit'),
    ('machine', 'VMC850', "立式加工中心 VMC850", '298000', 'uom_unit'),
    ('machine', 'HMC630', "卧式加工中心 HMC630", '586000', 'uom_unit'),
    ('machine', 'XK714', "数控铣床 XK714", '126000', 'uom_unit'),
    ('machine', 'WC67Y-100', "液压折弯机 WC67Y-100", '85000', 'uom_unit'),
    ('machine', 'LC3015', "光纤激光切割机 3015", '238000', 'uom_unit'),
    ('utility', 'SA-37', "螺杆式空气压缩机 37kW", '42000', 'uom_unit'),
    ('utility', 'GF-200', "柴油发电机组 200kW", '158000', 'uom_unit'),
    ('part', 'BS-4010', "滚珠丝杠 4010", '2800', 'uom_unit'),
    ('part', 'LG-35', "直线导轨 35型", '1650', 'uom_unit'),
    ('part', 'SP-8000', "主轴轴承组件", '6800', 'uom_unit'),
    ('part', 'SV-2K', "交流伺服电机 2kW", '4200', 'uom_unit'),
    ('part', 'TT-8', "八工位刀塔总成", '18600', 'uom_unit'),
    ('service', 'SRV-INST', "设备安装调试", '3000', 'uom_unit'),
    ('service', 'SRV-MAINT', "年度维保服务", '15000', 'uom_unit'),
    ('service', 'SRV-TRAIN', "操作培训", '800', 'uom_hour'),
    ('service', 'SRV-REPAIR', "上门维修", '600', 'uom_hour'),
    ]
PRODUCT_CATEGORIES = {
    'machine': "整机设备",
    'utility': "动力设备",
    'part': "零配件",
    'service': "技术服务",
    }

# (login, name, group XML ids)
SALES_TEAM = [
    ('wangjianhua', "王建华", ['crm_plus.group_sales_manager',
            'sale.group_sale', 'sale_opportunity.group_opportunity']),
    ('lina', "李娜", ['crm_plus.group_sales_rep', 'sale.group_sale',
            'sale_opportunity.group_opportunity']),
    ('zhangwei', "张伟", ['crm_plus.group_sales_rep', 'sale.group_sale',
            'sale_opportunity.group_opportunity']),
    ('liuyang', "刘洋", ['crm_plus.group_sales_rep', 'sale.group_sale',
            'sale_opportunity.group_opportunity']),
    ]

# (login, name): the service agents, the first one leads the team
SERVICE_TEAM = [('chenjing', "陈静"), ('zhaomin', "赵敏")]
# (type XML id, priority, subject, description, final state)
TICKETS = [
    ('ticket_type_repair', 'high', "数控车床主轴异响",
        "设备运行两小时后主轴出现明显异响，已暂停使用，请尽快安排检修。",
        'in_progress'),
    ('ticket_type_question', 'normal', "液压系统参数设置咨询",
        "新购设备的液压压力应如何设置？说明书中没有找到对应型号。",
        'resolved'),
    ('ticket_type_complaint', 'urgent', "配送太慢，延误了投产",
        "订单设备比约定交期晚了一周送达，影响了我们的生产计划。",
        'waiting'),
    ('ticket_type_return', 'normal', "配件型号发错，申请换货",
        "收到的密封圈型号与订单不符，需要换成 M40 规格。", 'new'),
    ('ticket_type_repair', 'low', "控制面板按键失灵",
        "操作面板上的急停复位键偶尔失灵。", 'closed'),
    ('ticket_type_other', 'normal', "申请开具增值税专用发票",
        "请按合同金额开具增值税专用发票并邮寄。", 'assigned'),
    ]
CANNED_RESPONSES = [
    ("已收到", "{contact}您好，我们已收到您的工单 {number}（{subject}），"
        "客服 {agent} 会尽快处理。"),
    ("安排上门", "{contact}您好，我们已为工单 {number} 安排工程师上门，"
        "工程师会提前电话联系您确认时间。"),
    ]

# final state: number of opportunities, started at most MAX_AGE days ago
MAX_AGE = 180
PIPELINE = [
    ('lead', 6), ('opportunity', 8), ('converted', 6), ('won', 6),
    ('lost', 4)]
DESCRIPTIONS = {
    'manufacturing': ["{product}产线扩产项目", "{product}设备更新改造",
        "新厂区{product}采购"],
    'trade': ["{product}年度代理采购", "{product}出口订单配套"],
    'tourism': ["{product}采购及安装", "{product}及配套维保"],
    }
COMMENTS = [
    "客户计划在下季度完成设备招标，需提供技术方案和报价。",
    "已安排技术人员现场勘查，客户对精度要求较高。",
    "交货期要求较紧，需在45天内交付。",
    "客户关注售后响应时间，建议捆绑年度维保服务。",
    "展会上获取的线索，需进一步确认预算。",
    "老客户转介绍，决策人为总经理。",
    ]
LOST_REASONS = [
    "价格高于竞争对手报价约12%。",
    "客户项目预算推迟到明年。",
    "交货期无法满足客户要求。",
    "客户最终选择了进口品牌设备。",
    ]
PROBABILITIES = {
    'lead': [0.1, 0.2, 0.3],
    'opportunity': [0.4, 0.5, 0.6, 0.7],
    'converted': [0.8, 0.9],
    'won': [0.9],
    'lost': [0.2, 0.3],
    }


def load_demo(config_file, database):
    "Load the demo data set into database unless it is already there"
    config.set_trytond(database, config_file=config_file)
    Company = Model.get('company.company')
    if Company.find([('party.name', '=', COMPANY_NAME)]):
        print("crm-plus: the demo data is already loaded", flush=True)
        return
    print("crm-plus: loading the demo data", flush=True)
    start = time.monotonic()
    try:
        _Loader(random.Random(SEED)).load()
    except Exception:
        print("crm-plus: loading the demo data failed; the database may "
            "hold part of it: recreate the database to load it again",
            flush=True)
        raise
    print("crm-plus: demo data loaded in %.0f s" % (time.monotonic() - start),
        flush=True)


class _Loader:

    def __init__(self, rng):
        self.rng = rng
        self.today = dt.date.today()
        self.ModelData = Model.get('ir.model.data')
        self.districts = {}

    def ref(self, xml_id):
        "Return the id of the record with the module.name XML id"
        module, name = xml_id.split('.')
        return self.ModelData.get_id(module, name, config.get_config().context)

    def load(self):
        self.languages = self.translatable_languages()
        self.currency = self.create_currency()
        self.create_country()
        self.company = self.create_company()
        self.setup_accounting()
        self.products = self.create_products()
        self.employees = self.create_sales_team()
        self.team = self.create_team()
        self.customers = self.create_customers()
        self.create_opportunities()
        self.create_interactions()
        self.create_targets()
        # the demo customers' addresses are made up: no mail to them
        with config.get_config().set_context(crm_notify_customers=False):
            self.create_service()
        create_segments(self)
        create_demo_leads(self)
        create_demo_campaign(self)
        create_scoring_rules()
        from .marketing import nurture  # its stock imports load trytond.wsgi
        nurture.demo(self)
        self.close_config_wizard()

    def create_team(self):
        "Group the sales employees in one team led by the manager"
        Team = Model.get('crm.team')
        Employee = Model.get('company.employee')
        manager, *reps = self.employees
        team = Team(name="华东销售部", company=self.company, manager=manager)
        team.members.extend(Employee(e.id) for e in reps)
        team.save()
        return team

    def close_config_wizard(self):
        "Mark the module configuration items done: the demo configured them"
        Item = Model.get('ir.module.config_wizard.item')
        items = Item.find([('state', '!=', 'done')])
        for item in items:
            item.state = 'done'
        Item.save(items)

    # Reference data

    def translatable_languages(self):
        "Return the default language and the other translatable ones"
        # ir.configuration is not readable by RPC; its language is
        # initialised from the server configuration
        import trytond.config as trytond_config
        Lang = Model.get('ir.lang')
        default = trytond_config.get('database', 'language')
        others = [l.code for l in Lang.find([
                    ('translatable', '=', True),
                    ('code', 'in', ['en', LANGUAGE]),
                    ('code', '!=', default),
                    ])]
        return default, others

    def save_translated(self, Model_, records, names):
        """Save records with a name per language.

        names is a list of {language: name}; the default language is saved
        first as it sets the stored value, then the other languages as
        translations (a default-language write would mark them fuzzy).
        """
        default, others = self.languages
        current = config.get_config()
        with current.set_context(language=default):
            for record, name in zip(records, names):
                record.name = name.get(default, name['en'])
            Model_.save(records)
        for language in others:
            with current.set_context(language=language):
                translated = []
                for record, name in zip(records, names):
                    record = Model_(record.id)
                    record.name = name.get(language, name['en'])
                    translated.append(record)
                Model_.save(translated)
        return [Model_(r.id) for r in records]

    def create_currency(self):
        Currency = Model.get('currency.currency')
        currencies = Currency.find([('code', '=', 'CNY')])
        if currencies:
            currency, = currencies
        else:
            iso = pycountry.currencies.get(alpha_3='CNY')
            currency = Currency(code='CNY', numeric_code=iso.numeric,
                symbol='¥', rounding=Decimal('0.01'), digits=2)
            currency, = self.save_translated(Currency, [currency],
                [{'en': iso.name, LANGUAGE: "人民币"}])
        # Its rate comes with the company (crm_plus/sales/reporting.py)
        return currency

    def create_country(self):
        """Create China and its subdivisions from pycountry: the regions
        of the addresses link to them"""
        Country = Model.get('country.country')
        Subdivision = Model.get('country.subdivision')
        iso = pycountry.countries.get(alpha_2='CN')
        countries = Country.find([('code', '=', 'CN')])
        if countries:
            country, = countries
        else:
            country, = self.save_translated(Country, [Country(
                        code='CN', code3=iso.alpha_3,
                        code_numeric=iso.numeric)],
                [{'en': iso.name,
                        LANGUAGE: self.gettext('iso3166-1', iso.name)}])
        existing = {s.code for s in Subdivision.find(
                [('country', '=', country.id)])}
        types = dict(Subdivision._fields['type']['selection'])
        records, names = [], []
        for subdivision in pycountry.subdivisions.get(country_code='CN'):
            if subdivision.code in existing:
                continue
            type_ = subdivision.type.lower()
            records.append(Subdivision(code=subdivision.code, country=country,
                    type=type_ if type_ in types else None))
            names.append({'en': subdivision.name,
                    LANGUAGE: self.gettext('iso3166-2', subdivision.name)})
        if records:
            self.save_translated(Subdivision, records, names)

    @staticmethod
    def gettext(domain, message):
        try:
            translation = gettext.translation(
                domain, pycountry.LOCALES_DIR, languages=[LANGUAGE])
        except OSError:
            return message
        return translation.gettext(message)

    def set_address(self, party, city, district, road, number):
        """Fill the first address of party to its district, with a
        structured street"""
        postal_code = CITIES[city][1]
        address = party.addresses[0] if party.addresses else (
            party.addresses.new())
        address.crm_district = self.district(city, district)
        address.street_name = road
        address.building_number = str(number)
        address.postal_code = postal_code

    def district(self, city, name):
        "Return the crm.region of the district name of city"
        Region = Model.get('crm.region')
        key = (city, name)
        if key not in self.districts:
            self.districts[key], = Region.find([
                    ('level', '=', 'district'),
                    ('name', '=', name),
                    ('parent.name', '=', city + '市'),
                    ('subdivision_code', '=', CITIES[city][0]),
                    ])
        return self.districts[key]

    def create_company(self):
        Party = Model.get('party.party')
        Company = Model.get('company.company')
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')

        party = Party(name=COMPANY_NAME)
        self.set_address(party, '上海', "浦东新区", "张江路", 1288)
        party.identifiers.new(type='cn_vat', code=self.credit_code('上海'))
        party.contact_mechanisms.new(type='phone', value=self.landline('上海'))
        party.contact_mechanisms.new(
            type='email', value='sales@huaxin-machinery.example.com')
        party.contact_mechanisms.new(
            type='website', value='https://huaxin-machinery.example.com')
        party.save()
        company = Company(party=party, currency=self.currency,
            timezone='Asia/Shanghai')
        company.save()

        language, = Lang.find([('code', '=', LANGUAGE)])
        admin = User(config.get_config().user)
        admin.companies.append(Company(company.id))
        admin.company = company
        admin.language = language
        admin.save()
        self.name_admin(admin.id)
        self.language = language
        self.refresh_context()
        return company

    @staticmethod
    def name_admin(user_id):
        """Name the administrator in LANGUAGE, unless renamed: the user is a
        record of res's XML, which only the root user may rename (updating
        res names it "Administrator" again)"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(config.get_config().database_name, 0):
            User = Pool().get('res.user')
            admin = User(user_id)
            if admin.name == "Administrator":
                admin.name = ADMIN_NAME
                admin.save()

    @staticmethod
    def refresh_context():
        "Reload the user preferences (company, language) into the context"
        User = Model.get('res.user')
        current = config.get_config()
        current._context = User.get_preferences(True, {})
        # Demo customers have similar names on purpose (same brand in
        # several cities): skip the possible-duplicate warning
        current._context['_skip_warnings'] = True

    def setup_accounting(self):
        "A minimal chart of accounts so that sales can be invoiced"
        from trytond.modules.account.tests.tools import (
            create_chart, create_tax, get_accounts)
        Category = Model.get('product.category')
        PaymentTerm = Model.get('account.invoice.payment_term')

        create_chart(self.company)
        accounts = get_accounts(self.company)

        # Fiscal years covering the dates of the demo sales
        first_year = (self.today - dt.timedelta(days=MAX_AGE)).year
        for year in range(first_year, self.today.year + 1):
            self.create_fiscalyear(year)

        tax = create_tax(Decimal('.13'), self.company)
        tax.name = tax.description = "增值税 13%"
        tax.save()

        self.account_category = Category(name="机械产品及服务",
            accounting=True, account_revenue=accounts['revenue'],
            account_expense=accounts['expense'])
        self.account_category.customer_taxes.append(tax)
        self.account_category.save()

        monthly = PaymentTerm(name="月结30天",
            description="开票当月结束后30天内付款")
        monthly.lines.new(type='remainder').relativedeltas.new(months=1, day=31)
        advance = PaymentTerm(name="预付30%，余款月结30天")
        advance.lines.new(type='percent', ratio=Decimal('0.3'))
        advance.lines.new(type='remainder').relativedeltas.new(
            months=1, day=31)
        PaymentTerm.save([monthly, advance])
        self.payment_terms = [monthly, advance]

    def create_fiscalyear(self, year):
        FiscalYear = Model.get('account.fiscalyear')
        SequenceStrict = Model.get('ir.sequence.strict')
        SequenceType = Model.get('ir.sequence.type')

        move_sequence = SequenceStrict(name=str(year), company=self.company,
            sequence_type=SequenceType(
                self.ref('account.sequence_type_account_move')))
        invoice_sequence = SequenceStrict(name="发票 %s" % year,
            company=self.company,
            sequence_type=SequenceType(self.ref(
                    'account_invoice.sequence_type_account_invoice')))
        SequenceStrict.save([move_sequence, invoice_sequence])
        fiscalyear = FiscalYear(name=str(year), company=self.company,
            start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
            move_sequence=move_sequence)
        sequences, = fiscalyear.invoice_sequences
        for name in ['out_invoice_sequence', 'in_invoice_sequence',
                'out_credit_note_sequence', 'in_credit_note_sequence']:
            setattr(sequences, name, invoice_sequence)
        fiscalyear.save()
        fiscalyear.click('create_period')

    # Company data

    def create_products(self):
        "Return {kind: [(product, short name, list price)]}"
        Category = Model.get('product.category')
        Template = Model.get('product.template')
        Uom = Model.get('product.uom')

        categories = {kind: Category(name=name)
            for kind, name in PRODUCT_CATEGORIES.items()}
        Category.save(list(categories.values()))
        uoms = {xml_id: Uom(self.ref('product.' + xml_id))
            for xml_id in {p[4] for p in PRODUCTS}}
        templates = []
        for kind, code, name, price, uom in PRODUCTS:
            template = Template(name=name, code=code,
                type='service' if kind == 'service' else 'goods',
                default_uom=uoms[uom], salable=True,
                list_price=Decimal(price),
                account_category=self.account_category)
            template.categories.append(Category(categories[kind].id))
            templates.append(template)
        Template.save(templates)
        products = {}
        for (kind, _, name, price, _), template in zip(PRODUCTS, templates):
            products.setdefault(kind, []).append(
                (template.products[0], name.split()[0], Decimal(price)))
        return products

    def create_sales_team(self):
        "Return the sales employees, manager first"
        Party = Model.get('party.party')
        Employee = Model.get('company.employee')
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')

        parties = [Party(name=name) for _, name, _ in SALES_TEAM]
        Party.save(parties)
        start_date = self.today - relativedelta(years=2, month=1, day=1)
        employees = [Employee(party=p, company=self.company,
                start_date=start_date) for p in parties]
        Employee.save(employees[:1])
        for employee in employees[1:]:
            employee.supervisor = employees[0]
        Employee.save(employees[1:])
        users = []
        for (login, name, groups), employee in zip(SALES_TEAM, employees):
            # No password: the administrator sets one to log in as them
            user = User(login=login, name=name, language=self.language,
                email='%s@huaxin-machinery.example.com' % login)
            user.companies.append(Company(self.company.id))
            user.company = user.companies[0]
            user.employees.append(Employee(employee.id))
            user.employee = user.employees[0]
            for group in groups:
                user.groups.append(Group(self.ref(group)))
            users.append(user)
        User.save(users)
        return employees

    def landline(self, city):
        "A valid fixed-line number in the city"
        area = CITIES[city][3]
        # Local numbers have 8 digits, 7 in some smaller cities
        return self.phone_number(lambda: '+86 %s %s%s' % (area,
                self.rng.choice('5678'), ''.join(self.rng.choices(
                        '0123456789', k=self.rng.choice([7, 6])))))

    def mobile(self):
        return self.phone_number(lambda: '+86 %s %s' % (
                self.rng.choice(MOBILE_PREFIXES),
                ''.join(self.rng.choices('0123456789', k=8))))

    @staticmethod
    def phone_number(generate):
        "Draw numbers until phonenumbers accepts one"
        for _ in range(1000):
            number = generate()
            if phonenumbers.is_valid_number(phonenumbers.parse(number)):
                return number
        raise ValueError("no valid phone number drawn: %s" % number)

    def credit_code(self, city):
        "A valid unified social credit code of an enterprise of the city"
        body = ''.join(self.rng.choices('0123456789', k=8))
        # GB 11714 organization code check character
        weights = (3, 7, 9, 10, 5, 8, 4, 2)
        check = 11 - sum(int(c) * w for c, w in zip(body, weights)) % 11
        organization = body + {10: 'X', 11: '0'}.get(check, str(check))
        code = '91' + CITIES[city][2] + organization
        return code + uscc.calc_check_digit(code)

    def person(self):
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN_NAMES)

    def create_customers(self):
        "Return [(party, industry)]"
        Party = Model.get('party.party')
        PartyCategory = Model.get('party.category')

        Industry = Model.get('crm.industry')
        Source = Model.get('crm.customer.source')
        Level = Model.get('crm.customer.level')
        Employee = Model.get('company.employee')

        categories = {industry: PartyCategory(name=values[0])
            for industry, values in INDUSTRIES.items()}
        PartyCategory.save(list(categories.values()))
        crm_industries = {industry: Industry(name=values[0])
            for industry, values in INDUSTRIES.items()}
        Industry.save(list(crm_industries.values()))
        sources = Source.find([])
        levels = Level.find([])
        headcounts = ['11-50', '51-200', '51-200', '201-500', '501-1000']
        revenues = ['10m-50m', '50m-100m', '100m-1b']
        parties, industries, domains = [], [], set()
        for industry, (_, count, cities, activities, _) in INDUSTRIES.items():
            while len([i for i in industries if i == industry]) < count:
                city = self.rng.choice(cities)
                brand, brand_slug = self.rng.choice(BRANDS)
                activity, activity_slug = self.rng.choice(activities)
                suffix = "股份有限公司" if self.rng.random() < 0.15 else "有限公司"
                domain = '%s-%s.example.com' % (brand_slug, activity_slug)
                if domain in domains:
                    continue
                domains.add(domain)
                name = city + brand + activity + suffix
                party = Party(name=name, crm_kind='enterprise')
                party.categories.append(PartyCategory(categories[industry].id))
                party.crm_industry = Industry(crm_industries[industry].id)
                party.crm_source = self.rng.choice(sources)
                party.crm_level = self.rng.choice(levels)
                party.crm_headcount = self.rng.choice(headcounts)
                party.crm_revenue = self.rng.choice(revenues)
                party.crm_website = 'https://www.' + domain
                # A few customers stay in the public pool, without owner
                if self.rng.random() < 0.9:
                    party.crm_owner = Employee(
                        self.rng.choice(self.employees[1:]).id)
                    party.crm_team = self.team
                district, road = self.rng.choice(CITIES[city][4])
                self.set_address(
                    party, city, district, road, self.rng.randint(1, 2000))
                party.identifiers.new(
                    type='cn_vat', code=self.credit_code(city))
                party.contact_mechanisms.new(
                    type='phone', value=self.landline(city))
                party.contact_mechanisms.new(
                    type='email', value='info@' + domain)
                party.contact_mechanisms.new(
                    type='website', value='https://www.' + domain)
                for role in self.rng.sample(
                        CONTACT_ROLES, self.rng.randint(1, 2)):
                    person, mobile = self.person(), self.mobile()
                    contact = "%s (%s)" % (person, role)
                    party.contact_mechanisms.new(
                        type='mobile', value=mobile, name=contact)
                    party.crm_contacts.new(
                        person_name=person, position=role, phone=mobile,
                        decision_role=CONTACT_DECISION_ROLES[role])
                    if self.rng.random() < 0.5:
                        party.contact_mechanisms.new(type='email',
                            value='%s%d@%s' % (
                                role == '采购经理' and 'purchase' or 'contact',
                                self.rng.randint(1, 99), domain),
                            name=contact)
                parties.append(party)
                industries.append(industry)
        Party.save(parties)
        return list(zip(parties, industries))

    def create_opportunities(self):
        Opportunity = Model.get('sale.opportunity')
        Sale = Model.get('sale.sale')

        plan = [state for state, count in PIPELINE for _ in range(count)]
        self.rng.shuffle(plan)
        customers = self.rng.sample(self.customers, len(plan))
        opportunities = []
        for state, (party, industry) in zip(plan, customers):
            opportunities.append(
                self.new_opportunity(Opportunity, state, party, industry))
        Opportunity.save(opportunities)
        # In the first stage since they started (proteus does not send the
        # read-only stage date on creation)
        context = config.get_config().context
        for opportunity in opportunities:
            Opportunity._proxy.write([opportunity.id], {
                    'stage_date': dt.datetime.combine(
                        opportunity.start_date, dt.time(9)),
                    }, context)
        by_state, end_dates = {}, {}
        for state, opportunity in zip(plan, opportunities):
            by_state.setdefault(state, []).append(opportunity)
            end_dates.setdefault(state, []).append(opportunity.end_date)

        def click(states, button):
            records = [o for s in states for o in by_state.get(s, [])]
            if records:
                return Opportunity.click(records, button)

        # Deals past the first stage entered their stage some days after
        # they started (which makes them opportunities); half of the lost
        # ones are lost as leads, the others later
        Stage = Model.get('crm.pipeline.stage')
        needs, proposal, negotiation = [
            Stage(self.ref(f'crm_plus.stage_{name}'))
            for name in ['needs', 'proposal', 'negotiation']]
        for state in ['opportunity', 'converted', 'won']:
            for opportunity in by_state[state]:
                stage = (self.rng.choice([needs, proposal])
                    if state == 'opportunity' else negotiation)
                Opportunity._proxy.write([opportunity.id], {
                        'stage': stage.id,
                        'stage_date': self.stage_date(opportunity.start_date),
                        }, context)
        lost = by_state['lost']
        Opportunity.click(lost[len(lost) // 2:], 'opportunity')
        click(['converted', 'won'], 'convert')
        Opportunity.click(lost, 'lost')

        sales = {o.id: o.sales[0] for o in Opportunity.find([
                    ('id', 'in', [o.id for s in ['converted', 'won']
                            for o in by_state[s]]),
                    ])}
        quoted, confirmed = [], []
        for state in ['converted', 'won']:
            for index, opportunity in enumerate(by_state[state]):
                if state == 'converted' and index % 2:
                    continue
                sale = Sale(sales[opportunity.id].id)
                sale.sale_date = sale.quotation_date = self.sale_date(
                    opportunity)
                sale.description = opportunity.description
                quoted.append(sale)
                if state == 'won':
                    confirmed.append(sale)
        Sale.save(quoted)
        Sale.click(quoted, 'quote')
        Sale.click(confirmed, 'confirm')

        # Closing sets today as end date: give them back their past one
        for state in ['won', 'lost']:
            for opportunity, end_date in zip(
                    by_state[state], end_dates[state]):
                Opportunity._proxy.write(
                    [opportunity.id], {'end_date': end_date}, context)

    def new_opportunity(self, Opportunity, state, party, industry):
        rng = self.rng
        days_ago = {
            'lead': (0, 30), 'opportunity': (15, 90), 'converted': (30, 120),
            'won': (60, MAX_AGE), 'lost': (30, MAX_AGE)}[state]
        start_date = self.today - dt.timedelta(days=rng.randint(*days_ago))
        opportunity = Opportunity(party=party, start_date=start_date)
        salesman = rng.choice(self.employees[1:]
            if rng.random() < 0.85 else self.employees[:1])
        # A representative works the deals of the customers they own (they
        # may not read another's customer); the manager takes any
        if party.crm_owner and salesman.id != self.employees[0].id:
            salesman = party.crm_owner
        opportunity.employee = salesman
        opportunity.payment_term = rng.choice(self.payment_terms)
        contacts = [c for c in party.contact_mechanisms if c.name]
        opportunity.contact = rng.choice(contacts)
        opportunity.conversion_probability = rng.choice(PROBABILITIES[state])
        if state in {'won', 'lost'}:
            opportunity.end_date = min(
                start_date + dt.timedelta(days=rng.randint(20, 90)),
                self.today - dt.timedelta(days=1))
        else:
            opportunity.end_date = max(start_date, self.today) + dt.timedelta(
                days=rng.randint(20, 120))
        if state == 'lost':
            opportunity.lost_reason = rng.choice(LOST_REASONS)
        if rng.random() < 0.6:
            opportunity.comment = rng.choice(COMMENTS)

        kinds = INDUSTRIES[industry][4]
        main, name, price = rng.choice(self.products[kinds[0]])
        opportunity.description = rng.choice(
            DESCRIPTIONS[industry]).format(product=name)
        if state == 'lead' and rng.random() < 0.5:
            # An early lead: only an estimate, no lines yet
            opportunity.amount = (
                price * rng.randint(1, 3)).quantize(Decimal(1000))
            return opportunity
        amount = Decimal(0)
        items = [(main, price, self.quantity(kinds[0]))]
        for kind in kinds[1:]:
            if rng.random() < 0.6:
                product, _, price = rng.choice(self.products[kind])
                items.append((product, price, self.quantity(kind)))
        for product, price, quantity in items:
            opportunity.lines.new(product=product, quantity=quantity)
            amount += price * quantity
        opportunity.amount = amount
        return opportunity

    def create_interactions(self):
        "A short history of calls and visits on the open opportunities"
        Opportunity = Model.get('sale.opportunity')
        Interaction = Model.get('crm.interaction')
        User = Model.get('res.user')

        users = {u.employee.id: u for u in User.find([
                    ('employee', 'in', [e.id for e in self.employees])])}
        interactions = []
        for opportunity in Opportunity.find([
                    ('state', 'in', ['lead', 'opportunity', 'converted']),
                    ], order=[('id', 'ASC')]):
            user = users.get(opportunity.employee.id)
            for index in range(self.rng.randint(1, 3)):
                type_, subject, summary = self.rng.choice(INTERACTIONS)
                days_ago = self.rng.randint(1, 40)
                interaction = Interaction(
                    party=opportunity.party, origin=opportunity, type=type_,
                    subject=subject, summary=summary,
                    direction='outbound', outcome='positive',
                    date=dt.datetime.combine(
                        self.today - dt.timedelta(days=days_ago),
                        dt.time(self.rng.randint(9, 17), 0)))
                if user:
                    interaction.user = user
                if index == 0 and user:
                    # Some follow-ups are already overdue
                    interaction.next_step = self.rng.choice(NEXT_STEPS)
                    interaction.follow_up_date = self.today + dt.timedelta(
                        days=self.rng.randint(-5, 14))
                    interaction.follow_up_user = user
                interactions.append(interaction)
        Interaction.save(interactions)

    def create_service(self):
        """The service team, two canned responses and tickets of the
        customers in each state of their workflow"""
        Party = Model.get('party.party')
        Employee = Model.get('company.employee')
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')
        Team = Model.get('crm.team')
        Canned = Model.get('crm.ticket.canned_response')
        Ticket = Model.get('crm.ticket')
        TicketType = Model.get('crm.ticket.type')
        Message = Model.get('crm.ticket.message')

        parties = [Party(name=name) for _, name in SERVICE_TEAM]
        Party.save(parties)
        agents = [Employee(party=p, company=self.company) for p in parties]
        Employee.save(agents)
        users = []
        for (login, name), employee in zip(SERVICE_TEAM, agents):
            user = User(login=login, name=name, language=self.language,
                email='%s@huaxin-machinery.example.com' % login)
            user.companies.append(Company(self.company.id))
            user.company = user.companies[0]
            user.employees.append(Employee(employee.id))
            user.employee = user.employees[0]
            user.groups.append(Group(self.ref('crm_plus.group_service_agent')))
            users.append(user)
        User.save(users)
        team = Team(name="客户服务部", company=self.company,
            manager=agents[0])
        team.members.extend(Employee(e.id) for e in agents)
        team.save()
        Canned.save([Canned(name=n, body=b) for n, b in CANNED_RESPONSES])

        customers = [
            p for p, _ in self.customers if p.crm_kind == 'enterprise']
        for index, (type_, priority, subject, description, state) in (
                enumerate(TICKETS)):
            party = customers[index % len(customers)]
            ticket = Ticket(party=party, subject=subject,
                description=description, priority=priority,
                type=TicketType(self.ref(f'crm_plus.{type_}')),
                channel=self.rng.choice(['phone', 'email', 'web']),
                team=team)
            if party.crm_contacts:
                ticket.contact = party.crm_contacts[0]
            ticket.save()
            if state == 'new':
                continue
            ticket.assignee = Employee(agents[index % len(agents)].id)
            ticket.save()
            ticket.click('assign')
            if state == 'assigned':
                continue
            ticket.click('start')
            Message(ticket=ticket, kind='reply',
                body="您好，我们已收到您的问题，正在安排处理。").save()
            if state == 'waiting':
                ticket.transition_comment = "等待客户确认到货时间"
                ticket.save()
                ticket.click('wait')
                continue
            if state == 'in_progress':
                Message(ticket=ticket, kind='note',
                    body="已联系工程师，明天上午到现场。").save()
                continue
            ticket.resolution = "工程师已远程指导客户完成设置，问题解决。"
            ticket.save()
            ticket.click('resolve')
            if state == 'closed':
                ticket.click('close')

    def create_targets(self):
        "Monthly targets of the company and its representatives for a year"
        Target = Model.get('crm.sale.target')
        first = self.today.replace(day=1)
        targets = []
        for delta in range(-6, 6):
            year, month = divmod(first.month - 1 + delta, 12)
            month = dt.date(first.year + year, month + 1, 1)
            amounts = [
                Decimal(self.rng.randint(40, 90) * 10000)
                for _ in self.employees[1:]]
            for employee, amount in zip(self.employees[1:], amounts):
                targets.append(Target(
                        month=month, employee=employee, amount=amount))
            targets.append(Target(month=month, amount=sum(amounts)))
        Target.save(targets)

    def quantity(self, kind):
        return self.rng.randint(*{
                'machine': (1, 4), 'utility': (1, 3), 'part': (10, 120),
                'service': (2, 40)}[kind])

    def stage_date(self, start_date):
        "A time between start_date and today (a working hour)"
        days = self.rng.randint(0, max((self.today - start_date).days, 0))
        return dt.datetime.combine(
            start_date + dt.timedelta(days=days),
            dt.time(self.rng.randint(9, 17), 0))

    def sale_date(self, opportunity):
        "The quotation date of the sale of opportunity"
        if opportunity.end_date and opportunity.end_date < self.today:
            return opportunity.end_date
        return min(self.today,
            opportunity.start_date + dt.timedelta(days=self.rng.randint(5, 30)))
