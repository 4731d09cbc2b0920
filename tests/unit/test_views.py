"""Views of one's own: ``[[views]]`` read and checked, ``stats --view`` and ``config --check``
run for real in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from _cli import run_commdash

from commdash.config import check_config, load_config
from commdash.views import BUILT_IN, ViewSpec

NOW = "2026-11-25T09:00:00Z"


def commdash(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_commdash(
        *args,
        env={
            "COMMDASH_CONFIG": str(tmp_path / "config.toml"),
            "COMMDASH_STATE_DIR": str(tmp_path / "state"),
            "COMMDASH_CACHE_DIR": str(tmp_path / "cache"),
        },
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_views_extend_the_built_in_five_on_keys_6_to_9(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[views]]\nname = "refunds"\nquery = "tag:refund -is:done"\n'
        '[[views]]\nname = "loud"\nquery = "likes:>5"\nsort = "likes"\n',
    )
    views = load_config(path).views.on_keys()
    assert views[:5] == BUILT_IN
    assert views[5:] == (
        ViewSpec("refunds", "all", "tag:refund -is:done", "waiting"),
        ViewSpec("loud", "all", "likes:>5", "likes"),
    )


def test_views_replace_gives_keys_1_to_9_to_ones_own(tmp_path: Path) -> None:
    path = write(tmp_path, 'views_replace = true\n[[views]]\nname = "mine"\nquery = "mine"\n')
    assert [view.name for view in load_config(path).views.on_keys()] == ["mine"]


def test_a_bad_view_is_left_out_and_check_names_file_view_error_and_place(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        '[[views]]\nname = "late"\nquery = "tag:refund age:>2x"\n'
        '[[views]]\nname = "sorted"\nquery = "x"\nsort = "loudest"\n'
        '[[views]]\nname = "ok"\nquery = "is:open"\n',
    )
    config = load_config(path)  # a bad view does not stop commdash
    assert [view.name for view in config.views.views] == ["ok"]
    assert check_config(path) == [
        f"{path}: view 'late': query: age:>2x: unknown unit (s, m, h, d, w) at 18 ('x'); left out",
        f"{path}: view 'sorted': sort: 'loudest' is not one of waiting, newest, oldest, likes; "
        "left out",
    ]
    done = commdash(tmp_path, "config", "--check")
    assert done.returncode == 2
    assert done.stdout.splitlines()[0].startswith(f"{path}: view 'late': query: age:>2x")


def test_more_views_than_keys_are_left_out_with_a_note(tmp_path: Path) -> None:
    path = write(tmp_path, "".join(f'[[views]]\nname = "v{n}"\nquery = "x"\n' for n in range(6)))
    assert len(load_config(path).views.on_keys()) == 9
    assert check_config(path) == [
        f"{path}: view 'v4': no key left (keys 1-9 hold 9 views); left out",
        f"{path}: view 'v5': no key left (keys 1-9 hold 9 views); left out",
    ]


def test_stats_view_prints_the_figures_of_that_views_conversations(tmp_path: Path) -> None:
    write(tmp_path, '[[views]]\nname = "Long waits"\nquery = "waiting:>10d"\n')
    whole = json.loads(commdash(tmp_path, "stats", "--json", "--now", NOW).stdout)
    done = commdash(tmp_path, "stats", "--json", "--now", NOW, "--view", "long WAITS")
    assert done.returncode == 0, done.stderr
    view = json.loads(done.stdout)
    assert view["view"] == "Long waits"
    assert 0 < view["conversations"] < whole["conversations"]
    assert view["needs_reply"] == view["conversations"] == view["sla_breached"]
    built_in = json.loads(
        commdash(tmp_path, "stats", "--json", "--now", NOW, "--view", "done").stdout
    )
    assert built_in["conversations"] == whole["done"]
    text = commdash(tmp_path, "stats", "--now", NOW, "--view", "Long waits").stdout
    assert "View                        Long waits" in text.splitlines()[1]


def test_stats_of_an_unknown_view_says_which_there_are_and_exits_2(tmp_path: Path) -> None:
    done = commdash(tmp_path, "stats", "--view", "nope")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "commdash: error: no view is called 'nope'; the views: 'needs reply', 'all open', "
        "'snoozed', 'done', 'everything'"
    )
    assert "Traceback" not in done.stderr


def test_a_view_nested_too_deeply_is_left_out_with_one_line(tmp_path: Path) -> None:
    deep = "(" * 3000 + "a" + ")" * 3000
    path = write(tmp_path, f'[[views]]\nname = "deep"\nquery = "{deep}"\n')
    assert check_config(path) == [
        f"{path}: view 'deep': query: nested too deeply (more than 50 levels) at 51 ('('); left out"
    ]
    for args in (("config", "--check"), ("stats", "--now", NOW)):
        done = commdash(tmp_path, *args)
        assert "Traceback" not in done.stdout + done.stderr
    assert done.returncode == 0


def test_view_names_are_unique_among_the_views_shown_and_the_later_is_left_out(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        '[[views]]\nname = "x"\nquery = "a"\n'
        '[[views]]\nname = "X"\nquery = "b"\n'
        '[[views]]\nname = "Needs  Reply"\nquery = "c"\n',
    )
    assert [view.name for view in load_config(path).views.on_keys()[5:]] == ["x"]
    assert check_config(path) == [
        f"{path}: view 'X': another view is called 'x' (case and spaces aside); left out",
        f"{path}: view 'Needs Reply': another view is called 'needs reply' (case and spaces "
        "aside); left out",
    ]
    done = commdash(tmp_path, "config", "--check")
    assert done.returncode == 2
    assert "another view is called 'needs reply'" in done.stdout
    # with views_replace the built-in names are free
    write(tmp_path, 'views_replace = true\n[[views]]\nname = "done"\nquery = "is:done"\n')
    assert [view.query for view in load_config(path).views.on_keys()] == ["is:done"]
    assert check_config(path) == []


def test_stats_of_a_view_left_out_says_why_and_exits_2(tmp_path: Path) -> None:
    write(tmp_path, '[[views]]\nname = "Broken"\nquery = "age:>2x"\n')
    done = commdash(tmp_path, "stats", "--view", "broken")
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "commdash: error: the view 'Broken' was left out: query: age:>2x: unknown unit "
        "(s, m, h, d, w) at 7 ('x')"
    )
