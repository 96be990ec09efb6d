from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    ANSWERS_SAVE = "answers.save", _("修改答题")
    ANSWERS_IMPORT = "answers.import", _("导入答题")
    EVIDENCE_ADD = "evidence.add", _("上传佐证")
    EVIDENCE_REMOVE = "evidence.remove", _("删除佐证")
    TRANSITION = "checklist.transition", _("流程流转")
    TARGET_SAVE = "target.save", _("设定目标")
    CATALOGUE = "catalogue.change", _("评定标准")
    REGISTER_IMPORT = "register.import", _("导入名册")
    RECORD_CHANGE = "record.change", _("后台修改")
    RECORD_DELETE = "record.delete", _("后台删除")
    IMPORT_RUN = "import.run", _("导入文件")
    RECTIFICATION = "rectification.step", _("整改任务")
    OBJECTION = "objection.rule", _("异议处理")
    CYCLE_OPEN = "cycle.open", _("开启周期")
    DEADLINE = "cycle.deadline", _("设定填报截止日")
    VETO_EVENT = "veto.event", _("否决事项登记")
    REVOCATION = "revocation.decide", _("摘星建议处理")
    WEAK_LAX = "branch.weak_lax", _("软弱涣散认定与转化")
    RESPONSIBILITY = "responsibility.set", _("设定责任分工")
    ADJUSTMENT = "quarter.adjustment", _("季度考评加减分")
    ACCOUNT = "account.activation", _("账号激活与重置")
