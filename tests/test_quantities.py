"""The quantity reader: figures as teachers and staff type them, read exactly or asked back."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lang.numbers import numerals_to_digits
from lang.quantities import MAX_TEXT, Reading, read

# Each case: the text and what `read` must find, in text order — quantities ("kind:unit:value"; dates
# "date:YYYY-MM-DD" with ? for a missing part; terms "term:ROC-TERM"; "~" at the end when approximate), then the
# asked units ("?unit"), then the problems ("!raw").
CASES: list[tuple[str, list[str]]] = [
    # Durations: everything in hours.
    ("3 小時 15 分鐘", ["duration:hour:3.25"]),
    ("3小時15分鐘", ["duration:hour:3.25"]),
    ("3 小時 15 分", ["duration:hour:3.25"]),
    ("45 分鐘", ["duration:hour:0.75"]),
    ("90分鐘", ["duration:hour:1.5"]),
    ("半小時", ["duration:hour:0.5"]),
    ("半個小時", ["duration:hour:0.5"]),
    ("一個半小時", ["duration:hour:1.5"]),
    ("三個半小時", ["duration:hour:3.5"]),
    ("一小時半", ["duration:hour:1.5"]),
    ("兩個小時又十五分鐘", ["duration:hour:2.25"]),
    ("1h30m", ["duration:hour:1.5"]),
    ("1h 30min", ["duration:hour:1.5"]),
    ("2 hrs", ["duration:hour:2"]),
    ("45 min", ["duration:hour:0.75"]),
    ("3 hours and 15 minutes", ["duration:hour:3.25"]),
    ("2.5 hours of video", ["duration:hour:2.5"]),
    ("half an hour", ["duration:hour:0.5"]),
    ("one and a half hours", ["duration:hour:1.5"]),
    ("學習十八小時", ["duration:hour:18"]),
    ("錄了 12.5 個小時", ["duration:hour:12.5"]),
    ("兩個鐘頭", ["duration:hour:2"]),
    ("零點五小時", ["duration:hour:0.5"]),
    ("九點五小時", ["duration:hour:9.5"]),
    ("二分之一小時", ["duration:hour:0.5"]),
    ("學习3小时15分钟", ["duration:hour:3.25"]),
    ("两个半小时", ["duration:hour:2.5"]),
    ("每支影片 15 分钟", ["duration:hour:0.25"]),
    ("５小時", ["duration:hour:5"]),
    ("工讀生一天最多做 8 小時", ["duration:day:1", "duration:hour:8"]),
    ("連續工作 5 天", ["duration:day:5"]),
    ("7 個工作天內", ["duration:day:7"]),
    ("2 days", ["duration:day:2"]),
    ("約 3 小時", ["duration:hour:3~"]),
    ("3 小時左右", ["duration:hour:3~"]),
    ("一小時多", ["duration:hour:1~"]),
    # Money.
    ("一千五百元", ["money:TWD:1500"]),
    ("一千五", ["money:TWD:1500"]),
    ("兩千五", ["money:TWD:2500"]),
    ("一萬二", ["money:TWD:12000"]),
    ("三百五", ["money:TWD:350"]),
    ("一百八十萬", ["money:TWD:1800000"]),
    ("補助 170 萬", ["money:TWD:1700000"]),
    ("3.5 萬", ["money:TWD:35000"]),
    ("3.5M", ["money:TWD:3500000"]),
    ("NT$3.5 million", ["money:TWD:3500000"]),
    ("2 million", ["money:TWD:2000000"]),
    ("20k", ["money:TWD:20000"]),
    ("NT$1,500", ["money:TWD:1500"]),
    ("$1,500", ["money:TWD:1500"]),
    ("NTD 3,000", ["money:TWD:3000"]),
    ("3000 NTD", ["money:TWD:3000"]),
    ("新臺幣 5,000 元", ["money:TWD:5000"]),
    ("新台币五千元", ["money:TWD:5000"]),
    ("十四萬元", ["money:TWD:140000"]),
    ("兩百萬", ["money:TWD:2000000"]),
    ("两千五百块", ["money:TWD:2500"]),
    ("一万二", ["money:TWD:12000"]),
    ("400 万", ["money:TWD:4000000"]),
    ("1.5 億", ["money:TWD:150000000"]),
    ("一億五", ["money:TWD:150000000"]),
    ("3千5百元", ["money:TWD:3500"]),
    ("1萬2000元", ["money:TWD:12000"]),
    ("一點五萬元", ["money:TWD:15000"]),
    ("50 塊", ["money:TWD:50"]),
    ("300塊錢", ["money:TWD:300"]),
    ("陸仟元", ["money:TWD:6000"]),
    ("壹萬伍仟元", ["money:TWD:15000"]),
    ("３，０００元", ["money:TWD:3000"]),
    ("補助 300", ["money:TWD:300"]),
    # A rate: the reader gives the amount; 每月 / 每小時 stay in the text for the planner (no 1 month, no 1 hour).
    ("每月 5,000 元", ["money:TWD:5000"]),
    ("每小時 5,000 元", ["money:TWD:5000"]),
    ("每人每月5,000元", ["money:TWD:5000"]),
    ("5,000 元/月", ["money:TWD:5000"]),
    ("10 到 20 萬元", ["money:TWD:100000", "money:TWD:200000"]),
    ("5000 到 2 萬元", ["money:TWD:5000", "money:TWD:20000"]),
    ("NT$1,000-2,000", ["money:TWD:1000", "money:TWD:2000"]),
    ("NT$5,000 per hour", ["money:TWD:5000"]),
    ("NT$ 2.5 million", ["money:TWD:2500000"]),
    ("NTD 30,000", ["money:TWD:30000"]),
    # A currency before a count noun: money for what the noun names, not a count of it.
    ("NTD 30,000 students", ["money:TWD:30000"]),
    ("NT$500 student fee", ["money:TWD:500"]),
    ("NT$ 2.5 million students", ["money:TWD:2500000"]),
    ("NT$ 3,000 TA hours", ["money:TWD:3000"]),
    ("新臺幣 3 萬 人事費", ["money:TWD:30000"]),
    ("NT$ 2.5 million for 3 courses", ["money:TWD:2500000", "count:course:3"]),
    ("NT$3.5m", ["!3.5m"]),
    # 萬 with another measure word is a count.
    ("1 萬人", ["count:person:10000"]),
    ("線上學員破千人", ["count:person:1000"]),
    ("選課人數 1 萬 2 千人", ["count:person:12000"]),
    ("5 千人", ["count:person:5000"]),
    ("2 million people", ["count:person:2000000"]),
    ("修課人數破 10 萬", ["number::100000"]),
    # Counts.
    ("開 18 週", ["count:week:18"]),
    ("六週", ["count:week:6"]),
    ("2周", ["count:week:2"]),
    ("五周", ["count:week:5"]),
    ("3 個星期", ["count:week:3"]),
    ("兩個禮拜", ["count:week:2"]),
    ("4 weeks", ["count:week:4"]),
    # A course or video word before a duration qualifies it; before anything else it is what is counted.
    ("54 class hours in total", ["duration:hour:54"]),
    ("10 video hours", ["duration:hour:10"]),
    ("3 classes a week", ["count:course:3"]),
    ("2 videos", ["count:unit_video:2"]),
    ("3 個月", ["count:month:3"]),
    ("四個月", ["count:month:4"]),
    ("3个月", ["count:month:3"]),
    ("6 months", ["count:month:6"]),
    ("兩個學期", ["count:semester:2"]),
    ("2 學年", ["count:academic_year:2"]),
    ("3 年", ["count:year:3"]),
    ("一年半", ["count:year:1.5"]),
    ("3 years", ["count:year:3"]),
    ("4 門課", ["count:course:4"]),
    ("兩門", ["count:course:2"]),
    ("三堂課", ["count:course:3"]),
    ("5 courses", ["count:course:5"]),
    ("300 人", ["count:person:300"]),
    ("一百五十人", ["count:person:150"]),
    ("3 位助教", ["count:person:3"]),
    ("兩名教學助理", ["count:person:2"]),
    ("25 個學生", ["count:person:25"]),
    ("1,200 online registrants", ["count:person:1200"]),
    ("130 on-campus students", ["count:person:130"]),
    ("300 learners", ["count:person:300"]),
    ("6 more weeks", ["count:week:6"]),
    ("300 registered students", ["count:person:300"]),
    ("10 online weeks", ["count:week:10"]),
    ("2 recorded hours", ["duration:hour:2"]),
    ("two more weeks", ["count:week:2"]),
    ("three recorded hours", ["duration:hour:3"]),
    ("how many more weeks", ["?week"]),
    ("5 more than 3 weeks", ["number::5", "count:week:3"]),
    ("one of the students", []),
    ("twenty-five students", ["count:person:25"]),
    ("兩次", ["count:time:2"]),
    ("5 times", ["count:time:5"]),
    ("七個單元", ["count:unit_video:7"]),
    ("10 支影片", ["count:unit_video:10"]),
    ("20 videos", ["count:unit_video:20"]),
    ("2 個系列", ["count:series:2"]),
    ("3 所學校", ["count:school:3"]),
    ("8 倍", ["count:multiple:8"]),
    ("3 學分", ["count:credit:3"]),
    ("2 credits", ["count:credit:2"]),
    ("五項", ["count:item:5"]),
    ("3 個問題", ["count:item:3"]),
    ("30 多人", ["count:person:30~"]),
    ("約 30 人", ["count:person:30~"]),
    # Ranges and figures next to each other.
    ("2 至 9 週", ["count:week:2", "count:week:9"]),
    ("2-9週", ["count:week:2", "count:week:9"]),
    ("2 - 9 週", ["count:week:2", "count:week:9"]),
    ("一到三週", ["count:week:1", "count:week:3"]),
    ("兩到三個小時", ["duration:hour:2", "duration:hour:3"]),
    ("30 到 45 分鐘", ["duration:hour:0.5", "duration:hour:0.75"]),
    ("6 to 18 hours", ["duration:hour:6", "duration:hour:18"]),
    ("60-70%", ["percent:percent:60", "percent:percent:70"]),
    ("4週300人", ["count:week:4", "count:person:300"]),
    ("開5週 註冊兩千多人", ["count:week:5", "count:person:2000~"]),
    ("FCU benchmark MOOC, 5 weeks, 2,000 registered learners", ["count:week:5", "count:person:2000"]),
    # Lists: the figures before the last take its unit; a thousands comma has no space after it.
    ("310, 295 and 500 students", ["count:person:310", "count:person:295", "count:person:500"]),
    ("310, 295, and 500 students", ["count:person:310", "count:person:295", "count:person:500"]),
    ("310, 295, 500 students", ["count:person:310", "count:person:295", "count:person:500"]),
    ("310、295 和 500 人", ["count:person:310", "count:person:295", "count:person:500"]),
    ("三門課分別有 310 、 295 及 500 人", ["count:course:3", "count:person:310", "count:person:295", "count:person:500"]),
    ("310、295 人", ["count:person:310", "count:person:295"]),
    ("3, 4 and 5 hours", ["duration:hour:3", "duration:hour:4", "duration:hour:5"]),
    ("1,000 students", ["count:person:1000"]),
    ("1,000, 2,000 and 3,000 students", ["count:person:1000", "count:person:2000", "count:person:3000"]),
    ("By 2024, 300 students", ["number::2024", "count:person:300"]),
    ("1、300 人", ["number::1", "count:person:300"]),
    ("310,295 and 500 students", ["count:person:310295", "count:person:500"]),
    # Percentages and scores.
    ("60%", ["percent:percent:60"]),
    ("60 ％", ["percent:percent:60"]),
    ("百分之六十", ["percent:percent:60"]),
    ("百分之 15", ["percent:percent:15"]),
    ("六成", ["percent:percent:60"]),
    ("六成五", ["percent:percent:65"]),
    ("2.11%", ["percent:percent:2.11"]),
    ("千分之五", ["percent:percent:0.5"]),
    ("15 percent", ["percent:percent:15"]),
    ("85 分", ["score:point:85"]),
    ("八十五分", ["score:point:85"]),
    # Dates.
    ("114.03.01", ["date:2025-03-01"]),
    ("114/3/1", ["date:2025-03-01"]),
    ("113/3/15", ["date:2024-03-15"]),
    ("114-03-01", ["date:2025-03-01"]),
    ("114年3月1日", ["date:2025-03-01"]),
    ("114 年 3 月 1 日", ["date:2025-03-01"]),
    ("民國114年3月1日", ["date:2025-03-01"]),
    ("一一四年三月一日", ["date:2025-03-01"]),
    ("2025-03-01", ["date:2025-03-01"]),
    ("2025/3/1", ["date:2025-03-01"]),
    ("2025年3月1號", ["date:2025-03-01"]),
    ("March 1, 2025", ["date:2025-03-01"]),
    ("1 March 2025", ["date:2025-03-01"]),
    ("Mar. 1 2025", ["date:2025-03-01"]),
    ("Sept 1, 2025", ["date:2025-09-01"]),
    ("1 September 2025", ["date:2025-09-01"]),
    ("September 2025", ["date:2025-09-?"]),
    ("starting in Sept. 2025", ["date:2025-09-?"]),
    ("May of 2026", ["date:2026-05-?"]),
    ("in March 2025, 300 students enrolled", ["date:2025-03-?", "count:person:300"]),
    ("March 1", ["date:?-03-01"]),
    ("3月1日", ["date:?-03-01"]),
    ("三月一號", ["date:?-03-01"]),
    ("3/15 前", ["date:?-03-15"]),
    ("12/31", ["date:?-12-31"]),
    ("106年7月", ["date:2017-07-?"]),
    # A month named with 份 is the month of the year, without a year; a month alone (6 月開課) is no quantity.
    ("三月份的進度", ["date:?-03-?"]),
    ("12 月份", ["date:?-12-?"]),
    ("6 月開課", []),
    ("114年", ["date:2025-?-?"]),
    ("105年4月25日到26日", ["date:2016-04-25", "date:2016-04-26"]),
    # A year alone: ROC or Gregorian before 年 or 學年度, Gregorian after "in" or "year".
    ("115 年", ["date:2026-?-?"]),
    ("2026 年", ["date:2026-?-?"]),
    ("2026 學年度", ["date:2026-?-?"]),
    ("in 2026", ["date:2026-?-?"]),
    ("In 2026, 300 students", ["date:2026-?-?", "count:person:300"]),
    ("the year 2026", ["date:2026-?-?"]),
    ("in 2026 hours", ["duration:hour:2026"]),
    ("in 1,500", ["number::1500"]),
    ("115 學年度", []),
    ("4月25日和26日", ["date:?-04-25", "date:?-04-26"]),
    # Academic terms.
    ("116 學年度第 1 學期", ["term:116-1"]),
    ("116學年度第一學期", ["term:116-1"]),
    ("116 學年度上學期", ["term:116-1"]),
    ("116 學年度下學期", ["term:116-2"]),
    ("116学年度第2学期", ["term:116-2"]),
    ("116-1", ["term:116-1"]),
    ("2027 學年度第 1 學期", ["term:116-1"]),
    ("2027學年度下學期", ["term:116-2"]),
    ("一一六學年度第二學期", ["term:116-2"]),
    ("fall 2027", ["term:116-1"]),
    ("spring 2028", ["term:116-2"]),
    ("first semester of 2027-2028", ["term:116-1"]),
    ("the second semester of the 2027/28 academic year", ["term:116-2"]),
    ("first semester of 2027", ["!first semester of 2027"]),
    # Asked units.
    ("要開幾週？", ["?week"]),
    ("多少週", ["?week"]),
    ("幾小時", ["?hour"]),
    ("幾個鐘頭", ["?hour"]),
    ("幾分鐘", ["?hour"]),
    ("幾天", ["?day"]),
    ("多少錢", ["?TWD"]),
    ("多少元", ["?TWD"]),
    ("補助多少？", ["?TWD"]),
    ("經費上限是多少", ["?TWD"]),
    ("幾位", ["?person"]),
    ("幾個人", ["?person"]),
    ("幾名助教", ["?person"]),
    ("幾門", ["?course"]),
    ("幾學分", ["?credit"]),
    ("多少學分", ["?credit"]),
    ("幾次", ["?time"]),
    ("幾個月", ["?month"]),
    ("幾%", ["?percent"]),
    ("百分之幾", ["?percent"]),
    ("哪天", ["?date"]),
    ("何時", ["?date"]),
    ("什麼時候", ["?date"]),
    ("什么时候", ["?date"]),
    ("幾月幾號", ["?date"]),
    ("哪幾天", ["?date"]),
    ("哪個學期", ["?term"]),
    ("多久", ["?duration"]),
    ("几小时", ["?hour"]),
    ("几周", ["?week"]),
    ("how many weeks", ["?week"]),
    ("How many hours", ["?hour"]),
    ("how many TA hours", ["?hour"]),
    ("how many students", ["?person"]),
    ("how many more learners did it have", ["?person"]),
    ("how many fewer hours", ["?hour"]),
    ("how much", ["?TWD"]),
    ("how long", ["?duration"]),
    ("When must it be done", ["?date"]),
    ("which semester", ["?term"]),
    ("高科大磨課師上了 27 個小時，能拿幾學分？", ["duration:hour:27", "?credit"]),
    ("逢甲标竿课程开六周，注册刚好一千人，线上辅导钟点费总共几小时？",
     ["count:week:6", "count:person:1000", "?hour"]),
    ("東華遠距課程選課121人，可以有幾位教學助理？", ["count:person:121", "?person"]),
    ("教育部補助 250 萬，人事費最多可以編多少？", ["money:TWD:2500000", "?TWD"]),
    ("東華計畫書核可執行日是114.03.01，教材最晚什麼時候要做完？", ["date:2025-03-01", "?date"]),
    ("NDHU: 2 TAs for 3 months, what's the maximum TA subsidy?", ["count:person:2", "count:month:3"]),
    ("My NDHU project start date is 2025-08-15. When must the materials be finished?", ["date:2025-08-15", "?date"]),
    # Malformed figures: a problem, never a value.
    ("9,5 小時", ["!9,5 小時"]),
    ("12,34 元", ["!12,34 元"]),
    ("1,5000 元", ["!1,5000 元"]),
    ("-9 小時", ["!-9 小時"]),
    ("−9 小時", ["!−9 小時"]),
    ("負 9 小時", ["!負 9 小時"]),
    ("負九小時", ["!負九小時"]),
    ("1/2 小時", ["!1/2 小時"]),
    ("1/3 週", ["!1/3 週"]),
    ("½ 小時", ["!½ 小時"]),
    ("1e5 人", ["!1e5 人"]),
    ("9²", ["!9²"]),
    ("1.2.3 週", ["!1.2.3 週"]),
    ("12345678901234567 元", ["!12345678901234567 元"]),
    ("0.1234567890123456789 小時", ["!0.1234567890123456789 小時"]),
    ("十幾人", ["!十幾人"]),
    ("20幾人", ["!20幾人"]),
    ("兩三週", ["!兩三週"]),
    ("三四個月", ["!三四個月"]),
    ("114.02.30", ["!114.02.30"]),
    ("114.13.01", ["!114.13.01"]),
    ("1/2", ["!1/2"]),
    ("3.5m", ["!3.5m"]),
    ("3，000 元", ["!3，000 元"]),
    ("三分之一小時", ["!三分之一小時"]),
    ("十百人", ["!十百人"]),
    ("九" * 30 + "人", ["!" + "九" * 30]),
    # Not figures.
    ("一般課程", []),
    ("萬一不夠怎麼辦", []),
    ("千萬不要遲交", []),
    ("十分重要", []),
    ("第 3 週", []),
    ("第一名", []),
    ("COVID-19", []),
    ("mp4 檔", []),
    ("下午 3:30 開會", []),
    ("四年級", []),
    ("一些同學", []),
    ("同一門課", []),
    ("哪一門課？", []),
    ("在大陸幾個人選？", ["?person"]),
    ("要參加嗎", []),
    ("附件1~5", []),
    ("圖2", []),
    ("表二六門課", ["count:course:6"]),
    ("清華表二六門課的註冊人數", ["count:course:6"]),
    ("圖三五人", ["count:person:5"]),
    ("表二十六門課", ["count:course:26"]),
    ("Table 1 of the report", []),
    ("兩萬一般課程", ["money:TWD:20000"]),
    ("1st semester", []),
    ("幾點開始", []),
    ("a 5-week course", ["count:week:5"]),
    ("a two-week break", ["count:week:2"]),
    ("a 90-minute lecture", ["duration:hour:1.5"]),
    ("9-hour", ["duration:hour:9"]),
    ("two-credit", ["count:credit:2"]),
    ("a 12-week, 2-credit course", ["count:week:12", "count:credit:2"]),
    ("pages 5-7", ["number::5", "number::7"]),
    ("a 3-student team", ["number::3"]),
    # English: a unit a few words after its figure, a money prefix over the word after it, what is asked.
    ("45 online learning hours", ["duration:hour:45"]),
    ("three MOE accepted courses", ["count:course:3"]),
    ("the NT$140,000 course cap", ["money:TWD:140000"]),
    ("a committee of 4 members", ["count:person:4"]),
    ("我的課拿到2票推薦", ["count:person:2"]),
    ("修了好幾門課，最多能認幾學分", ["?credit"]),
    ("3 votes in favour", ["count:person:3"]),
    ("100 hourly fees", ["duration:hour:100"]),
    ("how many course weeks?", ["?week"]),
    ("what is the minimum number of online learning hours?", ["?hour"]),
    ("What's the maximum number of TAs?", ["?person"]),
    ("the number of registrants is 300", ["number::300"]),
]


def summary(reading: Reading) -> list[str]:
    out: list[str] = []
    for q in reading.quantities:
        if q.kind == "date":
            y = "?" if q.year is None else str(q.year)
            m = "?" if q.month is None else f"{q.month:02d}"
            d = "?" if q.day is None else f"{q.day:02d}"
            item = f"date:{y}-{m}-{d}"
        elif q.kind == "term":
            assert q.term is not None
            item = f"term:{q.term[0]}-{q.term[1]}"
        else:
            item = f"{q.kind}:{q.unit}:{q.value}"
        out.append(item + ("~" if q.approximate else ""))
    out += [f"?{a.unit}" for a in reading.asked]
    out += [f"!{p.raw}" for p in reading.problems]
    return out


def test_the_table_is_large() -> None:
    assert len(CASES) >= 150
    assert len({text for text, _ in CASES}) == len(CASES)


@pytest.mark.parametrize("text, want", CASES, ids=[text for text, _ in CASES])
def test_reads(text: str, want: list[str]) -> None:
    reading = read(text)
    assert summary(reading) == want
    for q in reading.quantities:
        assert text[q.start : q.end] == q.raw
        assert q.value.is_finite()
    for p in reading.problems:
        assert text[p.start : p.end] == p.raw
        assert p.message_zh and p.message_en


def test_the_decimal_comma_is_asked_back() -> None:
    (problem,) = read("我錄了 9,5 小時").problems
    assert problem.raw == "9,5 小時"
    assert problem.message_zh == "「9,5 小時」是 9.5 小時嗎？請用小數點寫。"
    assert "9.5" in problem.message_en


def test_messages_ask_a_question_back() -> None:
    assert "0.5" in read("1/2 小時").problems[0].message_zh
    assert "負" in read("-9 小時").problems[0].message_zh
    assert "確切" in read("十幾人").problems[0].message_zh
    ambiguous = read("first semester of 2027").problems[0]
    assert "116 學年度第 1 學期" in ambiguous.message_zh and "115 學年度第 2 學期" in ambiguous.message_zh


def test_durations_keep_exact_minutes() -> None:
    (q,) = read("10 分鐘").quantities
    assert q.minutes == 10 and not q.exact
    assert abs(q.value - Decimal(1) / 6) < Decimal("1e-20")
    (q,) = read("1 小時 20 分").quantities
    assert q.minutes == 80 and not q.exact
    (q,) = read("90 分鐘").quantities
    assert q.value == Decimal("1.5") and q.minutes == 90 and q.exact


def test_dates_and_terms_carry_their_fields() -> None:
    (d,) = read("民國 114 年 3 月 1 日").quantities
    assert d.date == date(2025, 3, 1) and (d.year, d.month, d.day) == (2025, 3, 1)
    assert d.value == 20250301
    (partial,) = read("3月1日").quantities
    assert partial.date is None and partial.year is None and (partial.month, partial.day) == (3, 1)
    (term,) = read("116 學年度第 1 學期").quantities
    assert term.term == (116, 1) and term.kind == "term" and term.unit == "term"


def test_spans_point_into_the_original_text() -> None:
    text = "逢甲標竿課程開 4 週，註冊 300 人，線上輔導鐘點總共幾小時？"
    reading = read(text)
    assert [q.raw for q in reading.quantities] == ["4 週", "300 人"]
    (asked,) = reading.asked
    assert text[asked.start : asked.end] == "幾小時"


def test_long_text_is_cut() -> None:
    text = "3 小時 " + "。" * (MAX_TEXT + 100) + "5 週"
    reading = read(text)
    assert reading.truncated
    assert summary(reading) == ["duration:hour:3"]


# --- property tests ----------------------------------------------------------------------------------------------

CN_DIGITS = "零一二三四五六七八九"


def cn_section(n: int, two: str) -> str:
    """1..9999 as a formal numeral: 1500 → 一千五百, 1005 → 一千零五."""
    out = ""
    zero = False
    for size, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // size % 10
        if d == 0:
            if out:
                zero = True
            continue
        if zero:
            out += "零"
            zero = False
        digit = two if d == 2 and size >= 100 else CN_DIGITS[d]
        out += digit + name
    return out


def to_chinese(n: int, two: str = "二", short_ten: bool = False) -> str:
    """A whole number below 10^12 as a formal Chinese numeral (兩 or 二 for a leading 2 of 百/千/萬/億)."""
    if n == 0:
        return "零"
    out = ""
    zero = False
    for size, name in ((10**8, "億"), (10**4, "萬"), (1, "")):
        group = n // size % 10_000 if size < 10**8 else n // size
        if group == 0:
            if out:
                zero = True
            continue
        if out and (zero or group < 1000):
            out += "零"
        section = cn_section(group, two)
        if not out and group == 2 and name:
            section = two
        out += section + name
        zero = False
    if short_ten and out.startswith("一十"):
        out = out[1:]
    return out


def colloquial(a: int, b: int, place: int, two: str) -> tuple[str, int]:
    """一千五 = 1500, 兩千五 = 2500, 一萬二 = 12000, 三百五 = 350, 一億五 = 150,000,000."""
    name = {2: "百", 3: "千", 4: "萬", 8: "億"}[place]
    lead = two if a == 2 else CN_DIGITS[a]
    return lead + name + CN_DIGITS[b], a * 10**place + b * 10 ** (place - 1)


def test_the_formatters_write_what_people_write() -> None:
    assert to_chinese(1500) == "一千五百"
    assert to_chinese(1005) == "一千零五"
    assert to_chinese(2500, "兩") == "兩千五百"
    assert to_chinese(10005) == "一萬零五"
    assert to_chinese(120_000_000) == "一億二千萬"
    assert to_chinese(18, short_ten=True) == "十八"
    assert colloquial(1, 5, 3, "兩") == ("一千五", 1500)
    assert colloquial(2, 5, 3, "兩") == ("兩千五", 2500)
    assert colloquial(1, 2, 4, "兩") == ("一萬二", 12000)
    assert colloquial(3, 5, 2, "兩") == ("三百五", 350)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=999_999_999_999), st.sampled_from(["二", "兩"]), st.booleans())
def test_chinese_integers_round_trip_as_money(n: int, two: str, short_ten: bool) -> None:
    text = to_chinese(n, two, short_ten) + "元"
    assert summary(read(text)) == [f"money:TWD:{n}"]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=9), st.integers(min_value=1, max_value=9), st.sampled_from([2, 3, 4, 8]),
       st.sampled_from(["二", "兩"]), st.sampled_from(["", "元", "塊"]))
def test_colloquial_amounts_round_trip(a: int, b: int, place: int, two: str, unit: str) -> None:
    text, value = colloquial(a, b, place, two)
    assert summary(read(text + unit)) == [f"money:TWD:{value}"]
    assert summary(read(text + "人")) == [f"count:person:{value}"]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=2, max_value=99_999_999))
def test_chinese_integers_round_trip_as_counts(n: int) -> None:
    assert summary(read(to_chinese(n) + "人")) == [f"count:person:{n}"]
    assert numerals_to_digits(to_chinese(n) + "人") == f"{n}人"


@settings(max_examples=300, deadline=None)
@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999"), places=2))
def test_decimals_round_trip(value: Decimal) -> None:
    whole, _, frac = f"{value:f}".partition(".")
    frac = frac.rstrip("0")
    chinese = to_chinese(int(whole)) if int(whole) else "零"
    if frac:
        chinese += "點" + "".join(CN_DIGITS[int(d)] for d in frac)
    (q,) = read(chinese + "小時").quantities
    assert q.value == value and q.unit == "hour"
    (q,) = read(f"{value} 週").quantities
    assert q.value == value and q.unit == "week"
    (q,) = read(f"{int(value):,} 元").quantities
    assert q.value == int(value) and q.kind == "money"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=500), st.integers(min_value=1, max_value=59))
def test_hours_and_minutes_round_trip(hours: int, minutes: int) -> None:
    total = hours * 60 + minutes
    (q,) = read(f"{total} 分鐘").quantities
    assert q.minutes == total and q.unit == "hour"
    assert abs(q.value * 60 - total) < Decimal("1e-20")
    assert q.exact == (total % 3 == 0)  # total/60 ends in decimals exactly when 3 divides total
    if hours:
        for text in (f"{hours} 小時 {minutes} 分鐘", f"{hours}小時{minutes}分", f"{hours}h{minutes}m",
                     f"{hours} hours {minutes} minutes", f"{to_chinese(hours, short_ten=True)}小時{to_chinese(minutes, short_ten=True)}分鐘"):
            (q,) = read(text).quantities
            assert q.minutes == total, text
    if q.exact:
        (q,) = read(f"{q.value} 小時").quantities
        assert q.minutes == total


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=60))
def test_read_never_fails_and_spans_hold(text: str) -> None:
    reading = read(text)
    taken: list[tuple[int, int]] = []
    for q in reading.quantities:
        assert text[q.start : q.end] == q.raw and q.start < q.end
        assert q.kind in ("duration", "money", "count", "percent", "score", "date", "term", "number")
        taken.append((q.start, q.end))
    for p in reading.problems:
        assert text[p.start : p.end] == p.raw
        assert all(p.end <= s or e <= p.start for s, e in taken)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["3", "小時", "九", "萬", ",", ".", "-", "/", "點", "分", "幾", "週", " ", "人", "1", "半", "元", "NT$", "e", "年", "月", "日"]), max_size=30))
def test_read_never_fails_on_figure_soup(parts: list[str]) -> None:
    text = "".join(parts)
    reading = read(text)
    for q in reading.quantities:
        assert text[q.start : q.end] == q.raw
        assert q.value >= 0


# --- time ----------------------------------------------------------------------------------------------------------

RUNS = ["九", "萬", "億", "點", "兩", "十", "零", "半", "個", "幾", "9", "0", ",", ".", "/", "-", "%", "e", "²", "，",
        "小時", "分鐘", "週", "人", "元", "年", "月", "日", "分", "1,", "1.", "1/", "9 ", "一小時", "1萬人", "3 小時 15 分鐘 ",
        "-9 小時", "114.03.01 ", "百分之", "幾週", "多少", "a", "1a", "h", "how many ", "310, ", "295、", "1 and ",
        "5 人、", "表二六", "NT$5 students ", "September 2025 ", "in 2026 ", "6 more ", "2026 學年度 ", " "]


@pytest.mark.parametrize("run", RUNS)
def test_long_runs_are_read_fast(run: str) -> None:
    text = (run * (10_000 // len(run) + 1))[:10_000]
    started = time.perf_counter()
    read(text)
    assert time.perf_counter() - started < 0.5
    started = time.perf_counter()
    numerals_to_digits(text)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("text", ["可以請幾個專任助理？", "可以聘幾個兼任助理", "要幾個教學助理", "幾位助理"])
def test_how_many_of_a_kind_of_assistant_asks_for_people(text: str) -> None:
    """「幾個專任助理」 asks for a number of people, as 「幾位助理」 does, not for a number of things (個 alone)."""
    assert [a.unit for a in read(text).asked] == ["person"]
