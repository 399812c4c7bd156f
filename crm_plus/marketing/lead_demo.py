"""Demo leads: some of 张伟, some of 李娜, some not assigned yet, with
their sources and UTM parameters; a lead assignment rule for the sales
team (round robin).  Called by crm_plus/demo.py with its loader."""
from proteus import Model, Wizard

# (owner login or None, name, organization, title, phone, email, source
# XML id, UTM source, final state)
LEADS = [
    ('zhangwei', "孙浩", "苏州恒拓精密机械有限公司", "设备部经理",
        '+86 199 5120 0001', 'sunhao@hengtuo.example', 'source_trade_show',
        None, 'new'),
    ('zhangwei', "周敏", "无锡启明自动化有限公司", "采购主管",
        '+86 199 5120 0002', 'zhoumin@qiming.example', 'source_website_form',
        'baidu', 'working'),
    ('zhangwei', "吴强", "常州远航动力设备有限公司", "总经理",
        '+86 199 5120 0003', None, 'source_referral', None, 'qualified'),
    ('lina', "郑丽", "杭州瑞丰包装材料有限公司", "生产经理",
        '+86 199 5710 0004', 'zhengli@ruifeng.example', 'source_web_search',
        'baidu', 'new'),
    ('lina', "冯涛", "宁波海晟模具有限公司", "技术总监",
        '+86 199 5740 0005', 'fengtao@haisheng.example', 'source_email',
        None, 'qualified'),
    ('lina', "陈晓", "嘉兴同创电子科技有限公司", "采购经理",
        '+86 199 5730 0006', 'chenxiao@tongchuang.example',
        'source_trade_show', None, 'converted'),
    (None, "蒋华", "南京中联智能装备有限公司", None,
        '+86 199 2500 0007', 'jianghua@zhonglian.example',
        'source_website_form', 'wechat', 'new'),
    (None, "韩雪", None, None, '+86 199 2100 0008',
        'hanxue@example.com', 'source_website_form', 'baidu', 'new'),
    (None, "杨帆", "合肥新锐材料有限公司", "研发经理",
        '+86 199 5510 0009', None, 'source_cold_call', None, 'working'),
    ]


def create_leads(loader):
    "Create the demo leads with the loader of demo.py"
    Lead = Model.get('crm.lead')
    Rule = Model.get('crm.lead.assignment.rule')
    Employee = Model.get('company.employee')
    User = Model.get('res.user')
    Source = Model.get('crm.customer.source')
    rule = Rule(name="华东销售部轮流分配", team=loader.team,
        strategy='round_robin')
    rule.save()
    owners = {u.login: u.employee for u in User.find([
                ('login', 'in', ['zhangwei', 'lina'])])}
    leads = []
    for (login, name, organization, title, phone, email, source, utm,
            state) in LEADS:
        lead = Lead(name=name, organization=organization, title=title,
            phone=phone, email=email,
            source=Source(loader.ref(f'crm_plus.{source}')))
        if utm:
            lead.utm_source = utm
            lead.utm_medium = 'cpc' if utm == 'baidu' else 'social'
        if login:
            lead.owner = Employee(owners[login].id)
        lead.save()
        leads.append((lead, state))
    for lead, state in leads:
        if state == 'working':
            lead.click('working')
        elif state in {'qualified', 'converted'}:
            lead.click('qualify')
        if state == 'converted':
            convert = Wizard('crm.lead.convert', [lead])
            convert.execute('convert')
