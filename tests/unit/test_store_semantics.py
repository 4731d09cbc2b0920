"""The store's semantics, the same for both backends: TinyDB files and the team database
on PostgreSQL (``open_store`` runs each test against both)."""

from __future__ import annotations

from _stores import NOW, OpenStore, open_store, queue, record, team_db

from commdash.triage import BLANK, TriageState, assign, mark_done, set_tags

__all__ = ["open_store", "team_db"]  # fixtures


def test_record_is_seen_by_a_new_store(open_store: OpenStore) -> None:
    first = open_store()
    done = mark_done(BLANK, NOW)
    tagged = set_tags(assign(BLANK, "ana"), ["vip"])
    record(first, "c1", done)
    record(first, "c2", tagged)
    assert open_store().states() == {"c1": done, "c2": tagged}


def test_undo_never_takes_back_another_running_sessions_action(open_store: OpenStore) -> None:
    mine = open_store(session="mine")
    theirs = open_store(session="theirs")  # alive: this very process
    record(mine, "c1", mark_done(BLANK, NOW))
    record(theirs, "c2", mark_done(BLANK, NOW))  # the newest action overall

    first = mine.undo()
    assert first is not None
    assert (first.conversation_id, first.session) == ("c1", "mine")
    assert mine.undo() is None  # c2 belongs to a commdash that is still running
    assert set(open_store().states()) == {"c2"}


def test_undo_never_takes_back_another_managers_action(open_store: OpenStore) -> None:
    record(open_store(manager="kari@desk"), "c1", mark_done(BLANK, NOW))
    assert open_store(manager="ola@laptop").undo() is None
    assert set(open_store().states()) == {"c1"}


def test_apply_builds_on_another_processs_change_instead_of_overwriting(
    open_store: OpenStore,
) -> None:
    first = open_store()
    second = open_store()
    first.apply("c1", "tag", lambda s: set_tags(s, ["urgent"]), NOW)
    entry = second.apply("c1", "assign", lambda s: assign(s, "ola"), NOW)
    assert entry is not None and entry.before == TriageState(tags=("urgent",))
    assert open_store().states()["c1"] == TriageState(tags=("urgent",), assignee="ola")


def test_apply_that_changes_nothing_is_not_journalled(open_store: OpenStore) -> None:
    store = open_store()
    assert record(store, "c1", BLANK) is None
    assert store.undo() is None


def test_undo_of_a_queued_reply_keeps_its_text_as_the_draft(open_store: OpenStore) -> None:
    store = open_store()
    queue(store, "c1", "Sorry for the wait!")
    store.undo()
    assert store.replies() == []
    assert store.drafts() == {"c1": "Sorry for the wait!"}


def test_undo_takes_this_sessions_latest_not_its_first(open_store: OpenStore) -> None:
    mine = open_store(session="mine")
    theirs = open_store(session="theirs")
    record(mine, "c1", mark_done(BLANK, NOW))
    record(theirs, "c2", mark_done(BLANK, NOW))
    record(mine, "c3", mark_done(BLANK, NOW))
    undone = mine.undo()
    assert undone is not None and undone.conversation_id == "c3"
    undone = mine.undo()
    assert undone is not None and undone.conversation_id == "c1"


def test_undo_after_undo_and_new_action_stays_in_order(open_store: OpenStore) -> None:
    # Document ids are reused after the newest entry is removed; order must still hold.
    store = open_store()
    record(store, "c1", mark_done(BLANK, NOW))
    record(store, "c2", mark_done(BLANK, NOW))
    store.undo()
    record(store, "c3", mark_done(BLANK, NOW))
    assert [e.conversation_id for e in iter(store.undo, None)] == ["c3", "c1"]


def test_a_morning_of_actions_can_all_be_undone(open_store: OpenStore) -> None:
    store = open_store()  # the real journal limit, not a patched one
    for i in range(120):
        record(store, f"c{i}", mark_done(BLANK, NOW))
    undone = [entry.conversation_id for _ in range(120) if (entry := store.undo()) is not None]
    assert undone == [f"c{i}" for i in reversed(range(120))]
    assert open_store().states() == {}


def test_queue_reply_is_saved_and_drops_the_draft(open_store: OpenStore) -> None:
    store = open_store()
    store.save_draft("c1", "Thanks, we")
    store.save_draft("c2", "Other draft")
    reply = queue(store, "c1", "Thanks, we are on it")
    again = open_store()
    assert again.replies() == [reply]
    assert again.drafts() == {"c2": "Other draft"}


def test_undo_of_a_reply_discards_the_queued_reply(open_store: OpenStore) -> None:
    store = open_store()
    done = mark_done(BLANK, NOW)
    record(store, "c1", done)
    kept = queue(store, "c2")
    reply = queue(store, "c1")
    undone = store.undo()
    assert undone is not None and undone.reply_id == reply.id
    assert open_store().replies() == [kept]
    assert open_store().states() == {"c1": done}  # the state is left alone
    # Next undo goes on to the earlier reply, then to the done mark.
    undone = store.undo()
    assert undone is not None and undone.reply_id == kept.id
    assert open_store().replies() == []
    undone = store.undo()
    assert undone is not None and undone.reply_id is None
    assert open_store().states() == {}


def test_discard_reply(open_store: OpenStore) -> None:
    store = open_store()
    reply = queue(store, "c1")
    assert store.discard_reply(reply.id)
    assert not store.discard_reply(reply.id)
    assert not store.discard_reply("never-queued")
    assert store.replies() == []


def test_drafts_keep_text_exactly(open_store: OpenStore) -> None:
    text = '  Line one\nLine two — "quoted" \\ émoji 🙂  '
    open_store().save_draft("c1", text)
    assert open_store().drafts() == {"c1": text}


def test_anchor_is_kept_only_while_there_is_state(open_store: OpenStore) -> None:
    store = open_store()
    assert store.anchor(100.0) == 100.0
    assert store.anchor(200.0) == 200.0  # no state yet: follows the clock
    record(store, "c1", mark_done(BLANK, NOW))
    assert store.anchor(300.0) == 200.0  # state exists: the first anchor is kept
    later = open_store()
    assert later.anchor(400.0) == 200.0  # also for a later run
    later.close()  # which ended
    store.undo()  # state and journal are empty again
    assert store.anchor(500.0) == 500.0
    assert store.anchor(600.0) == 600.0


def test_anchor_is_kept_while_only_the_journal_has_entries(open_store: OpenStore) -> None:
    store = open_store()
    store.anchor(100.0)
    done = mark_done(BLANK, NOW)
    record(store, "c1", done)
    record(store, "c1", BLANK, action="reopen")
    assert store.states() == {}
    assert store.anchor(900.0) == 100.0


def test_drafts_belong_to_their_manager(open_store: OpenStore) -> None:
    kari = open_store(manager="kari@desk")
    ola = open_store(manager="ola@laptop")
    kari.save_draft("c1", "Kari's half-written thought")
    assert ola.drafts() == {}
    ola.save_draft("c1", "Ola's own")
    assert kari.drafts() == {"c1": "Kari's half-written thought"}
    assert ola.drafts() == {"c1": "Ola's own"}


def test_undo_of_a_reply_keeps_an_existing_draft_too(open_store: OpenStore) -> None:
    store = open_store()
    queue(store, "c1", "FIRST queued reply")
    store.save_draft("c1", "second draft")
    store.undo()
    assert store.drafts() == {"c1": "FIRST queued reply\n\nsecond draft"}


def test_undo_takes_back_only_what_its_action_changed(open_store: OpenStore) -> None:
    kari = open_store(manager="kari@desk")
    ola = open_store(manager="ola@laptop")
    kari.apply("c1", "tag", lambda s: set_tags(s, ["urgent", "billing"]), NOW)
    ola.apply("c1", "assign", lambda s: assign(s, "dana"), NOW)
    ola.undo()
    assert open_store().state("c1") == TriageState(tags=("urgent", "billing"))
    kari.undo()
    assert open_store().state("c1") == BLANK


def test_a_write_records_the_fingerprints_around_it(open_store: OpenStore) -> None:
    store = open_store()
    before = store.fingerprint()
    record(store, "c1", mark_done(BLANK, NOW))
    assert store.last_write == (before, store.fingerprint())
