"""The scorer's reasons for sending a reply to review, in the reader's language.

The engine is pure Python and writes its messages in Chinese into every stored result; pages show
them through this filter, which looks the reason up by its code in the interface catalogue, so an
English supervisor reads English and old results need no rewrite.
"""
from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from quizzes.scoring import types

register = template.Library()

REVIEW_REASON_TEXT = {
    types.REVIEW_COPIED_BUYER: _("回复大部分是照抄买家的原话,照抄的部分不计分。"),
    types.REVIEW_KEYWORD_STUFFING: _("回复像是把关键词堆在一起,没有写成通顺的句子。"),
    types.REVIEW_GIBBERISH: _("回复看起来是乱码、乱敲的字符或同一个字反复出现。"),
    types.REVIEW_OFF_TOPIC: _("回复和买家的问题没有关系。"),
    types.REVIEW_TOO_SHORT: _("回复太短,没有把事情说清楚。"),
    types.REVIEW_RUDE: _("回复里出现了粗鲁或辱骂的说法。"),
    types.REVIEW_SARCASM: _("回复里有讽刺或阴阳怪气的说法。"),
    types.REVIEW_BLAME: _("回复在责怪或怀疑买家。"),
    types.REVIEW_RHETORICAL: _("回复在反问买家。"),
    types.REVIEW_FACT_MISMATCH: _("回复里说的数字、时间或快递和情景里的事实对不上。"),
    types.REVIEW_CONTRADICTS: _("回复否认了本该告诉买家的内容。"),
    types.REVIEW_REFUSES_HELP: _("回复推掉了客服本该替买家做的事(问、查、推荐、解释)。"),
    types.REVIEW_HIDDEN_CHARACTERS: _("回复里有夹在字中间的隐藏字符。"),
    types.REVIEW_LOW_CONFIDENCE: _("自动评分把握不大,请主管看一下。"),
    types.REVIEW_PASTED: _("回复大部分是粘贴进来的,或输入速度超出了人能打字的速度。"),
    types.REVIEW_JUDGES_BUYER: _("回复里有评判、挖苦买家的话,和评分标准、情景事实都对不上。"),
    types.REVIEW_DELIVERY_PROMISE: _("回复替快递打了包票:到货时间不是店铺能保证的。"),
    types.REVIEW_ABSOLUTE_CLAIM: _("回复用了绝对化或功效保证的说法(最好、第一、百分之百有效等),平台和广告法都不允许。"),
    types.REVIEW_OFF_PLATFORM: _("回复把买家引到平台以外(微信、QQ、电话、转账、私下交易等)。"),
    types.REVIEW_REVIEW_BRIBE: _("回复拿好处换买家改评价,平台明令禁止。"),
    types.REVIEW_OTHER_BUYER: _("回复透露了其他买家的信息。"),
    types.REVIEW_UNEXPLAINED: _("回复里有评分无法解释的话(号码、账号或链接),请主管看一下。"),
}
AUTO_FAIL_TEXT = _("触犯了一票否决项:%(label)s。")
_AUTO_FAIL_PREFIX, _AUTO_FAIL_SUFFIX = types.REVIEW_MESSAGES[types.REVIEW_AUTO_FAIL].split("{label}")


@register.filter
def reason_text(reason: dict) -> str:
    """A stored review reason ({"code", "message"}) as text for the active language."""
    code, message = reason.get("code", ""), reason.get("message", "")
    if code == types.REVIEW_AUTO_FAIL and message.startswith(_AUTO_FAIL_PREFIX) and message.endswith(_AUTO_FAIL_SUFFIX):
        label = message[len(_AUTO_FAIL_PREFIX):len(message) - len(_AUTO_FAIL_SUFFIX)]  # rubric content stays as written
        return AUTO_FAIL_TEXT % {"label": label}
    text = REVIEW_REASON_TEXT.get(code)
    return str(text) if text is not None else message
