"""Facts a reply states, checked against what the scenario says: amounts, times, durations, shares, couriers.

A reply that tells the buyer a refund takes three months, that only half is refunded, or that the
parcel went with 中通 when the scenario says 申通, states something the shop never said. The check is
deliberately narrow: a quantity counts only with a unit (元, 天, 小时, 折, %, 点, 码 …); it contradicts
the scenario when the scenario's own texts (context, turns, model answer and declared facts) give
quantities of the same kind and none of them, nor a sum or difference of two of them, is that value.
A promise about the agent's own speed (两小时内回复您) is not a fact of the scenario and is not checked.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from .text import clause_end, clause_start

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}
_NUMBER = r"(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?:点[一二三四五六七八九])?|半)"

# kind → unit pattern (after the number). The order matters: 个工作日 before 日, 分钟 before 分.
_UNIT_KINDS: tuple[tuple[str, str], ...] = (
    ("money", r"(?:块钱|元钱|元|块|rmb)"),
    ("days", r"(?:个工作日|个自然日|工作日|天)"),
    ("weeks", r"(?:个星期|个礼拜|周(?![末年边到]))"),
    ("months", r"(?:个月)"),
    ("hours", r"(?:个小时|小时|个钟头|钟头)"),
    ("minutes", r"(?:分钟)"),
    ("percent", r"(?:%|折(?![扣叠腾])|成(?![本功为交品色]))"),
    ("clock", r"(?:点钟|点(?!点))"),
    ("size", r"(?:码)"),
    ("weight", r"(?:公斤|千克|斤|kg)"),
    ("age", r"(?:周岁|岁)"),
    ("years", r"(?:年(?![级代底初中前后内]))"),
    ("volume", r"(?:ml|毫升)"),
    ("watts", r"(?:w(?![xi]))"),  # white space is gone by now: 65W PD reads 65wpd
    ("length", r"(?:mm|毫米|cm|厘米)"),
)
_QUANTITY = re.compile(
    r"(?P<pre>[¥￥]|满|立减|直降|减|便宜|优惠)?(?<![0-9a-z.])(?P<num>" + _NUMBER + r")(?:[-~–到至](?P<high>" + _NUMBER + r"))?"
    r"(?P<unit>" + "|".join(f"(?P<{kind}>{unit})" for kind, unit in _UNIT_KINDS) + r")?"
)
# A promise about the agent's own speed or a deadline the agent sets: not a fact of the scenario.
_PROMISE_REPLY = re.compile(r".{0,3}(?:回复|答复|回您|联系您|给您答复|给您回|处理好)")
_PROMISE_DEADLINE = re.compile(r"[内前]|之内|以内|之前|左右")
# A deadline is the agent's own only when what follows is the agent answering (18点前给您回复); 16点前付款
# 当天发 is the shop's rule, a fact of the scenario.
_AGENT_ANSWERS = re.compile(r".{0,6}?(?:回复|答复|回您|告诉您|联系您|通知您|给您回|给您结果|给您消息|处理好)")
_PROMISE_BEFORE = ("最晚", "最迟", "不超过", "保证")
# 两三天, 三四十块: neighbouring numerals give an estimate, not a fact to check.
_ESTIMATE = re.compile(r"[一二两三四五六七八九][二三四五六七八九]十?|几")
# 28、29、30码: every number of the list has the unit written after the last.
_LISTED = re.compile(r"(?<![0-9])(\d{1,4}(?:\.\d+)?)(?=(?:\s*[、,/和或及]\s*\d+(?:\.\d+)?)+\s*(码|元|块|天|%))")
COURIERS = ("顺丰", "中通", "圆通", "韵达", "申通", "邮政", "ems", "京东快递", "京东物流", "极兔", "德邦", "百世", "天天快递")
_COURIER = re.compile("|".join(COURIERS))
_HALF = re.compile(r"一半|半价|对半")
_CLOCK_TIME = re.compile(r"(?<!\d)([01]?\d|2[0-3]):[0-5]\d(?!\d)")
_AFTERNOON = re.compile(r"下午|晚上|傍晚|今晚")
_NIGHT = re.compile(r"晚|夜")
_DAYPART = re.compile(r"上午|早上|凌晨|中午|下午|晚上|傍晚|今晚")
_OFFER_BEFORE = re.compile(r"补偿|赔|送|返|红包|优惠券|券|补您|补给您|减")
_OFFER_AFTER = re.compile(r".{0,2}(?:红包|优惠券|券|补偿|无门槛)")
# What holds on every Taobao/Tmall shop whatever the scenario says: 7 days' no-reason returns, the
# 24/48/72-hour shipping promises; known only where the clause speaks of their rule (_PLATFORM_CONTEXT).
PLATFORM_VALUES = {"duration": (7.0,), "hours": (24.0, 48.0, 72.0)}
# A refund goes back the way it came within days, and in full unless the scenario says otherwise.
REFUND_DAYS_AT_MOST = 15
_REFUND = re.compile(r"退款|退钱|退回|到账|返还|退还")
_WHOLE = re.compile(r"全额|全款|全部退")
_WEEKDAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_WEEKDAY_NUMBER = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "日": 7, "天": 7}
_ADDRESS_NUMBER = re.compile(r"(?<=[路街道巷弄])\d+号|\d+(?:栋|幢|号楼|单元|室)")
# A number stated as a price, a threshold or a discount must be one the scenario states; a worked-out
# value is stated as one (合计, 一共, 再凑, 还差, 到手, 省 …), and a duration is never summed unasked.
_LITERAL_BEFORE = re.compile(r"(?:恢复到?|原价|售价|定价|活动价|现价|价格是|标价|卖)$")
_DERIVATION_CUE = re.compile(r"合计|一共|总共|共|算下来|到手|再凑|还差|差价|差|省|便宜了|相当于|每|平均|剩|折合|换算|加起来|还要")
# Where the platform's own values hold: 7 days for no-reason returns, 24/48/72 hours to ship.
_PLATFORM_CONTEXT = {"duration": re.compile(r"无理由|退换|退货"), "hours": re.compile(r"发货|发出|揽收|发走")}
# Words of a total worked out from several figures (an order of two items less a discount).
_TOTAL_CUE = re.compile(r"合计|一共|总共|共计|算下来|到手|加起来|折合")
# Derived values are worked out from at most this many of a scenario's values of one kind (a bound on the
# combinations, which grow with the cube of it).
DERIVED_FROM_AT_MOST = 12
# Durations are compared in days so that 两周 and 14天 agree.
_IN_DAYS = {"days": 1.0, "weeks": 7.0, "months": 30.0}


class Quantity(NamedTuple):
    kind: str
    value: float
    start: int
    end: int


class FactMismatch(NamedTuple):
    """A stated fact the scenario does not back, at [start, end) of the normalised reply."""

    kind: str
    start: int
    end: int
    stated: str


_BETWEEN_ALNUM_SPACE = re.compile(r"(?<=[A-Za-z0-9])\s+(?=[A-Za-z0-9])")


def spaced(text: str) -> str:
    """A scenario text with the white space between letters and digits kept as a separator before
    normalisation drops white space (C1 45W+C2 20W would otherwise read c145w+c220w)."""
    return _BETWEEN_ALNUM_SPACE.sub("/", text)


def chinese_number(text: str) -> float | None:
    """The value of a number written in digits or Chinese numerals (十五, 两百, 三点五, 半)."""
    if not text:
        return None
    if text[0].isdigit():
        try:
            return float(text)
        except ValueError:
            return None
    if text == "半":
        return 0.5
    if "点" in text:
        whole, _, fraction = text.partition("点")
        base = chinese_number(whole)
        return None if base is None else base + _DIGITS.get(fraction, 0) / 10
    total = 0
    current = 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return float(total + current)


def _sentence_start(text: str, position: int) -> int:
    return max(text.rfind(ch, 0, position) for ch in "。!?\n") + 1


def quantities(text: str) -> list[Quantity]:
    """Every number with a unit in a normalised text (both ends of a range such as 1-3个工作日)."""
    found: list[Quantity] = []
    for match in _QUANTITY.finditer(text):
        kind = next((k for k, _ in _UNIT_KINDS if match.group(k)), None)
        if kind is None and match.group("pre"):
            kind = "money"  # ¥168, 满199, 立减20
        if kind is None:
            continue
        start = match.start()
        if start and text[start - 1] == "第":
            continue  # an ordinal (第二天 is the next day, not two days)
        numbers = [match.group("num")] + ([match.group("high")] if match.group("high") else [])
        if _ESTIMATE.fullmatch(numbers[0]) or text[max(0, start - 2):start] in _PROMISE_BEFORE:
            continue
        if kind == "clock" and numbers[-1] in ("一", "半"):
            continue  # 一点 is "a little" far more often than one o'clock
        if kind == "money" and numbers[-1] == "一" and text.startswith("块儿", match.start("unit")):
            continue  # 一块儿 = together
        for number in numbers:
            value = chinese_number(number)
            if value is None:
                continue
            unit_kind = kind
            if kind == "percent" and match.group("percent") == "折":
                value *= 10 if value < 10 else 1  # 9.5折 = 95 %, 八折 = 80 %
            elif kind == "percent" and match.group("percent") == "成":
                value *= 10
            if kind in _IN_DAYS:
                value, unit_kind = value * _IN_DAYS[kind], "duration"
            found.append(Quantity(unit_kind, value, start, match.end()))
    for match in _CLOCK_TIME.finditer(text):
        found.append(Quantity("clock", float(int(match.group(1))), match.start(), match.end()))
    if "点" in text:
        # 下午3点 is 15:00: clock times are compared on the 24-hour clock; 今晚12点 and 0点 are midnight, 24.
        found = [
            q._replace(value=q.value + 12) if q.kind == "clock" and q.value < 12 and _AFTERNOON.search(text, max(0, q.start - 3), q.start)
            else q._replace(value=24.0) if q.kind == "clock" and (
                q.value == 0 or (q.value == 12 and _NIGHT.search(text, _sentence_start(text, q.start), q.start)))
            else q
            for q in found
        ]
    found = [q for q in found if q.kind != "years" or q.value <= 30]  # 2026年 is a date, not a span of years
    units = {"码": "size", "元": "money", "块": "money", "天": "duration", "%": "percent"}
    for match in _LISTED.finditer(text):
        found.append(Quantity(units[match.group(2)], float(match.group(1)), match.start(), match.end()))
    for match in _HALF.finditer(text):
        found.append(Quantity("percent", 50.0, match.start(), match.end()))
    return found


class FactSheet(NamedTuple):
    """What the scenario says, by kind of quantity, and the couriers, weekdays and address numbers it names."""

    values: dict[str, frozenset[float]]  # the scenario's own values
    couriers: frozenset[str]
    derived: dict[str, frozenset[float]] = {}  # values a reply can work out from them (sums, differences …)
    weekdays: tuple[tuple[int, str], ...] = ()  # (weekday, the clause naming it)
    freight: tuple[tuple[str, str, str], ...] = ()  # (condition, leg, payer) the scenario states
    addresses: frozenset[str] = frozenset()


@lru_cache(maxsize=512)
def fact_sheet(source: str) -> FactSheet:
    # `source` should come through spaced(): "C1 45W" must not read as 145 W.
    """The quantities and couriers of a scenario's normalised texts (cached: scenario texts repeat)."""
    values: dict[str, set[float]] = {}
    for quantity in quantities(source):
        values.setdefault(quantity.kind, set()).add(quantity.value)
        if quantity.kind == "money" and (_OFFER_BEFORE.search(source, max(0, quantity.start - 5), quantity.start)
                                          or _OFFER_AFTER.match(source, quantity.end)):
            values.setdefault("offer", set()).add(quantity.value)  # the amount the shop may offer
    if _WHOLE.search(source):
        values.setdefault("percent", set()).add(100.0)  # 全额退款: a refund of a share contradicts it
    derived: dict[str, frozenset[float]] = {}
    totals: dict[str, frozenset[float]] = {}
    for kind, numbers in values.items():
        if kind not in ("money", "duration", "hours", "minutes"):
            continue
        # What a reply can work out from the scenario's own values is no contradiction: a difference or a
        # sum of two (还差 31 元), and for money stated as a total, three figures, a few of one item, a
        # price per unit (开衫 258 + 围巾 89 - 立减 20 = 327).
        ordered = sorted(numbers)[:DERIVED_FROM_AT_MOST]
        two = {round(a + b, 2) for a in ordered for b in ordered} | {
            round(abs(a - b), 2) for a in ordered for b in ordered if a != b}
        derived[kind] = frozenset(two)
        if kind == "money":
            more = {round(abs(p + sign * c), 2) for p in two for c in ordered for sign in (1, -1)}
            more |= {round(a * k, 2) for a in ordered for k in range(2, 11)}
            more |= {round(a / b, 2) for a in ordered for b in ordered if b and a > b}
            totals[kind] = frozenset(more | two)
    derived.update({f"total:{kind}": values for kind, values in totals.items()})
    return FactSheet(
        values={kind: frozenset(numbers) for kind, numbers in values.items()},
        couriers=frozenset(_COURIER.findall(source)), derived=derived, weekdays=tuple(weekdays(source)),
        addresses=frozenset(address_numbers(source)),
        freight=tuple(sorted({(c, leg, payer) for c, leg, payer, _, _ in freight_statements(source)})),
    )


_FREIGHT = re.compile(r"运费(?!险)")
_LEG_BOTH = re.compile(r"来回|往返|双向|两边|来去")
_LEG_RETURN = re.compile(r"寄回|退回|寄过来|寄来|退货|退的|寄还|返回")
_LEG_OUT = re.compile(r"寄出|发出|寄给您|发给您|寄过去|补发|新鞋|新衣|新的|换新|重新发|再发|寄新")
# Who pays: the shop (我们出, 店铺承担, 由我们包, 您先垫付 and we refund it) or the buyer (您出, 买家承担, 自理).
_PAYER_SHOP = re.compile(r"我们|店铺|店里|商家|卖家|本店|我来|我帮您出|我出|由店|垫付|报销|补给您|退给您|我们包|包邮|免运费|不用您")
_PAYER_BUYER = re.compile(r"您出|你出|您承担|你承担|您这边|您自己|买家|自理|自付|需要您|您来出|您付|您补")
_PAYER_NEGATED = re.compile(r"不会让|不用|不需要|无需|不让|不要您|不会|不必")
_NON_QUALITY = re.compile(r"非质量|不是质量|无理由|不喜欢|不合适|尺码|颜色|不想要|个人原因")
_QUALITY = re.compile(r"质量问题|破损|损坏|发错|错发|开胶|瑕疵|坏")


def freight_statements(text: str) -> list[tuple[str, str, str, int, int]]:
    """Who pays which leg of the freight, as a normalised text states it: (condition, leg, payer, start, end).

    The leg is the return (寄回), the new parcel out (寄出, 补发) or both (来回); the condition is a quality
    fault, a non-quality reason or none said. A clause that names both payers, or none, states nothing.
    """
    found = []
    for match in _FREIGHT.finditer(text):
        low, high = clause_start(text, match.start()), clause_end(text, match.end())
        clause = text[low:high]
        shop, buyer = _PAYER_SHOP.search(clause), _PAYER_BUYER.search(clause)
        if buyer is not None and _PAYER_NEGATED.search(clause, max(0, buyer.start() - 4), buyer.start() + 1):
            shop, buyer = shop or buyer, None  # 运费不会让您出, 不用您出: the shop pays
        if bool(shop) == bool(buyer):
            continue
        sentence = text[_sentence_start(text, low):high]
        condition = "nonquality" if _NON_QUALITY.search(sentence) else "quality" if _QUALITY.search(sentence) else ""
        before = text[max(low - 12, 0):match.start()]
        if _LEG_BOTH.search(before):
            legs = ("return", "out")
        elif _LEG_RETURN.search(before):
            legs = ("return",)
        elif _LEG_OUT.search(before):
            legs = ("out",)
        else:
            legs = ("return", "out")
        for leg in legs:
            found.append((condition, leg, "shop" if shop else "buyer", low, high))
    return found


def _freight_mismatches(text: str, sheet: FactSheet) -> list[FactMismatch]:
    """Freight said to be paid by the other party than the scenario says, for the same leg and condition."""
    found = []
    for condition, leg, payer, start, end in freight_statements(text):
        same = {p for c, lg, p in sheet.freight if lg == leg and c == condition}
        if not same and condition == "":
            # No condition said: the scenario's payer for the leg when it is the same under every condition.
            same = {p for c, lg, p in sheet.freight if lg == leg}
        if len(same) == 1 and payer not in same:
            found.append(FactMismatch("freight", start, end, text[start:end]))
    return found


def weekdays(text: str) -> list[tuple[int, str]]:
    """The weekdays a normalised text names (周二, 星期五, 礼拜天), 1–7, each with the rest of its clause."""
    return [(_WEEKDAY_NUMBER[m.group(1)], text[clause_start(text, m.start()):clause_end(text, m.end())].replace(m.group(), ""))
            for m in _WEEKDAY.finditer(text)]


def _same_event(clause: str, other: str) -> bool:
    """Two clauses speak of one event when they share a pair of characters (补货 and 补货)."""
    return any(clause[i:i + 2] in other for i in range(len(clause) - 1) if clause[i:i + 2].strip())


def address_numbers(text: str) -> list[str]:
    """House, building and room numbers of the addresses in a normalised text (218号, 5幢, 302室)."""
    return [m.group() for m in _ADDRESS_NUMBER.finditer(text)]


def _about_refund(text: str, quantity: Quantity) -> bool:
    return _REFUND.search(text, clause_start(text, quantity.start), clause_end(text, quantity.end)) is not None


def _breaks_refund_rules(text: str, quantity: Quantity) -> bool:
    """Where the scenario says nothing of it: a refund that takes longer, or returns less, than the platform's."""
    if not _about_refund(text, quantity):
        return False
    if quantity.kind == "duration":
        return quantity.value > REFUND_DAYS_AT_MOST
    return quantity.kind == "percent" and quantity.value < 100


def _known(text: str, quantity: Quantity, sheet: FactSheet) -> bool:
    """Whether a stated quantity is one the scenario states, or one a reply may work out from its values."""
    literal = sheet.values.get(quantity.kind, frozenset())
    if quantity.value in literal:
        return True
    low, high = clause_start(text, quantity.start), clause_end(text, quantity.end)
    context = _PLATFORM_CONTEXT.get(quantity.kind)
    if context is not None and quantity.value in PLATFORM_VALUES[quantity.kind] and context.search(text, low, high):
        return True
    if _LITERAL_BEFORE.search(text, max(0, quantity.start - 4), quantity.start):
        return False
    if text[quantity.start] in "满¥" or text.startswith(("立减", "减", "直降"), quantity.start):
        return False  # 满189, 立减50: a threshold or a discount is the shop's own figure
    if quantity.kind == "money" and quantity.value in sheet.derived.get("total:money", ()) and _TOTAL_CUE.search(
            text, low, high):
        return True  # 合计327元
    if quantity.value not in sheet.derived.get(quantity.kind, frozenset()):
        return False
    if quantity.kind == "money":
        return True
    return _DERIVATION_CUE.search(text, low, high) is not None  # 还剩 3 小时, 一共 5 天


def fact_mismatches(text: str, sheet: FactSheet) -> list[FactMismatch]:
    """Facts stated in the reply that the scenario contradicts."""
    found: list[FactMismatch] = []
    for quantity in quantities(text):
        known = sheet.values.get(quantity.kind)
        if not known:
            if _breaks_refund_rules(text, quantity):
                found.append(FactMismatch("refund", quantity.start, quantity.end, text[quantity.start:quantity.end]))
            continue
        if _known(text, quantity, sheet):
            continue
        if quantity.kind == "clock" and quantity.value < 12 and quantity.value + 12 in known and not _DAYPART.search(
                text, max(0, quantity.start - 3), quantity.start):
            continue  # 三点 without 上午/下午 may well be the scenario's 下午三点
        if _PROMISE_REPLY.match(text, quantity.end):
            continue  # 三天内给您答复: the agent's own promise
        if quantity.kind == "money" and not sheet.values.get("offer") and (
            _OFFER_BEFORE.search(text, max(0, quantity.start - 5), quantity.start) or _OFFER_AFTER.match(text, quantity.end)
        ):
            continue  # 补偿您5元红包: an offer the agent makes where the scenario sets no amount for one
        if quantity.kind in ("hours", "minutes", "clock") and _PROMISE_DEADLINE.match(text, quantity.end) and (
                _AGENT_ANSWERS.match(text, quantity.end)):
            continue  # 20分钟内给您答复: the agent's own answer; 48小时内发货 is the shop's rule
        found.append(FactMismatch(quantity.kind, quantity.start, quantity.end, text[quantity.start:quantity.end]))
    if sheet.couriers:
        for match in _COURIER.finditer(text):
            if match.group() not in sheet.couriers:
                found.append(FactMismatch("courier", match.start(), match.end(), match.group()))
    if sheet.weekdays:
        # 下周五补货 against 下周二补货 is wrong; 快的话周五到 against 周六出门 is an estimate of another event.
        for match in _WEEKDAY.finditer(text):
            day = _WEEKDAY_NUMBER[match.group(1)]
            clause = text[clause_start(text, match.start()):clause_end(text, match.end())].replace(match.group(), "")
            events = [other for number, other in sheet.weekdays if _same_event(clause, other)]
            if events and not any(number == day for number, other in sheet.weekdays if other in events):
                found.append(FactMismatch("weekday", match.start(), match.end(), match.group()))
    if sheet.freight and "运费" in text:
        found += _freight_mismatches(text, sheet)
    if sheet.addresses:
        for match in _ADDRESS_NUMBER.finditer(text):
            if match.group() not in sheet.addresses:
                found.append(FactMismatch("address", match.start(), match.end(), match.group()))
    return found
