"""A scratch clinic of N handouts for the scale benchmark (bench/run.py --scale).

The three starter sheets are copied under new ids (acne, eczema, melasma, then
acne-004, eczema-005, ...), each with its own title. Their model output is reused
through the drafting cache (the committed provenance files), so drafting makes no
model call; every handout is then checked and approved by a bench reviewer.
The clinic has its own mkdocs.yml (the repository's), so `handouts build` and a
bare `mkdocs build` read the very same config.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STARTERS = ("acne", "eczema", "melasma")
REVIEWER = "Bench Reviewer, MD"


def handout_ids(n: int) -> list[str]:
    return [STARTERS[i % 3] if i < 3 else f"{STARTERS[i % 3]}-{i + 1:03d}" for i in range(n)]


def copy_sheet(root: Path, starter: str, new_id: str) -> None:
    text = (REPO / "sources" / f"{starter}.yaml").read_text(encoding="utf-8")
    if new_id != starter:
        n = int(new_id.rsplit("-", 1)[1])
        text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)
        text = re.sub(r"(?m)^title: (.*)$", lambda m: f"title: {m.group(1)} {n}", text, count=1)
    (root / "sources" / f"{new_id}.yaml").write_text(text, encoding="utf-8")
    # the model output cache: keyed by fact text, model, prompt and parameters, not by id
    shutil.copy(REPO / "drafts" / f"{starter}.provenance.json", root / "drafts" / f"{new_id}.provenance.json")


def make_skeleton(n: int, root: Path | None = None) -> Path:
    """Sheets, site_config, mkdocs.yml and the drafting cache; nothing drafted yet.
    An existing clinic grows to `n` handouts (the sheets it has are kept as they are)."""
    root = Path(root or tempfile.mkdtemp(prefix=f"handouts-scale-{n}-"))
    for sub in ("sources", "drafts"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    if not (root / "site_config").exists():
        shutil.copytree(REPO / "site_config", root / "site_config")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")  # its hook is the shim builds write
        clinic = root / "site_config" / "clinic.yaml"  # a public address: PDFs carry their QR code
        clinic.write_text(re.sub(r'(?m)^  url: "".*$', '  url: "https://clinic.example.org/handouts/"',
                                 clinic.read_text(encoding="utf-8")), encoding="utf-8")
    for i, hid in enumerate(handout_ids(n)):
        if not (root / "sources" / f"{hid}.yaml").exists():
            copy_sheet(root, STARTERS[i % 3], hid)
    return root


def bench_signer(project):
    """The bench reviewer: a throwaway key in the scratch clinic, listed in its signoffs/reviewers.yaml.

    Also set as HANDOUTS_SIGNING_KEY for the `handouts` commands the bench runs.
    """
    from handouts.signoff import reviewers

    key = Path(project.root) / ".bench-key"
    if not key.exists():
        reviewers.make_key(key, "Bench Reviewer (throwaway)", passphrase="")
    if not any(r.printed == REVIEWER for r in reviewers.load(project)):
        reviewers.add(project, REVIEWER, Path(f"{key}.pub").read_text(encoding="utf-8"))
    os.environ[reviewers.KEY_ENV] = str(key)
    return reviewers.find_signer(project, REVIEWER, key)


def stand_in_model(project):
    """The clinic's model, except that every text scores the same fluency (0.0 nats per token), so no
    candidate is dropped for fluency and nothing runs the model. Scoring is a forward pass of the
    bundled model per accepted candidate (minutes for the starters on a shared 2-core machine, and
    the model is shared); this section measures what a clinic pays once its texts are scored, so the
    scratch clinic's memo holds stand-in scores under the real model's SHA-256 and no timed command
    ever loads the model. `--fluency` (bench/run.py) scores for real instead, under --model-lock."""
    from handouts.drafting.models import LlamaCppModel, load_model

    real = load_model(project.settings, project.root)
    if not isinstance(real, LlamaCppModel):
        return real

    class StandIn(LlamaCppModel):
        def score_text(self, text: str) -> float | None:
            return 0.0

    return StandIn(real.path, n_ctx=real.n_ctx, threads=real.threads, cache_dir=real._cache_dir)


@contextlib.contextmanager
def model_lock(path: str | None):
    """Hold `path` (flock) while the real model may run: drafting scores each accepted candidate's
    fluency with the bundled model (the starters' texts once; the copies find the scores in the memo)."""
    if not path:
        yield
        return
    with open(path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def make_clinic(n: int, root: Path | None = None, *, model=None, lock: str | None = None,
                fluency: bool = False) -> Path:
    """A clinic of `n` drafted, checked and approved handouts: no generation (the drafting cache);
    fluency scores are stand-ins unless `fluency` (then the model scores, holding `lock`)."""
    from handouts import pipeline
    from handouts.service import Service
    from handouts.signoff.signoff import State

    root = make_skeleton(n, root)
    project, sheets = pipeline.load(root)
    if model is None and not fluency:
        model = stand_in_model(project)
    drafter = pipeline.make_drafter(project, model, progress=False)
    with model_lock(lock):
        stats = pipeline.draft(project, sheets, drafter)
        pipeline.draft(project, sheets, drafter)  # writes nothing: records that each draft is up to date
    if stats.model_calls:
        raise RuntimeError(f"the scale clinic made {stats.model_calls} model calls; the drafting cache missed")
    reports = pipeline.check(project, sheets)
    states = pipeline.statuses(project, sheets, reports)
    svc = Service(project, signer=bench_signer(project))
    for sheet in sheets:
        if states[sheet.id].state is State.AWAITING_REVIEW:
            snap = svc.load(sheet.id)
            svc.approve(sheet.id, REVIEWER, expected_content_sha256=snap.content_sha256,
                        acknowledged=[f.key for f in snap.to_acknowledge()])
        elif not states[sheet.id].is_publishable():
            raise RuntimeError(f"{sheet.id}: {states[sheet.id].state.value}: {states[sheet.id].reason}")
    return root


if __name__ == "__main__":  # python bench/scale.py N [ROOT]: make a clinic to profile
    import sys

    sys.path.insert(0, str(REPO))
    print(make_clinic(int(sys.argv[1]), Path(sys.argv[2]) if len(sys.argv) > 2 else None))


# -- the measurements (bench/run.py --scale) -------------------------------------------

def _env(**extra) -> dict:
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1", **extra)
    return env


def run(args: list[str], root: Path, **env) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KB of the largest process, exit code) of one command.
    Its CPU seconds (user + system, children included) are left in `last_cpu`."""
    global last_cpu
    t = time.perf_counter()
    proc = subprocess.Popen(args, cwd=root, env=_env(**env), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t
    last_cpu = usage.ru_utime + usage.ru_stime
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip()
    proc.stderr.close()
    if proc.returncode not in (0, 1) and err:
        print(f"    {' '.join(args[2:5])}: {err.splitlines()[-1]}", file=sys.stderr)
    return seconds, usage.ru_maxrss, proc.returncode


last_cpu = 0.0


def handouts(root: Path, *args: str, **env) -> tuple[float, int, int]:
    return run([sys.executable, "-m", "handouts", *args], root, **env)


def bare_mkdocs(root: Path) -> float:
    """A bare `mkdocs build` of the very docs folder the last build generated, same mkdocs.yml."""
    out = Path(tempfile.mkdtemp(prefix="handouts-bench-bare-"))
    try:
        seconds, _, code = run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out)], root)
        if code:
            raise RuntimeError(f"bare mkdocs build failed in {root} (exit {code})")
        return seconds
    finally:
        shutil.rmtree(out, ignore_errors=True)


def median(values) -> float:
    return statistics.median(values)


def _ok(result: tuple[float, int, int], what: str) -> tuple[float, int]:
    seconds, rss, code = result
    if code not in (0,):
        raise RuntimeError(f"{what} exited {code}")
    return seconds, rss


def _clean_release(root: Path) -> None:
    """Forget every release and rendered PDF: the next build is a first publish."""
    for path in (root / "site", root / "site.prev", root / ".handouts" / "pdf-cache",
                 root / ".handouts" / "releases", root / ".handouts" / "docs"):
        shutil.rmtree(path, ignore_errors=True)


def _change_one(root: Path, hid: str) -> str:
    """A clinician edit of one fact of `hid` (its text back to the clinician's own words): the last
    fact that differs, so no later fact's text depends on it (a term is explained at its first use)."""
    from handouts.sources.config import load_project
    from handouts.pipeline import read_draft

    d = read_draft(load_project(root), hid)
    fact = [f for f in d.facts() if f.text != f.source][-1]
    return fact.fact_id, fact.source


def measure(sizes=(3, 100, 300), repeat: int = 3, log=print, lock: str | None = None,
            fluency: bool = False) -> dict:
    """Every scale figure, each against a bare `mkdocs build` of the same site in the same run.
    `lock`: a file to hold (flock) while drafting may run the model (see model_lock)."""
    root = Path(tempfile.mkdtemp(prefix="handouts-scale-"))
    figures: dict = {"load_average_at_start": round(os.getloadavg()[0], 2), "sizes": {}}
    try:
        for n in sizes:
            t = time.perf_counter()
            make_clinic(n, root, lock=lock, fluency=fluency)
            log(f"  {n} handouts: clinic made in {time.perf_counter() - t:.0f} s")
            row: dict = {}
            if n == max(sizes):  # first publish: serial, then parallel PDF rendering
                for workers in ("1", "2"):
                    _clean_release(root)
                    seconds, rss = _ok(handouts(root, "build", "--quiet", HANDOUTS_PDF_WORKERS=workers),
                                       "first publish")
                    row[f"first_publish_{workers}_worker_seconds"] = round(seconds, 2)
                    row["first_publish_peak_rss_mb"] = round(rss / 1024, 1)
                    log(f"  first publish with {workers} PDF worker(s): {seconds:.1f} s")
                row["parallel_pdf_speedup"] = round(row["first_publish_1_worker_seconds"]
                                                    / row["first_publish_2_worker_seconds"], 2)
            else:
                _ok(handouts(root, "build", "--quiet"), "build")
            rebuild = median(_ok(handouts(root, "build", "--quiet"), "no-change rebuild")[0] for _ in range(repeat))
            bare = median(bare_mkdocs(root) for _ in range(repeat))
            row.update(no_change_rebuild_seconds=round(rebuild, 2), bare_mkdocs_seconds=round(bare, 2),
                       no_change_ratio=round(rebuild / bare, 2))
            log(f"  no-change rebuild {rebuild:.2f} s, bare mkdocs {bare:.2f} s: ratio {rebuild / bare:.2f}")
            if n == max(sizes):
                hid = handout_ids(n)[n // 2]
                fact_id, text = _change_one(root, hid)
                _ok(handouts(root, "edit", hid, fact_id, text, "--reviewer", REVIEWER), "edit")
                approve = _ok(handouts(root, "approve", hid, "--reviewer", REVIEWER, "--yes"), "approve")[0]
                approve_cpu = last_cpu
                seconds, rss = _ok(handouts(root, "build", "--quiet"), "one-changed rebuild")
                out = subprocess.run([sys.executable, "-m", "handouts", "status", "--json"], cwd=root, env=_env(),
                                     capture_output=True, text=True, check=True).stdout
                row["changed_handout_state"] = next(h["state"] for h in json.loads(out) if h["id"] == hid)
                bare_after = median(bare_mkdocs(root) for _ in range(repeat))  # the same site, now
                checks = [handouts(root, "check") for _ in range(repeat)]  # exit 1 if a handout fails
                check, check_cpu = median(c[0] for c in checks), last_cpu
                row.update(one_changed_rebuild_seconds=round(seconds, 2), bare_mkdocs_after_seconds=round(bare_after, 2),
                           one_changed_ratio=round(seconds / bare_after, 2), one_changed_peak_rss_mb=round(rss / 1024, 1),
                           approve_seconds=round(approve, 2), approve_cpu_seconds=round(approve_cpu, 2),
                           check_library_seconds=round(check, 2), check_library_cpu_seconds=round(check_cpu, 2))
                log(f"  one handout changed and re-approved: approve {approve:.2f} s (CPU {approve_cpu:.2f} s), "
                    f"rebuild {seconds:.2f} s vs bare {bare_after:.2f} s (ratio {seconds / bare_after:.2f}); "
                    f"check of the library {check:.2f} s (CPU {check_cpu:.2f} s)")
            figures["sizes"][n] = row
    finally:
        shutil.rmtree(root, ignore_errors=True)
    figures["load_average_at_end"] = round(os.getloadavg()[0], 2)
    return figures
