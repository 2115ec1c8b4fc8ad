"""The command line: a thin click layer over handouts.pipeline.

Exit codes: 0 ok; 1 checks failed / not publishable; 2 usage; 3 invalid input;
4 model error; 5 sign-off or audit error; 6 publish error; 70 internal error.
Set HANDOUTS_DEBUG=1 to see a traceback for internal errors.
"""

from __future__ import annotations

import json
import os
import sys
import unicodedata
from dataclasses import asdict
from pathlib import Path

import click

from handouts import __version__, pipeline
from handouts.checks import format_report_table
from handouts.core.exceptions import HandoutsError, SignoffError
from handouts.core.text import table
from handouts.evaluate import evaluate, format_evaluation
from handouts.service import MEANING, UNAPPROVABLE, Service, check_verdict, plain_message, state_label
from handouts.signoff import audit, reviewers
from handouts.sources.config import load_project
from handouts.verify import verify_jsonl

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=".",
    show_default=True, help="Project folder (holds sources/, drafts/, site_config/).",
)
REVIEWER_OPTION = click.option(
    "--reviewer", default=None, metavar='"NAME, CREDENTIALS"',
    help="Who signs, as listed in signoffs/reviewers.yaml; needed only when ssh-agent holds several "
         "reviewers' keys. It must match the signing key.")
KEY_FILE_OPTION = click.option(
    "--key-file", type=click.Path(dir_okay=False, path_type=Path), default=None, envvar="HANDOUTS_SIGNING_KEY",
    help="Your private SSH key file (or set HANDOUTS_SIGNING_KEY); default: your key in ssh-agent.")
MODEL_OPTION = click.option(
    "--model", "model", default=None, metavar="PATH|URL",
    help="Use this GGUF file or OpenAI-compatible server instead of site_config's model.",
)


def _shown(text) -> str:
    """Text for the terminal: control, format and bidi characters are shown as escapes, never obeyed."""
    return "".join(c if unicodedata.category(c) not in ("Cc", "Cf", "Zl", "Zp") else
                   c.encode("unicode_escape").decode("ascii") for c in str(text))


def _table(rows: list[list[str]], header: list[str]) -> str:
    return table([[_shown(c) for c in r] for r in rows], header)


def _print_rows(rows) -> None:
    click.echo(_table([[r.id, r.state, r.grade, r.reason] for r in rows],
                      ["handout", "state", "grade", "reason"]))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="handouts")
def cli():
    """Plain-language patient handouts from clinician-written condition sheets.

    The model proposes, the checks dispose, the clinician signs.
    """


@cli.command()
@click.argument("folder", type=click.Path(path_type=Path))
def init(folder):
    """Start a new clinic in FOLDER: settings, an example sheet, mkdocs.yml.

    Writes site_config/clinic.yaml (every setting listed and explained), one
    example condition sheet (sources/hives.yaml), a standard Material for MkDocs
    mkdocs.yml, a .gitignore and an empty signoffs/. Templates, theme overrides
    and CSS ship with the package; put a file of the same name in site_config/
    to override one. Nothing is overwritten.

    \b
    Example:
        handouts init riverside-derm && cd riverside-derm && handouts build
    """
    from handouts.scaffold import init_clinic  # deferred for start-up: it loads jinja2 and nh3 (handouts.publish.render)

    for name in init_clinic(folder):
        click.echo(f"created {folder / name}")
    click.echo(f"\nNext: edit {folder / 'site_config' / 'clinic.yaml'} (clinic name, phone, site.url), "
               f"replace the example sheet in {folder / 'sources'}/, then run `handouts build` in {folder}.")
    click.echo('Set up the first reviewer there (it makes an SSH key): '
               'handouts reviewer add "Dana Reyes, MD, FAAD" --new-key')


@cli.command()
@ROOT_OPTION
@MODEL_OPTION
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--release", is_flag=True,
              help="A production release: refused (exit 3) unless site.url is the public address.")
def build(root, model, quiet, release):
    """Validate, draft what is missing or stale, check, and build the site.

    Only handouts with a valid clinician approval are published. Without a
    public site.url the site is a preview (no QR codes, no absolute links);
    `--release` refuses to publish one.

    \b
    Example:
        handouts build
        handouts build --release
        handouts build --model http://127.0.0.1:8080
    """
    result = pipeline.build(root, model=model, progress=not quiet, release=release)
    if result.unchanged:
        click.echo(f"nothing changed since release {result.unchanged[:12]}: site/ verified against "
                   "its manifest; no check, PDF or mkdocs run needed")
    s = result.stats
    click.echo(f"drafting: {s.facts} facts, {s.model_calls} model calls, "
               f"{s.tokens} tokens, {s.tokens_per_second:.1f} tok/s")
    _print_rows(result.rows)
    click.echo(f"site: {len(result.published)} handout(s) published to site/")
    for note in result.notes:
        click.echo(note)
    if result.error is not None:
        result.error.show()
        sys.exit(result.error.exit_code)


@cli.command()
@click.argument("ids", nargs=-1)
@ROOT_OPTION
@MODEL_OPTION
@click.option("--quiet", is_flag=True, help="No progress bar.")
def draft(ids, root, model, quiet):
    """Draft (or refresh) handouts from their sheets. All sheets are validated first.

    \b
    Example:
        handouts draft acne eczema
    """
    project, sheets = pipeline.load(root, list(ids) or None)
    drafter = pipeline.make_drafter(project, model, progress=not quiet)
    with pipeline.build_lock(project):
        stats = pipeline.draft(project, sheets, drafter)
        reports = pipeline.check(project, sheets)
    click.echo(f"drafted {len(sheets)} handout(s): {stats.facts} facts ({stats.describe_origins()}); "
               f"{stats.model_calls} model calls, {stats.tokens_per_second:.1f} tok/s")
    states = pipeline.statuses(project, sheets, reports)
    _print_rows(pipeline.rows(sheets, states, reports, set()))


@cli.command()
@click.argument("ids", nargs=-1)
@ROOT_OPTION
@click.option("--details", is_flag=True, help="Every handout's full report, not only those that fail.")
def check(ids, root, details):
    """Validate every sheet and run the checks on existing drafts. Never calls the model.

    Named handouts (or --details) get their full report each. The whole library
    gets one line per handout (checks, state, grade, findings) and the full report
    of each handout that fails its checks. Exits 1 if any handout fails its checks.

    \b
    Example:
        handouts check eczema
        handouts check --details
    """
    project, sheets = pipeline.load(root, list(ids) or None)
    drafts = {s.id: pipeline.read_draft(project, s.id) for s in sheets}
    reports = pipeline.check(project, sheets, drafts=drafts)
    states = pipeline.statuses(project, sheets, reports, drafts=drafts)
    live = pipeline.published_ids(project, states)
    failed = [s.id for s in sheets if s.id in reports and not reports[s.id].passed]
    if ids or details:
        for sheet in sheets:
            rep = reports.get(sheet.id)
            if rep is None:
                click.echo(f"{sheet.id}: no draft yet; run `handouts draft {sheet.id}`")
                continue
            click.echo(_report_text(rep, state_label(states[sheet.id], sheet.id in live)))
            click.echo()
        click.echo(f"{len(sheets)} sheet(s) valid.")
    else:
        click.echo(_table([_check_row(s.id, reports.get(s.id), state_label(states[s.id], s.id in live))
                           for s in sheets], ["handout", "checks", "state", "grade", "findings"]))
        for hid in failed:
            click.echo()
            click.echo(_report_text(reports[hid], state_label(states[hid], hid in live)))
        click.echo()
        click.echo(_check_summary(sheets, reports, failed))
    if failed:
        sys.exit(1)


@cli.command()
@ROOT_OPTION
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(root, as_json):
    """Show each handout's review state, reading grade and review dates."""
    project, sheets = pipeline.load(root)
    reports = pipeline.check(project, sheets, save=False)  # read-only
    states = pipeline.statuses(project, sheets, reports)
    live_ids = pipeline.published_ids(project, states)
    if as_json:
        out = []
        for s in sheets:
            st = states[s.id]
            a = st.approval
            live = s.id in live_ids
            out.append({
                "id": s.id, "state": state_label(st, live), "reason": st.reason,
                "publishable": st.is_publishable(), "review_flag": st.review_flag,
                "review_due": st.review_due.isoformat() if st.review_due else None,
                "grade": asdict(reports[s.id].grade) if s.id in reports else None,
                "origins": reports[s.id].origins if s.id in reports else {},
                "approval": None if a is None else {
                    "reviewer": a.reviewer, "credentials": a.credentials,
                    "signed_at": a.signed_at, "meaning": a.meaning, "content_sha256": a.content_sha256},
            })
        click.echo(json.dumps(out, indent=2))
        return
    table = []
    for r in pipeline.rows(sheets, states, reports, live_ids):
        st = states[r.id]
        table.append([r.id, r.state, r.grade, st.review_due.isoformat() if st.review_due else "", r.reason])
    click.echo(_table(table, ["handout", "state", "grade", "review due", "reason"]))


def _check_row(handout_id: str, report, state: str) -> list[str]:
    """One handout's line in `handouts check`: checks, state, grade and how many findings of each kind."""
    if report is None:
        return [handout_id, "no draft yet", state, "", f"run `handouts draft {handout_id}`"]
    counts = {}
    for f in report.findings:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    words = {"error": ("error", "errors"), "warning": ("warning", "warnings"),
             "acknowledge": ("to acknowledge", "to acknowledge")}
    found = ", ".join(f"{n} {words.get(sev, (sev, sev))[n != 1]}" for sev, n in sorted(
        counts.items(), key=lambda kv: ("error", "acknowledge", "warning").index(kv[0])
        if kv[0] in ("error", "acknowledge", "warning") else 3))
    if not report.grade.passed and report.grade.target is not None:
        found = ", ".join(x for x in (f"grade over {report.grade.target:g}", found) if x)
    return [handout_id, check_verdict(report), state, pipeline.grade_text(report), found]


def _check_summary(sheets, reports: dict, failed: list[str]) -> str:
    checked = [s.id for s in sheets if s.id in reports]
    warned = sum(1 for hid in checked if check_verdict(reports[hid]) == "passed with warnings")
    line = (f"{len(sheets)} sheet(s) valid; {len(checked)} draft(s) checked: {len(checked) - len(failed)} passed "
            f"({warned} with warnings), {len(failed)} failed")
    line += " (their reports above)." if failed else "."
    return line + "\n`handouts check ID` shows one handout's full report; `handouts check --details`, every one."


def _report_text(report, state: str) -> str:
    """The check report table, headed with the shared words: passed / passed with warnings / checks failed."""
    table = format_report_table(report).split("\n", 1)
    head = f"{report.id}: {check_verdict(report)}; state: {state}"
    return head + ("\n" + table[1] if len(table) > 1 else "")


def _content_text(draft) -> str:
    """Everything under the content hash, as the patient will read it: what an approval signs."""
    lines = [f"{draft.title} ({draft.id})"]
    lines.append("Also called: " + (", ".join(draft.also_called) if draft.also_called else "(none)"))
    lines += ["", "Summary", f"  {draft.summary.text}"]
    for sec in draft.sections:
        lines += ["", sec.heading]
        lines += [f"  - {f.text}" for f in sec.facts]
    lines += ["", "Words to know"]
    lines += [f"  {term}: {meaning}" for term, meaning in sorted(draft.glossary.items())] or ["  (none)"]
    lines += ["", "References"]
    lines += [f"  {i}. {r}" for i, r in enumerate(draft.references, 1)]
    return "\n".join(lines)


def _acknowledge(findings, given: list[str], what: str) -> list[str]:
    """Ask about each finding not acknowledged on the command line; Abort if one is declined."""
    keys = list(given)
    missing = [f for f in findings if f.key not in keys]
    if missing:
        click.echo(f"{what}: the checks found, in clinician-written text:")
        for f in findings:
            click.echo(f"  [{f.key}] {f.fact}: {plain_message(f)}")
    for f in missing:
        click.confirm(f"Acknowledge [{f.key}] ({f.fact}: {plain_message(f)}) as written?", abort=True)
        keys.append(f.key)
    return keys


def _service(project, reviewer: str | None, key_file):
    """The sign-off service, signing with the reviewer's key (--key-file, HANDOUTS_SIGNING_KEY or ssh-agent)."""
    return Service(project, signer=reviewers.find_signer(project, reviewer, key_file))


SHA_OPTION = click.option("--sha256", "expected", default=None, metavar="HASH",
                          help="Act only if the content's SHA-256 is still HASH (the text you read).")
ACK_OPTION = click.option("--acknowledge", "acks", multiple=True, metavar="KEY",
                          help="Acknowledge one finding on clinician-written text by its [key]; repeat for each. "
                               "Without it you are asked about each finding.")


@cli.command()
@click.argument("handout_id")
@ROOT_OPTION
@REVIEWER_OPTION
@KEY_FILE_OPTION
@SHA_OPTION
@ACK_OPTION
@click.option("--yes", is_flag=True, help='Confirm the meaning "approved for publication" without asking.')
def approve(handout_id, root, reviewer, key_file, expected, acks, yes):
    """Sign off a handout's exact text for publication.

    Prints everything that is signed (title, also-called names, summary,
    headings, every point, words to know, references) and its SHA-256, then
    asks you to acknowledge each finding on clinician-written text and to
    confirm the meaning. The approval binds to the text shown: if the draft
    changes before you confirm, nothing is signed. Machine text that fails its
    checks is never approved. The approval is signed with your SSH key (one
    listed in signoffs/reviewers.yaml): from --key-file, HANDOUTS_SIGNING_KEY or ssh-agent.

    \b
    Example:
        handouts approve acne
        handouts approve acne --key-file ~/.ssh/id_ed25519 --sha256 3f2a... --acknowledge 9c1e04b2aa --yes
    """
    project, _ = pipeline.load(root, [handout_id])
    svc = _service(project, reviewer, key_file)
    snap = svc.load(handout_id)
    if snap.draft is None:
        raise HandoutsError(f"{handout_id}: no draft to approve; run `handouts draft {handout_id}` first")
    acks = list(acks)
    if snap.status.state in UNAPPROVABLE or (
            expected and expected != snap.content_sha256):
        # refused before anything is asked: the service says why, in the same words as the page
        svc.approve(handout_id, reviewer, expected_content_sha256=expected or snap.content_sha256, acknowledged=acks)
    if not yes:
        click.echo(_content_text(snap.draft))
        click.echo(f"\nContent SHA-256: {snap.content_sha256}\n")
        if snap.report is not None:
            click.echo(_report_text(snap.report, state_label(snap.status, snap.published)))
        click.echo()
        acks = _acknowledge(snap.to_acknowledge(), acks, handout_id)
        click.echo(f'You are signing the text above, "{snap.draft.title}" ({snap.content_sha256[:12]}), '
                   f'with the meaning: "{MEANING}", as {svc.signer.reviewer.printed} '
                   f'(key {svc.signer.reviewer.fingerprint}).')
        click.confirm("Do you confirm?", abort=True)
    a = svc.approve(handout_id, reviewer, expected_content_sha256=expected or snap.content_sha256,
                    acknowledged=acks)
    click.echo(f"{handout_id}: approved by {a.reviewer}, {a.credentials} at {a.signed_at} "
               f"({a.meaning}); content {a.content_sha256[:12]}. Run `handouts build` to publish.")


@cli.command()
@click.argument("handout_id")
@click.argument("fact_id")
@click.argument("text")
@ROOT_OPTION
@REVIEWER_OPTION
@KEY_FILE_OPTION
@SHA_OPTION
@ACK_OPTION
def edit(handout_id, fact_id, text, root, reviewer, key_file, expected, acks):
    """Write one fact's patient text yourself (a clinician edit).

    Your text is checked against the fact. Each finding is listed with a [key];
    the text is saved once you acknowledge every one (here, or with
    --acknowledge KEY). The edit and the acknowledgements are logged, and any
    earlier approval no longer applies.

    \b
    Example:
        handouts edit acne summary "Acne is a common skin problem."
    """
    project, _ = pipeline.load(root, [handout_id])
    svc = _service(project, reviewer, key_file)
    result = svc.edit(handout_id, fact_id, text, reviewer, expected_content_sha256=expected, acknowledged=acks)
    if result.outcome == "needs acknowledgement":
        keys = _acknowledge(result.findings, list(acks), f"{handout_id}: {fact_id}")
        result = svc.edit(handout_id, fact_id, text, reviewer, expected_content_sha256=expected, acknowledged=keys)
    if result.outcome == "unchanged":
        click.echo(f"{handout_id}: {fact_id}: the text is unchanged; nothing was saved.")
        return
    if result.outcome != "saved":
        raise HandoutsError(f"{handout_id}: {fact_id}: not saved; acknowledge each finding")
    n = len(result.findings)
    click.echo(f"{handout_id}: {fact_id}: saved as a clinician edit" +
               (f" with {n} finding(s) acknowledged" if n else "") +
               "; logged. Any earlier approval no longer applies.")


@cli.command()
@click.argument("handout_id")
@ROOT_OPTION
@REVIEWER_OPTION
@KEY_FILE_OPTION
@click.option("--reason", required=True, help="What must change.")
@SHA_OPTION
def reject(handout_id, root, reviewer, key_file, reason, expected):
    """Request changes to a handout, signed with your key; the reason is kept with the draft."""
    project, _ = pipeline.load(root, [handout_id])
    svc = _service(project, reviewer, key_file)
    svc.reject(handout_id, reviewer, reason, expected_content_sha256=expected)
    click.echo(f"{handout_id}: changes requested by {svc.signer.reviewer.printed}: {_shown(' '.join(reason.split()))}")


@cli.command()
@click.argument("handout_id")
@ROOT_OPTION
@REVIEWER_OPTION
@KEY_FILE_OPTION
@click.option("--reason", required=True, help="Why it is retired.")
def retire(handout_id, root, reviewer, key_file, reason):
    """Withdraw a handout from the site for good, signed with your key; its history stays."""
    project, _ = pipeline.load(root, [handout_id])
    _service(project, reviewer, key_file).retire(handout_id, reviewer, reason)
    click.echo(f"{handout_id}: retired. Run `handouts build` to remove it from the site.")


@cli.group(name="reviewer")
def reviewer_group():
    """Authorised reviewers and their SSH keys (signoffs/reviewers.yaml)."""


@reviewer_group.command(name="add")
@click.argument("printed")
@ROOT_OPTION
@click.option("--key", "key", default=None, metavar="PUBLIC_KEY",
              help="The reviewer's SSH public key: a .pub file, or the key text 'ssh-ed25519 AAAA...'.")
@click.option("--new-key", "new_key", default=None, metavar="PATH", is_flag=False, flag_value="~/.ssh/handouts_ed25519",
              help="Make a new ed25519 key first (default ~/.ssh/handouts_ed25519; ssh-keygen asks for a passphrase).")
@click.option("--no-passphrase", is_flag=True,
              help="With --new-key: no passphrase (throwaway and CI keys only).")
def reviewer_add(printed, root, key, new_key, no_passphrase):
    """Authorise a reviewer: printed name, credentials and their SSH public key.

    \b
    Examples:
        handouts reviewer add "Dana Reyes, MD, FAAD" --key ~/.ssh/id_ed25519.pub
        handouts reviewer add "Dana Reyes, MD, FAAD" --new-key      # first setup: makes a key too
    """
    if (key is None) == (new_key is None):
        raise click.UsageError("give the reviewer's public key with --key FILE.pub, or --new-key to make one")
    project = load_project(root)
    reviewers.parse_printed(printed)  # a bad name is refused before a key is made
    made = None
    if new_key is not None:
        made = reviewers.make_key(Path(new_key).expanduser(), f"{printed} (handouts)",
                                  passphrase="" if no_passphrase else None)
        key = str(made) + ".pub"
    path = Path(key).expanduser()
    if path.is_file():
        key_text = path.read_text(encoding="utf-8", errors="replace")
    elif key.split()[0] in reviewers.KEY_TYPES:
        key_text = key
    else:
        raise SignoffError(f"--key {key}: no such file, and not a public key 'ssh-ed25519 AAAA...'")
    r = reviewers.add(project, printed, key_text)
    click.echo(f"added {r.printed} (id {r.id}, key {r.fingerprint}) to {reviewers.LIST_NAME}; commit it.")
    private = made or (path.with_suffix("") if path.suffix == ".pub" and path.with_suffix("").exists() else None)
    if private:
        click.echo(f"Sign with it: load it into ssh-agent (ssh-add {private}), or set HANDOUTS_SIGNING_KEY={private}")


@reviewer_group.command(name="list")
@ROOT_OPTION
def reviewer_list(root):
    """Print the authorised reviewers and their key fingerprints."""
    listed = reviewers.load(load_project(root))
    if not listed:
        click.echo(f"no reviewers listed in {reviewers.LIST_NAME}; add one with `handouts reviewer add`")
        return
    click.echo(_table([[r.id, r.printed, r.fingerprint] for r in listed], ["id", "reviewer", "key"]))


@reviewer_group.command(name="allowed-signers")
@ROOT_OPTION
def reviewer_allowed_signers(root):
    """Print the list as an OpenSSH allowed-signers file (for `ssh-keygen -Y verify`)."""
    click.echo(reviewers.allowed_signers(reviewers.load(load_project(root))), nl=False)



@cli.group(name="audit")
def audit_group():
    """The hash-chained audit log in signoffs/audit.jsonl."""


@audit_group.command(name="verify")
@ROOT_OPTION
@click.option("--since", "since", default=None, metavar="GIT_REF",
              help="Also require the log committed at GIT_REF (e.g. origin/main) to be the start of this one.")
def audit_verify(root, since):
    """Exit 5 and name the first bad line if the log was forged, edited, re-chained, back-dated or cut.

    Checks every signature against signoffs/reviewers.yaml. With --since, the log
    must extend the one committed at that git revision (for CI on pull requests).

    \b
    Example:
        handouts audit verify --since origin/main
    """
    project = load_project(root)
    problems = pipeline.verify_audit(project, full=True)  # every signature, no remembered checks
    if not problems and since:
        problems = audit.extends_git(project, since)
    if problems:
        raise SignoffError("\n".join(problems))
    click.echo("audit log OK" + (f"; it extends the log at {since}" if since else ""))


@audit_group.command(name="show")
@click.argument("handout_id")
@ROOT_OPTION
def audit_show(handout_id, root):
    """Print one handout's history."""
    for event in Service(load_project(root)).history(handout_id):
        click.echo("\n".join(_shown(line) for line in event.split("\n")))


@cli.command()
@ROOT_OPTION
@click.option("--port", default=8765, show_default=True, help="Port on 127.0.0.1.")
@REVIEWER_OPTION
@KEY_FILE_OPTION
def review(root, port, reviewer, key_file):
    """Start the review page on 127.0.0.1:PORT (local only); open the link it prints.

    Sign-offs made on the page are signed with --key-file (or HANDOUTS_SIGNING_KEY),
    or else with the key ssh-agent holds for the name typed on the page.
    """
    from handouts import review as review_page  # deferred for start-up: it loads jinja2
    project = load_project(root)
    signer = reviewers.find_signer(project, reviewer, key_file) if (key_file or reviewer) else None
    review_page.serve(project, port=port, signer=signer)


@cli.command()
@ROOT_OPTION
@click.option("--rollback", is_flag=True, required=True, help="Restore the previous release of site/.")
def publish(root, rollback):
    """Site releases: `handouts publish --rollback` restores the previous site."""
    path = pipeline.rollback(root)
    click.echo(f"restored the previous release into {path}")


@cli.command()
@click.option("--jsonl", "pairs", required=True, type=click.File("r", encoding="utf-8"),
              help="Lines of {\"source\": ..., \"candidate\": ..., \"section\": ...}; - for stdin.")
@click.option("-o", "--output", type=click.File("w", encoding="utf-8"), default="-",
              help="Where to write the judged lines (default stdout).")
def verify(pairs, output):
    """Judge source/candidate pairs with the faithfulness guard.

    Writes each line back with "accepted" and "reasons" added. Use it to try a
    new model or prompt before switching. A malformed line is reported with its
    line number on stderr, the others are still judged, and the exit code is 3.

    \b
    Example:
        handouts verify --jsonl pairs.jsonl -o judged.jsonl
    """
    errors: list = []
    total, accepted = verify_jsonl(pairs, output, err_stream=sys.stderr, errors=errors)
    click.echo(f"{accepted}/{total} accepted" + (f"; {len(errors)} bad line(s)" if errors else ""), err=True)
    if errors:
        sys.exit(3)


@cli.command(name="eval-model")
@click.argument("ids", nargs=-1)
@ROOT_OPTION
@MODEL_OPTION
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), default=None, metavar="DIR",
              help="Keep the drafts (and their provenance) in DIR to read them; deleted otherwise.")
def eval_model(ids, root, model, keep):
    """Draft sheets into a scratch folder and report how a model does.

    Prints tokens/s, acceptance rate per section, grade before and after, and
    the share of facts that fell back to the source. The scratch folder is
    deleted at the end unless --keep names one.

    \b
    Example:
        handouts eval-model --model /models/llama-3.1-8b.Q4_K_M.gguf acne eczema
        handouts eval-model --keep /tmp/eval acne
    """
    project, sheets = pipeline.load(root, list(ids) or None)
    click.echo(format_evaluation(evaluate(project, sheets, model, scratch=keep)))


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted; nothing was changed.", err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted; drafts on disk are unchanged and finished model output is kept for the next run.", err=True)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # never a traceback at a clinician
        if os.environ.get("HANDOUTS_DEBUG"):
            raise
        click.echo(f"internal error: {type(exc).__name__}: {exc} "
                   "(set HANDOUTS_DEBUG=1 for details and report it)", err=True)
        sys.exit(70)


if __name__ == "__main__":
    main()
