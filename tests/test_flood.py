from bot.platforms.flood import FloodGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_is_allowed_then_warned_once_then_dropped() -> None:
    clock = Clock()
    guard = FloodGuard(capacity=3, per_second=1, clock=clock)
    verdicts = [guard.check("a") for _ in range(6)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN] + [Verdict.DROP] * 2


def test_tokens_refill_over_time_and_people_are_separate() -> None:
    clock = Clock()
    guard = FloodGuard(capacity=2, per_second=1, clock=clock)
    assert [guard.check("a") for _ in range(3)] == [Verdict.ALLOW, Verdict.ALLOW, Verdict.WARN]
    assert guard.check("b") is Verdict.ALLOW
    clock.now = 1.0
    assert guard.check("a") is Verdict.ALLOW


def test_memory_stays_bounded() -> None:
    clock = Clock()
    guard = FloodGuard(capacity=2, per_second=1, clock=clock, max_people=100)
    for i in range(1000):
        clock.now += 5  # every earlier bucket has refilled
        guard.check(str(i))
    assert len(guard._buckets) <= 100


def test_a_long_flood_is_warned_about_once_and_a_later_one_again() -> None:
    clock = Clock()
    guard = FloodGuard(capacity=4, per_second=2, clock=clock)
    verdicts = []
    for tick in range(100):  # 10 messages a second for 10 seconds
        clock.now = tick / 10
        verdicts.append(guard.check("a"))
    assert verdicts.count(Verdict.WARN) == 1 and Verdict.ALLOW in verdicts[10:]  # still some answers
    clock.now = 20.0  # quiet long enough to refill
    assert [guard.check("a") for _ in range(5)][-1] is Verdict.WARN
