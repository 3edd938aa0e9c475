"""Claims: a reply that denies what the scenario states contradicts it, whatever the negator.

The scenario's own texts (context, declared facts, model answer) state what is true for this buyer:
16:00 前付款当天顺丰发, 30 天试睡, 坏果按实际数量赔付. A reply clause that denies something — with a
hard negator (不能, 没法, 不支持) or a soft one (恐怕, 暂时做不到, 不太方便, 给不了) — contradicts the
scenario when what it denies (the words the negator governs, or the words before a trailing negator
in 八折给不了) all stand, as words or near-synonyms, in one scenario clause that affirms them.

A true denial stays right: where a scenario clause denies the same words (价格改不了 in the model
answer), where the denial is an exception the rules make (超过7天, 拆封后, 用过), and where the
negator frees the buyer of something (不用您出, 不收运费) instead of refusing them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .accounting import clause_spans
from .house_rules import HouseRules
from .text import NECESSITY_NEGATORS, SCOPE_ENDS, negator_at
from .denials import ADMISSION as _ADMISSION, DISOWNING as _DISOWNING, SERVICE_VERBS
from .words import alternatives, segment, tag

# Words that carry no claim of their own: who speaks, modal and light verbs, particles, degree words.
_LIGHT = frozenset({
    "我", "我们", "您", "你", "亲", "这边", "这里", "那边", "咱们", "店里", "是", "有", "会", "能", "要", "可以", "给", "帮",
    "做", "走", "弄", "搞", "让", "把", "被", "对", "在", "也", "都", "还", "就", "再", "又", "才", "很", "太", "真", "确实",
    "实在", "真的", "其实", "暂时", "恐怕", "目前", "现在", "这个", "那个", "这", "那", "个", "些", "任何", "什么",
    "这次", "这回", "这几天", "这会儿", "那边", "这块", "用",
    "的", "了", "哦", "呢", "吧", "啊", "呀", "啦", "哈", "嘛", "哒", "喔", "噢", "得", "地", "着", "过", "一下", "去", "来",
    "不过", "但是", "但", "而且", "所以", "因为", "如果", "的话", "只能", "只", "只是", "一定", "肯定", "方便", "办法",
    "支持", "允许", "提供", "好", "行", "一样", "同样", "相同", "了解", "知道", "清楚", "说", "讲", "直接", "马上", "立刻", "先", "一起",
})
# Exceptions the rules make: a denial under one of these is a rule, not a contradiction.
_EXCEPTIONS = re.compile(
    "超过|超出|过了|以上|之后|拆封|拆开|用过|穿过|洗过|下水|剪标|剪了|损坏|弄坏|人为|影响二次|(?:不满|不到)[0-9一二两三四五六七八九十半]")
# A scenario clause that calls something a violation or a risk forbids it (改成办公用品属于违规开票); one
# that classes it as 非X (非质量问题) denies X.
_PENDING_STATE = re.compile("待(?:发货|发|付款|揽收|签收|处理)|未发|未揽收|未签收")
_PROHIBITED = re.compile("违规|违反|禁止|不得|风险|不允许|不可以|属于违")
# A clause that says something is taken away (少了中间环节, 省去, 免去) denies it as much as 没有 does.
_PRIVATIVE = re.compile("少了|省去|省掉|免去|去掉了|不含|缺少")
# Share of the denied characters a scenario clause must hold for the denial to contradict it.
COVERED_SHARE = 0.75
_BUYER = ("您", "你", "买家", "宝宝", "孩子")
_AGENT = ("我", "这边", "店", "咱")
_SCOPE_END = re.compile("|".join(sorted(SCOPE_ENDS, key=len, reverse=True)))
_ATTRIBUTIVE = re.compile("[\u4e00-\u9fff]{1,2}的")
_REFUSING = re.compile("恐怕|暂时|不太方便|不方便|做不到|办不到|给不了|给不到|不了|不行|不能|不可以|没法|没办法|无法|不支持|不提供|不允许")
_REFUSAL_NOISE = re.compile(
    "恐怕|暂时|不太|不方便|方便|做不到|办不到|给不了|不了|不行|不能|不可以|不可能|没法|没办法|无法|不会|不予|不给|也不"
    "|操作|办理|实现|进行|的话|这几天|目前|这次|这边|哦|呢|啦")
_NOT_YET = re.compile("还没|尚未|还未|暂未|没有还|还不到")
_DONE = re.compile("已|了")
_CONDITION_BEFORE = re.compile("如果|要是|万一|假如|假设|若是|只要")
_WORRY = re.compile("担心|怕|以为|顾虑|会不会|是不是")
_POST_NEGATORS = ("给不了", "给不到", "做不到", "办不到", "不行", "不了", "不能", "不可以", "不可能", "没有", "没法", "不支持")
_NEGATED_WORD = re.compile("不|没|无|未|恐怕")
_SOFT = ("恐怕", "暂时不", "暂时做不到", "暂时没", "不太方便", "不方便", "做不到", "办不到", "给不了", "给不到", "给不出")
_SOFT_NEGATOR = re.compile("|".join(sorted(_SOFT, key=len, reverse=True)))
_ANY_NEGATOR = re.compile("[不没无未]|恐怕")


class Contradiction(NamedTuple):
    """A reply clause denying what a scenario clause affirms (normalised reply positions)."""

    start: int
    end: int
    denied: tuple[str, ...]


def _is_noun(word: str) -> bool:
    return any(pos.startswith("n") for _, pos in tag(word))


def _words(text: str) -> list[str]:
    return [w for w in segment(text) if w.strip() and any(c.isalnum() for c in w)]


def _claim_words(words: list[str]) -> tuple[str, ...]:
    # 发了 is 发: an aspect particle the segmenter kept on the verb says nothing of what is denied.
    words = [w[:-1] if len(w) > 1 and w[-1] in "了的哦呢啦吧" else w for w in words]
    return tuple(w for w in words if w not in _LIGHT and not _NEGATED_WORD.fullmatch(w) and not w.isdigit())


# States a plain 不 describes (不合适 is how the goods fit, not a refusal): adjectives and these verbs.
_STATE_VERBS = frozenset({"合适", "满意", "喜欢", "舒服", "确定", "清楚", "知道", "习惯", "放心", "着急", "耐脏", "透气"})


def _describes(following: str) -> bool:
    tagged = [(w, pos) for w, pos in tag(following[:8]) if w.strip()]
    if not tagged:
        return False
    word, pos = tagged[0]
    if word == "好":
        return False  # 不好给建议: "cannot well", a soft refusal
    return pos.startswith("a") or word in _STATE_VERBS


def _negation(clause: str, rules: HouseRules) -> tuple[int, int] | None:
    """Where the clause's refusing negator stands, or None (no negator, or one that frees the buyer)."""
    soft = _SOFT_NEGATOR.search(clause)
    if soft is not None:
        return soft.span()
    for index, char in enumerate(clause):
        if char not in "不没无":
            continue
        found = negator_at(clause, index)
        if found is None:
            continue
        word, end = found
        if word in NECESSITY_NEGATORS:
            return None
        if word in ("不", "没") and (_describes(clause[end:]) or clause[:index].endswith(tuple(_STATE_VERBS))):
            continue  # 不合适, 不满意, 确定不了: a state described or an uncertainty, not a thing refused
        return index, end
    return None


def _denied_words(clause: str, rules: HouseRules) -> tuple[tuple[str, ...], bool]:
    """What the clause denies (empty when it denies nothing checkable), and whether it says "not yet"."""
    where = _negation(clause, rules)
    if where is None or _EXCEPTIONS.search(clause):
        return (), False
    start, end = where
    before = clause[:start]
    if _DISOWNING.match(clause, start) or _ADMISSION.search(clause):
        return (), False  # 不会让您白等: the agent disowns a bad act; 没提前提醒是我们的疏忽: an admission
    buyer_state = any(b in before for b in _BUYER) and not any(a in before for a in _AGENT) and not _REFUSING.match(
        clause, start)
    if before.endswith("先") or buyer_state:
        return (), False  # 先不补发: put off, not refused; 您没收到: the buyer's state, not the shop's refusal
    not_yet = _NOT_YET.search(clause, max(0, start - 1), end + 1) is not None
    if _CONDITION_BEFORE.search(clause, 0, start) or "的话" in clause[end:] or _WORRY.search(clause, 0, start) or (
            _CONSEQUENCE.search(clause, end) and not _REFUSING.match(clause, start)):
        return (), False  # 如果不合适, 没有余额的话: a condition, not a denial; 不用担心不发货: the worry is denied
    # What the negator governs, with the other negators and the light verbs of a refusal taken out
    # (恐怕暂时不太方便操作 denies nothing of its own); when that leaves one bare verb or nothing, the
    # thing denied stands before the negator (全额退款的话恐怕不方便, 茶巾这几天恐怕送不了).
    governed = clause[end:]
    scope_end = _SCOPE_END.search(governed)
    if scope_end is not None and _ATTRIBUTIVE.match(governed, scope_end.end()):
        scope_end = None  # 没有可以用的优惠券: 可以 inside what is denied, not a new proposition
    if scope_end is not None:
        governed = governed[:scope_end.start()]  # 不想换也可以退款: 也可以 opens a proposition of its own
    after = _claim_words(_words(_REFUSAL_NOISE.sub("", governed)))
    if after and len("".join(after)) > 1:
        return after[:3], not_yet
    before = _claim_words(_words(clause[:start]))
    if before and _REFUSING.match(clause, start):
        # 不一样, 没了, 不容易 describe; only a refusal (不能, 恐怕, 给不了 …) denies what stands before it.
        return (*before[-2:], *after[:1]), not_yet
    return (after[:1], not_yet) if after else ((), False)


class ScenarioClaims(NamedTuple):
    affirmed: tuple[str, ...]  # the scenario's clauses that affirm
    denied: tuple[str, ...]  # and those that deny
    completed: tuple[str, ...]  # affirming clauses that say a thing has happened (已发货, 已经揽收了)


@lru_cache(maxsize=512)
def scenario_claims(source: str) -> ScenarioClaims:
    """The scenario's normalised statements sorted into those that affirm and those that deny."""
    affirmed, denied = [], []
    for start, end in clause_spans(source):
        clause = source[start:end]
        if _COMPARISON.search(clause):
            continue  # 比抹零还划算: a comparison states neither side
        for change in _CHANGED_FROM.finditer(clause):
            denied.append(change.group(1))  # 表面由镀锌改成发黑: 镀锌 is no longer so
        non = _NON.search(clause)
        if non is not None:
            # 非质量问题换货 denies 质量问题, not the exchange: the class after 非 is denied, the rest stands.
            denied.append(non.group(1) or non.group(2))
            clause = clause[:non.start()] + clause[non.end():]
        if _PROHIBITED.search(clause) or _PRIVATIVE.search(clause) or (
                _PENDING_STATE.search(clause)) or _refuses(clause):
            denied.append(clause)
        else:
            affirmed.append(clause)
    completed = tuple(c for c in affirmed if _DONE.search(c))
    return ScenarioClaims(tuple(affirmed), tuple(denied), completed)


def _covered(denied: str, clause: str) -> bool:
    """Most of the denied characters stand in the clause, through runs of two or more (or it is one character).

    The segmenter cuts names it does not know (催韵达 into 催韵 + 达), so words alone would miss them.
    """
    if len(denied) == 1:
        return denied in clause
    marks = [False] * len(denied)
    longest = 0
    for i in range(len(denied)):
        for j in range(len(denied), i + 1, -1):
            if denied[i:j] in clause:
                marks[i:j] = [True] * (j - i)
                longest = max(longest, j - i)
                break
        else:
            marks[i] = marks[i] or denied[i] in clause
    return longest >= 2 and sum(marks) >= COVERED_SHARE * len(denied)


_NON = re.compile("非(?!常)([\u4e00-\u9fff]{2,6}?(?:问题|原因))|非(?!常)([\u4e00-\u9fff]{2,4})")
_CHANGED_FROM = re.compile("(?:由|从)([\u4e00-\u9fffA-Za-z0-9]{1,6})(?:改成|变成|换成|改为|变为|换为)")
_COMPARISON = re.compile("比.{1,8}(?:还|更)")
# After a negation, a consequence (就, 才, 可以, 也能): the negation was a condition (不合适可以换).
_CONSEQUENCE = re.compile("就|才|也能|也可以|都可以|可以|照样|的话")


def _refuses(clause: str) -> bool:
    """A scenario clause with a negator that denies its own content: not one that frees the buyer (全额退款
    不用寄回) nor a condition of a rule (不影响二次销售就支持退货)."""
    for i, char in enumerate(clause):
        if char not in "不没无未":
            continue
        found = negator_at(clause, i)
        if found is None or found[0] in NECESSITY_NEGATORS:
            continue
        if _CONSEQUENCE.search(clause, found[1]):
            continue  # 不影响…就支持: the negation is the condition, what follows is affirmed
        return True
    return False


@lru_cache(maxsize=8192)
def _stands_in(words: tuple[str, ...], clauses: tuple[str, ...]) -> bool:
    """Every word, or a near-synonym of it, stands in one of the clauses (as text: segmenters join 发顺丰)."""
    joined = "".join(words)
    act = words[-1]
    # By characters only where the act itself stands in the clause: 活动价 without 改 is no denial of 改.
    return any(
        all(any(form in clause for form in alternatives(w)) for w in words)
        or (_covered(joined, clause) and any(form in clause for form in alternatives(act)))
        for clause in clauses
    )


def contradictions(
    text: str, claims: ScenarioClaims, rules: HouseRules, spans: list[tuple[int, int]] | None = None,
) -> list[Contradiction]:
    """Reply clauses that deny what the scenario affirms and never denies itself (`spans`: the clauses)."""
    if not claims.affirmed or _ANY_NEGATOR.search(text) is None:
        return []
    found = []
    for start, end in clause_spans(text) if spans is None else spans:
        clause = text[start:end]
        if _ANY_NEGATOR.search(clause) is None:
            continue
        denied, not_yet = _denied_words(clause, rules)
        if not denied:
            continue
        if len("".join(denied)) == 1 and not _is_noun(denied[0]) and not (
                denied[0] in SERVICE_VERBS and _SOFT_NEGATOR.search(clause)):
            continue  # 开不了: one bare verb says too little (券 as a noun, or 换 refused softly, says enough)
        # 还没打单 against 每天17:00打单 is the time of day; against 已打单 it is false.
        affirmed = claims.completed if not_yet else claims.affirmed
        # A true denial: the scenario refuses it too, in full or in the act and one of its objects.
        true = _stands_in(denied, claims.denied) or (len(denied) > 1 and any(
            _stands_in((word, denied[-1]), claims.denied) for word in denied[:-1]))
        if _stands_in(denied, affirmed) and not true:
            found.append(Contradiction(start, end, denied))
    return found



# Markers of a clause that states nothing as the case now: a suggestion, a condition, the future, a question.
_NOT_A_STATEMENT = re.compile("建议|下次|以后|如果|要是|万一|的话|可以考虑|是否|吗|呢|么|想|打算|可能|也许")


def affirmed_denials(
    text: str, claims: ScenarioClaims, statements: str, spans: list[tuple[int, int]] | None = None,
) -> list[Contradiction]:
    """Reply clauses that agree to what the scenario forbids: 给您开成办公用品 where that is illegal.

    A clause that names the forbidden thing with no negator and as the case now (not a suggestion, a
    condition or a question) contradicts the scenario.
    """
    exclusive = _denied_only(claims)
    if not exclusive:
        return []
    found = []
    for start, end in clause_spans(text) if spans is None else spans:
        clause = text[start:end]
        if _refuses(clause) or _NOT_A_STATEMENT.search(clause) or _PROHIBITED.search(clause) or (
                text.startswith("?", end)):
            continue  # 改成办公用品就属于违规开票: naming it to forbid it
        words = tuple(w for w in exclusive if w in clause)
        if words:
            found.append(Contradiction(start, end, words))
    return found


_CHANGED_INTO = re.compile("(?:改成|开成|写成|换成|填成|改为|开为)")


@lru_cache(maxsize=512)
def _denied_only(claims: ScenarioClaims) -> tuple[str, ...]:
    """What the scenario forbids a thing to be made into (改成办公用品属于违规开票), where none of its
    affirming clauses mentions it. (Absences, 没有买运费险, are left alone: the segmenter and the
    conditions of return rules make them too unreliable to act on.)"""
    words: set[str] = set()
    for clause in claims.denied:
        if not _PROHIBITED.search(clause):
            continue
        for match in _CHANGED_INTO.finditer(clause):
            following = [(w, pos) for w, pos in tag(clause[match.end():]) if w.strip()]
            if following and following[0][1].startswith("n") and len(following[0][0]) > 1:
                noun = following[0][0]
                if not any(form in other for other in claims.affirmed for form in alternatives(noun)):
                    words.add(noun)
    return tuple(sorted(words))
