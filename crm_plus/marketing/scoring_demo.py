"""Demo data of lead scoring: a rule on each criterion a user would set up
first (the demo's first industry, mid-sized companies, the behaviours)."""
from proteus import Model


def create_scoring_rules():
    Industry = Model.get('crm.industry')
    Rule = Model.get('crm.lead.scoring.rule')
    rules = []
    industries = Industry.find([], limit=1)
    if industries:
        rules.append(Rule(name="目标行业", kind='industry',
                industry=industries[0], points=20))
    rules.append(Rule(name="中型企业", kind='headcount',
            headcount='51-200', points=10))
    for kind, name, points in [
            ('opened', "打开活动邮件", 5),
            ('clicked', "点击活动链接", 15),
            ('visited', "访问跟踪链接", 10),
            ('form', "填写表单", 20),
            ]:
        rules.append(Rule(name=name, kind=kind, points=points))
    Rule.save(rules)
    return rules
