"""The demo campaign: a draft e-mail campaign to the demo customers, with a
static list, a tracking campaign and two waves (the second to those who did
not open the first).  Nothing is scheduled: the demo machine sends no mail.
"""
import datetime as dt
from decimal import Decimal

from proteus import Model


def create_demo_campaign(loader):
    "Create the demo campaign with the proteus loader of crm_plus.demo"
    Campaign = Model.get('crm.campaign')
    Wave = Model.get('crm.campaign.wave')
    List = Model.get('marketing.email.list')
    Lang = Model.get('ir.lang')
    Tracking = Model.get('marketing.campaign')
    Employee = Model.get('company.employee')

    lang, = Lang.find([('code', '=', 'zh_CN')])
    list_ = List(name="2027 春季展会客户", language=lang)
    for party, _ in loader.customers[:20]:
        if party.email:
            list_.emails.new(email=party.email)
    list_.save()
    tracking = Tracking(name='spring-expo-2027')
    tracking.save()
    owners = Employee.find([('company', '=', loader.company.id)], limit=1)
    campaign = Campaign(
        name="2027 春季新品推介",
        company=loader.company,
        owner=owners[0] if owners else None,
        channel='email',
        objective="向展会客户推介新款立式加工中心，获取 30 条销售线索。",
        marketing_campaign=tracking,
        budget=Decimal('20000'),
        target_responses=100,
        target_leads=30,
        target_revenue=Decimal('3000000'),
        rate=300)
    campaign.email_lists.append(List(list_.id))
    first = Wave(
        sequence=1, name="首轮邀请",
        send_at=dt.datetime.combine(
            loader.today + dt.timedelta(days=7), dt.time(1, 0)),
        subject="${name}，诚邀您了解 VMC850 新款立式加工中心",
        body='<p>尊敬的 ${name}：</p><p>${company} 推出新款 VMC850 立式'
        '加工中心，精度更高、能耗更低。</p><p><a href="https://www.'
        'huaxin-machinery.example.com/vmc850">查看详情</a></p>',
        subject_en="${name}, meet the new VMC850 machining centre",
        body_en='<p>Dear ${name},</p><p>${company} launches the new VMC850.'
        '</p><p><a href="https://www.huaxin-machinery.example.com/en/vmc850">'
        'Learn more</a></p>')
    second = Wave(
        sequence=2, name="未打开提醒", audience='non_openers', delay_days=3,
        subject="${name}，新品优惠本周截止",
        body='<p>${name}，您好：VMC850 首批订购优惠本周截止。</p>'
        '<p><a href="https://www.huaxin-machinery.example.com/vmc850">'
        '立即咨询</a></p>')
    campaign.waves.extend([first, second])
    campaign.save()
    return campaign
