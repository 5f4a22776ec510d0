"""Batch work on a Dask LocalCluster (2 worker processes): the same files and reports as the local path, a
failing sample reported once, a worker killed mid-run, workers that cannot see the folder refused."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("distributed")

from doc_check.cli import cli
from doc_check.cluster import connect
from doc_check.cluster.analyze import analyze_paths_on_cluster, analyze_task
from doc_check.cluster.connect import check_workers_see, open_client, probe_folder
from doc_check.cluster.generate import generate_set_on_cluster
from doc_check.cluster.stream import run_ordered
from doc_check.errors import BadInput
from doc_check.specimen.sampleset import generate_set

SET = {"seed": 7, "count": 4, "dpi": 72}


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def client():
    with open_client("local:2") as c:
        c.wait_for_workers(2, timeout=60)
        yield c


@pytest.fixture(scope="module")
def local_set(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("local") / "set"
    generate_set(out, **SET)
    return out


def _summary_without_paths(summary: dict) -> dict:
    return {k: v for k, v in summary.items() if k not in ("out", "key", "references")}


def test_generate_on_the_cluster_writes_the_local_files(client, local_set: Path, tmp_path: Path) -> None:
    out = tmp_path / "set"
    result = run(
        "generate", "--out", str(out), "--json", "--scheduler", client.scheduler.address,
        *[a for k, v in SET.items() for a in (f"--{k}", str(v))],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert tree(out) == tree(local_set)  # byte-identical, and no job folder, shard or temporary left
    expected = generate_set(tmp_path / "again", **SET)
    assert _summary_without_paths(json.loads(result.stdout)) == _summary_without_paths(expected)


def test_analyze_on_the_cluster_gives_the_local_reports(client, local_set: Path, tmp_path: Path) -> None:
    import shutil

    work = tmp_path / "set"
    shutil.copytree(local_set, work)
    broken = sorted(p for p in work.iterdir() if (p / "sample.toml").is_file())[2]
    (broken / "front_visible.jpg").write_bytes(b"\xff\xd8\xff\xe0 not a JPEG any more")
    local = run("analyze", str(work), "--json", "--workers", "1")
    remote = run("analyze", str(work), "--json", env={"DOC_CHECK_SCHEDULER": client.scheduler.address})
    assert local.exit_code == remote.exit_code == 2

    def reports(out: str) -> list[dict]:
        rows = [json.loads(line) for line in out.splitlines()]
        for r in rows:
            r.pop("seconds")
        return rows

    assert reports(remote.stdout) == reports(local.stdout)
    assert len(reports(remote.stdout)) == SET["count"]
    errors = [line for line in remote.stderr.splitlines() if line.startswith("doc-check: error:")]
    assert len(errors) == 1 and broken.name in errors[0]  # the failing sample, once
    assert remote.stderr.splitlines() == local.stderr.splitlines()


def test_a_worker_killed_mid_run_loses_and_duplicates_nothing(local_set: Path, tmp_path: Path) -> None:
    with open_client("local:2") as c:
        c.wait_for_workers(2, timeout=60)
        pids = c.run(os.getpid)
        killed: dict[str, object] = {}
        seen: list[int] = []

        def progress(done: int, total: int) -> None:
            seen.append(done)
            if done >= 1 and not killed:  # kill a worker while it is processing a task
                busy = {w: keys for w, keys in c.processing().items() if keys}
                if busy:
                    worker, keys = next(iter(busy.items()))
                    os.kill(pids[worker], signal.SIGKILL)
                    killed.update(worker=worker, keys=list(keys))

        summary = generate_set_on_cluster(tmp_path / "set", "", client=c, progress=progress, **SET)
        assert killed, "no worker was busy when one finished"
        victim = pids[killed["worker"]]
        deadline = time.monotonic() + 30
        while victim in c.run(os.getpid).values() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert victim not in c.run(os.getpid).values()  # it did die; its nanny started a new worker
    assert tree(tmp_path / "set") == tree(local_set)  # the lost task's sample is there, once, byte-identical
    assert len(summary["samples"]) == len(set(summary["samples"])) == SET["count"]
    assert seen == list(range(SET["count"] + 3 + 1))  # each sample and reference finished exactly once


def test_results_come_in_input_order_through_a_bounded_window(client) -> None:
    pulled = []
    outstanding = []

    def calls():
        for i in range(40):
            pulled.append(i)
            yield (_sleepy, (i,))

    got = []
    for outcome in run_ordered(client, calls(), total=40, window=5, label="test"):
        outstanding.append(len(pulled) - len(got))
        got.append(outcome)
    assert [o.index for o in got] == list(range(40))
    assert [o.value for o in got] == [i * i for i in range(40)]
    assert max(outstanding) <= 5


def test_a_task_that_fails_is_one_outcome(client) -> None:
    outcomes = list(run_ordered(client, [(_fails_on_3, (i,)) for i in range(6)], total=6, window=4, retries=1))
    assert [o.index for o in outcomes] == list(range(6))
    failed = [o for o in outcomes if o.error is not None]
    assert len(failed) == 1 and failed[0].index == 3 and isinstance(failed[0].error, ValueError)


def test_workers_that_cannot_see_the_folder_are_refused(client, tmp_path: Path) -> None:
    (tmp_path / "job.token").write_text("abc")
    assert probe_folder(str(tmp_path), "job.token", "abc", True) is None
    assert "cannot see it" in probe_folder(str(tmp_path / "elsewhere"), "job.token", "abc", False)
    assert "another" in probe_folder(str(tmp_path), "job.token", "xyz", False)
    check_workers_see(client, tmp_path, "job.token", "abc", write=True)
    with pytest.raises(BadInput, match="every worker must see the set folder at the same path"):
        check_workers_see(client, tmp_path, "job.token", "not-what-they-read", write=False)
    fut = client.submit(analyze_task, str(tmp_path / "gone"), True, None, None, None, pure=False)
    with pytest.raises(BadInput, match="cannot see it"):
        fut.result()


def _can_unshare() -> bool:
    if os.name != "posix" or os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = "mount -t tmpfs none /mnt && umount /mnt"
    return subprocess.run(["unshare", "-m", "sh", "-c", probe], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare -m to give a worker its own mounts")
def test_a_worker_that_sees_another_folder_is_refused(tmp_path: Path) -> None:
    """A real worker process whose file system differs: the set folder is an empty tmpfs in its mount namespace."""
    shared = tmp_path / "shared"
    shared.mkdir()
    generate_set(shared / "made-here", seed=7, count=2, dpi=72)
    dask = Path(sys.executable).with_name("dask")
    with open_client("local:1") as c:
        c.wait_for_workers(1, timeout=60)
        script = (
            'mount -t tmpfs none "$1" && exec "$2" worker "$3" --nthreads 1 --no-nanny --no-dashboard --host 127.0.0.1'
        )
        blind = subprocess.Popen(
            ["unshare", "-m", "sh", "-c", script, "sh", str(shared), str(dask), c.scheduler.address],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            c.wait_for_workers(2, timeout=60)
            with pytest.raises(BadInput, match=r"set: worker on .* cannot see it .*a shared file system"):
                generate_set_on_cluster(shared / "set", "", client=c, **SET)
            assert list((shared / "set").iterdir()) == []  # no sample written anywhere, no job folder left
            with pytest.raises(BadInput, match=r"does not see it as the client does.*a shared file system"):
                list(analyze_paths_on_cluster([shared / "made-here"], "", client=c))
        finally:
            blind.terminate()
            blind.wait(30)


def test_missing_dask_is_a_one_line_error(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = run("generate", "--out", str(tmp_path / "s"), "--count", "1", "--scheduler", "local:2")
    assert result.exit_code == 2
    assert result.stderr == "doc-check: error: --scheduler needs Dask: pip install 'doc-check[cluster]'\n"
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("address", ["local:0", "local:two", "  "])
def test_bad_local_addresses(address: str, tmp_path: Path) -> None:
    result = run("analyze", str(tmp_path), "--scheduler", address)
    assert result.exit_code == 2 and result.stderr.startswith("doc-check: error: ") and "Traceback" not in result.stderr


def test_an_unreachable_scheduler_is_a_one_line_error(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setattr(connect, "CONNECT_TIMEOUT_S", 1.0)
    result = run("generate", "--out", str(tmp_path / "s"), "--count", "1", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert result.stderr.startswith("doc-check: error: scheduler tcp://127.0.0.1:9: cannot connect")
    assert len(result.stderr.splitlines()) == 1


def _sleepy(i: int) -> int:
    time.sleep(0.01 * (i % 3))
    return i * i


def _fails_on_3(i: int) -> int:
    if i == 3:
        raise ValueError("three")
    return i
