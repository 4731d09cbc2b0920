"""Two couriers of a team, on two machines' connections to one database: each reply reaches
the platform once, whichever courier sends it."""

from __future__ import annotations

import threading
from pathlib import Path

from _stores import SOURCE, team_db
from test_delivery import NOW, Recorder

from commdash.delivery import Courier
from commdash.outbox import Reply
from commdash.store.team import TeamStore
from commdash.store.team_db import TeamDatabase
from commdash.timeutil import Clock

__all__ = ["team_db"]  # a fixture


def test_two_couriers_of_a_team_send_each_reply_once(team_db: TeamDatabase, tmp_path: Path) -> None:
    ana = TeamStore(tmp_path / "ana", team_db, SOURCE, manager="ana@laptop")
    queued = [Reply.new(f"c{n}", f"m{n}", f"Reply {n}", NOW + n) for n in range(60)]
    ana.queue_replies(queued)
    platform = Recorder()
    other = TeamDatabase(team_db._conninfo).open()
    couriers = [
        Courier(platform, TeamStore(tmp_path / name, database, SOURCE), Clock(NOW + 100), dict)
        for name, database in (("a", team_db), ("b", other))
    ]
    start = threading.Barrier(2)
    delivered: dict[int, int] = {}

    def deliver(index: int) -> None:
        start.wait(timeout=30)
        delivered[index] = len(couriers[index].deliver_due())

    try:
        threads = [threading.Thread(target=deliver, args=(index,)) for index in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    finally:
        other.close()
    assert sorted(platform.sent) == sorted(reply.id for reply in queued)  # each once
    assert delivered[0] + delivered[1] == 60
    assert {reply.status for reply in ana.replies()} == {"sent"}
