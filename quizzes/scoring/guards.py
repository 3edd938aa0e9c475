"""Guards every scenario gets without its author asking: insults, contempt, sarcasm, blame, rhetorical questions.

Each guard is a list of patterns in the phrase language (`*` = a gap of up to six characters inside a
clause). Insults are also looked for with every non-letter taken out and common homophone spellings
folded (傻 逼, 沙比, s b), so spacing tricks and look-alike spellings do not hide them. A negator never
excuses a guard: 你不是有病吧 is an insult, 这不就是你没看清吗 is blame.

A hit caps the reply's total below the pass mark and flags it with the span, whatever the rubric says.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from .text import BOUNDARY_CHARS, GAP_MAX, negation_of

GUARD_INSULT = "insult"
GUARD_CONTEMPT = "contempt"
GUARD_SARCASM = "sarcasm"
GUARD_BLAME = "blame"
GUARD_RHETORICAL = "rhetorical"
GUARD_REFUSES_HELP = "refuses_help"
GUARD_MISINFORMATION = "platform_misinformation"

INSULTS = (
    "傻逼", "傻b", "sb", "煞笔", "沙比", "傻比", "傻x", "二逼", "脑残", "脑瘫", "智障", "白痴", "弱智", "蠢货", "蠢猪",
    "笨蛋", "神经病", "有病", "脑子进水", "脑子有问题", "有毛病", "去死", "滚", "死开", "废物", "垃圾人", "人渣",
    "贱", "穷鬼", "穷逼", "屌丝", "泼妇", "事儿妈", "事妈", "杠精", "奇葩", "神经", "low逼", "nmsl", "tmd",
    "他妈的", "尼玛", "cnm", "草泥马", "mlgb",
)
# Spellings that stand for the same insult (homophones and look-alikes) are folded to one before matching.
HOMOPHONES = (
    ("煞", "傻"), ("沙", "傻"), ("啥比", "傻逼"), ("傻币", "傻逼"), ("傻笔", "傻逼"), ("脑惨", "脑残"),
    ("智zhang", "智障"), ("白吃", "白痴"), ("神精病", "神经病"), ("shabi", "傻逼"), ("s13", "sb"), ("2b", "二逼"),
)
CONTEMPT = (
    "爱买不买", "不买拉倒", "不买就算", "买不起", "没钱就别", "没钱别买", "穷就别", "烦不烦", "烦死了", "闭嘴", "你懂不懂",
    "懂不懂啊", "废话", "有完没完", "别烦我", "少废话", "你到底买不买", "别磨叽", "磨磨唧唧", "真麻烦", "真难伺候",
    "难伺候", "真能砍", "真会算计", "会算计", "占便宜", "贪小便宜", "薅羊毛", "这么简单都不会", "这都不会", "这都不懂",
    "不识字", "眼瞎", "瞎了", "看不懂字", "理解能力", "听不懂人话", "没文化", "土包子", "没见过世面",
    "想多了", "想太多了", "玻璃心", "矫情", "斤斤计较", "至于吗", "不至于吧", "至于这样",
    "爱咋咋", "随你便", "随便你", "关我什么事", "关我屁事", "管不着", "懒得理", "别来烦", "跟我有什么关系",
    "临时抱佛脚", "看不懂", "瞎猜", "别来哭", "头上扣", "扣帽子", "少见多怪", "大惊小怪", "没人管", "别来问",
    "不是只给你一个人", "不是只给您一个人", "不是只为你一个人",
)
# Statements about how the platform works that are never true on Taobao, Tmall or a WeChat shop, as the
# course teaches them: the buyer's money waits with the platform (Alipay escrow) until delivery is
# confirmed, and an unpaid order simply closes without any penalty to the buyer.
PLATFORM_MISINFORMATION = (
    "直接打到*店铺", "直接打到*我们", "直接到*店铺账户", "直接到我们", "直接转给*卖家", "直接转到*店铺", "钱*直接给*卖家",
    "付了*就到*我们账", "不付款*扣*信用", "不付款*扣分", "不付款*影响*信用", "未付款*扣*信用", "不付款会被*扣",
    "不付款*影响以后", "拍下不付*影响",
)
# The agent declining to do what the job is (ask, check, recommend, explain) rather than what a rule forbids.
REFUSES_HELP = (
    "不能给您推荐", "不能给你推荐", "不会去帮您", "不会帮您问", "不会帮你问", "不会去问", "没法回答您", "没法回答你",
    "不在这里解释", "懒得解释", "不想解释", "不帮您查", "不给您查", "不负责*解释", "自己看详情页决定", "自己决定吧",
    "自己看着办", "自己去问", "自己问快递", "自己联系快递", "自己去查", "自己查吧",
)
SARCASM = (
    "呵呵", "嗬嗬", "您可真行", "你可真行", "您真行", "你真行", "您可真会", "你可真会", "真是服了", "服了你", "我也是服了",
    "我也是醉了", "无语", "行吧随便", "行吧行吧", "好吧好吧", "您开心就好", "你开心就好", "你高兴就好", "您高兴就好",
    "佩服佩服", "真有你的", "🙄", "🙃",
)
# Blame is negated like any statement (不怪您 reassures); its rhetorical forms are not negators (see text.py).
BLAME = (
    "是你自己*错", "是您自己*错", "你自己的问题", "您自己的问题", "您没看清", "你没看清", "你拍错", "您拍错", "你填错了",
    "您填错了", "你选错", "您选错", "穿法不对", "你操作不当", "您操作不当", "怪你", "怪您", "你的责任", "您的责任",
    "与我们无关", "跟我们没关系", "跟我们无关", "不关我们的事", "不是我们的问题", "不是我们的责任", "我们没有责任",
    "别人都没问题", "别人都没事", "就你事多", "就您事多", "想白嫖", "白嫖", "职业差评", "恶意差评", "想讹", "讹人",
    "碰瓷", "是不是故意", "是不是想骗", "是不是想占", "不排除您", "不排除你", "肯定是您*弄", "肯定是你*弄",
    "自己不*清楚", "自己不*就",
)
# A question at the buyer that reproaches rather than asks: 这都选不出来? 怎么不早点买? 至于问这么细吗?
REPROACH_MARKERS = ("这么", "这都", "连", "怎么不", "怎么还", "还要", "还来", "至于", "好意思", "有必要", "我怎么")
# Questions that offer or check something are real questions whatever words they hold.
OFFER_MARKERS = ("要不要", "可以吗", "好吗", "行吗", "方便", "需要", "帮您", "给您", "您看", "是否", "可不可以", "能不能")
RHETORICAL = (
    "难道", "不是写了吗", "不是说了吗", "不是写着", "没看到吗", "没看见吗", "看不见吗", "你不会自己", "您不会自己",
    "说了多少遍", "我不是说过", "这有什么", "谁让你", "你不知道吗", "您不知道吗", "你自己不会", "这不就是", "不就是*吗",
    "凭什么", "自己不会看", "急什么", "催什么", "吵什么", "闹什么", "嚷什么", "问什么问",
)

# (guard, phrases, whether a negator before or after a phrase takes it back)
GUARDS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    (GUARD_INSULT, INSULTS, False),
    (GUARD_CONTEMPT, CONTEMPT, False),
    (GUARD_SARCASM, SARCASM, False),
    (GUARD_BLAME, BLAME, True),
    (GUARD_RHETORICAL, RHETORICAL, False),
    (GUARD_REFUSES_HELP, REFUSES_HELP, False),
    (GUARD_MISINFORMATION, PLATFORM_MISINFORMATION, True),
)
# Short insults are found only as whole words of their own, never inside a longer word (靠谱, 操作, 滚动,
# 故意 stays in BLAME as a word): a letter or a Chinese character on either side keeps them apart.
_STANDALONE = frozenset({"滚", "贱", "神经", "sb", "tmd", "cnm", "有病", "垃圾人"})
_NOT_AFTER = {"滚": "动烫筒轮", "贱": "卖", "神经": "病系性", "有病": "例历"}
_NOT_BEFORE = {"滚": "翻打", "贱": "", "神经": "", "有病": "没"}

_GAP = "[^" + re.escape(BOUNDARY_CHARS) + "]{0," + str(GAP_MAX) + "}?"


class GuardHit(NamedTuple):
    """One guard that fired, where (normalised positions), and on what text."""

    guard: str
    start: int
    end: int


def _pattern(phrase: str) -> str:
    return _GAP.join(re.escape(part) for part in phrase.split("*") if part)


def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(phrases, key=len, reverse=True)
    return re.compile("|".join(_pattern(p) for p in ordered))


_COMPILED = tuple((name, _compile(phrases), negatable) for name, phrases, negatable in GUARDS)
_INSULT_SQUEEZED = _compile(INSULTS)
_NON_LETTER = re.compile(r"[\W_]+")
_ANY_GUARD_CHAR = re.compile(
    "[" + re.escape("".join(sorted({ch for _, phrases, _ in GUARDS for p in phrases for ch in p[:1]} |
                                      {a[0] for a, _ in HOMOPHONES}))) + "]"
)


def _standalone_ok(text: str, start: int, end: int, word: str) -> bool:
    if word not in _STANDALONE:
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before and before in _NOT_BEFORE.get(word, ""):
        return False
    if after and after in _NOT_AFTER.get(word, ""):
        return False
    if word.isascii():
        return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
    return True


_LETTER = re.compile(r"[^\W_]")
_INSULT_FIRST = re.compile(
    "[" + re.escape("".join(sorted({p[0] for p in INSULTS} | {a[0] for a, _ in HOMOPHONES}))) + "]"
)


def _fold_homophones(letters: str) -> str:
    """Look-alike spellings of insults as the insult (same length, so positions stay)."""
    for variant, standard in HOMOPHONES:
        if variant in letters and len(variant) == len(standard):
            letters = letters.replace(variant, standard)
    return letters


def _squeezed(text: str) -> tuple[str, list[int]]:
    """Letters only, with the position each came from."""
    keep = [match.start() for match in _LETTER.finditer(text)]
    return "".join(text[i] for i in keep), keep


def _reproaching_questions(text: str) -> list[GuardHit]:
    """Question clauses that reproach the buyer (a reproach marker, no offer)."""
    if "?" not in text and "吗" not in text:
        return []
    hits = []
    start = 0
    for i, char in enumerate(text + "\n"):
        if char not in BOUNDARY_CHARS and i < len(text):
            continue
        clause = text[start:i]
        asks = char == "?" or clause.rstrip("了呀啊").endswith(("吗", "么"))
        if asks and any(m in clause for m in REPROACH_MARKERS) and not any(m in clause for m in OFFER_MARKERS):
            hits.append(GuardHit(GUARD_RHETORICAL, start, i))
        start = i + 1
    return hits


def guard_hits(text: str, breaks: frozenset[int] = frozenset()) -> list[GuardHit]:
    """Every guard that fires in a normalised reply."""
    if _ANY_GUARD_CHAR.search(text) is None and "?" not in text:  # most good replies: decided in one C call
        return []
    hits: list[GuardHit] = []
    for name, regex, negatable in _COMPILED:
        for match in regex.finditer(text):
            start, end = match.span()
            if not _standalone_ok(text, start, end, match.group()):
                continue
            if negatable and negation_of(text, start, end, breaks) is not None:
                continue
            hits.append(GuardHit(name, start, end))
    hits += _reproaching_questions(text)
    # Insults written with spaces, punctuation or look-alike spellings between their letters.
    if _INSULT_FIRST.search(text) is None:
        return hits
    # Letters only, in one C call; the positions they came from are worked out only when an insult shows.
    if _INSULT_SQUEEZED.search(_fold_homophones(_NON_LETTER.sub("", text))) is None:
        return hits
    squeezed, keep = _squeezed(text)
    folded = _fold_homophones(squeezed)
    if folded != text:
        seen = {(h.start, h.end) for h in hits}
        for match in _INSULT_SQUEEZED.finditer(folded):
            word = match.group()
            if word in _STANDALONE:
                continue  # single-character insults need their own clause, not a squeezed neighbourhood
            start, end = keep[match.start()], keep[match.end() - 1] + 1
            if (start, end) not in seen and not any(h.start <= start and end <= h.end for h in hits):
                hits.append(GuardHit(GUARD_INSULT, start, end))
    return hits
