"""`litassist ask`: cited answers, streamed or as JSON; `litassist conversations` lists them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from assistant.cli.app import app_from, cli, echo, echo_json
from assistant.cli.scope_options import scope_options
from assistant.errors import EndpointFailure, LitassistError
from assistant.text import clip, year_text

if TYPE_CHECKING:
    from assistant.types import Answer, Citation

OFFLINE_NOTICE = (
    "No LLM endpoint configured; answering in offline extractive mode. "
    "Set OPENAI_BASE_URL to use one."
)
QUOTE_CHARS = 160


def offline_hint(verb: str = "ask", thing: str = '"..."') -> str:
    """What to do after the LLM endpoint failed: the offline mode answers without it."""
    return f"For an offline answer now: `litassist {verb} --mode extractive {thing}`."


def _print_after(answer: Answer) -> None:
    """The query searched for a follow-up, the papers the answer cites (each with the sentence
    that best supports it and its badge: a quote and where it stands, or the check's verdict)
    and the flags."""
    from assistant.badges import source_badge  # here, not at the top: `--help` stays light

    if answer.standalone_query and answer.standalone_query != answer.question:
        echo(f"\nsearched as: {answer.standalone_query}")
    if answer.abstained and not answer.citations:
        titles = list(dict.fromkeys(s.paper.title for s in answer.sources))[:3]
        if titles:
            echo("\nNearest papers retrieved:")
            for title in titles:
                echo(f"  - {title}")
        return
    by_paper: dict[str, list[Citation]] = {}
    for citation in answer.citations:
        by_paper.setdefault(citation.paper_id, []).append(citation)
    papers = {s.paper.id: s.paper for s in answer.sources}
    if by_paper:
        echo("\nSources:")
    for paper_id, cites in by_paper.items():
        paper = papers[paper_id]
        cited = sorted({c.number for c in cites})
        numbers = ", ".join(str(n) for n in cited)
        best = max(cites, key=lambda c: c.support)
        echo(f"  [{numbers}] {paper.title} ({year_text(paper.year)})  {paper.id}")
        quote = clip(paper.abstract[best.start : best.end], QUOTE_CHARS)
        badges = "; ".join(dict.fromkeys(source_badge(answer, n).label for n in cited))
        echo(f'       "{quote}"  {badges}')
    others = len({s.paper.id for s in answer.sources} - set(by_paper))
    if others:
        echo(f"  ({others} more retrieved paper(s) not cited; --json lists every passage)")
    flagged = answer.unsupported_sentences
    if flagged or answer.invalid_markers:
        echo("\nCheck these:")
        for sentence in flagged:
            echo(f'  ! "{clip(sentence.text, 100)}": {sentence.note}')
        if answer.invalid_markers:
            echo(f"  ! citations to no source: {', '.join(answer.invalid_markers)}")


@cli.command()
@click.argument("question")
@click.option(
    "--mode",
    type=click.Choice(["auto", "llm", "extractive"]),
    help="llm: the configured endpoint; extractive: offline; auto (default): llm if configured.",
)
@click.option(
    "-k", "--passages", "k", type=click.IntRange(1, 100), help="Passages to retrieve (default 8)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the answer as JSON (no streaming).")
@click.option("--conversation", "conversation_ref", help="Continue this conversation (id).")
@click.option("--new", "new_conversation", is_flag=True, help="Start a new conversation (default).")
@scope_options
@click.pass_context
def ask(
    ctx: click.Context,
    question: str,
    mode: str | None,
    k: int | None,
    as_json: bool,
    conversation_ref: str | None,
    new_conversation: bool,
    year_from: int | None,
    year_to: int | None,
    paper_refs: tuple[str, ...],
    collections: tuple[str, ...],
    tags: tuple[str, ...],
) -> None:
    """Answer QUESTION from your papers, citing a source after each claim.

    Each answer is stored as a turn of a conversation (a new one unless --conversation ID);
    follow-up questions in a conversation are rewritten to stand on their own.
    """
    if not question.strip():
        raise LitassistError("The question is empty.")
    if conversation_ref and new_conversation:
        raise LitassistError("Give either --conversation ID or --new, not both.")
    from assistant.app import Scope, StoredAnswer
    from assistant.app.answers import require_endpoint
    from assistant.codec import answer_view
    from assistant.types import AnswerDelta

    with app_from(ctx, answer_mode=mode, k=k) as app:
        require_endpoint(app.settings)
        app.library.open()
        if app.settings.answer_mode == "auto" and not app.settings.llm_configured:
            echo(OFFLINE_NOTICE, err=True)
        scope = Scope(year_from, year_to, paper_refs, collections, tags)
        result: StoredAnswer | None = None
        streamed = False
        try:
            if as_json:
                result = app.answers.ask(question, conversation=conversation_ref, scope=scope)
            else:
                stream = app.answers.stream(question, conversation=conversation_ref, scope=scope)
                for item in stream:
                    if isinstance(item, AnswerDelta):
                        echo(item.text, nl=False)
                        streamed = True
                    else:
                        result = item
        except EndpointFailure as exc:
            if streamed:
                echo()
            raise LitassistError(f"{exc} {offline_hint()}") from exc
        if streamed:
            echo()
    assert result is not None  # the stream always ends with the stored answer
    if result.store_error:
        raise LitassistError(result.store_error)
    answer = result.answer
    if as_json:
        echo_json(answer_view(answer))
    else:
        _print_after(answer)
        cid = result.conversation_id
        echo(f"\nconversation {cid} (follow up with --conversation {cid})", err=True)
    if not answer.complete:
        error = answer.error or "The answer is incomplete."
        if answer.mode == "llm":
            error = f"{error} {offline_hint()}"
        raise LitassistError(error)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.pass_context
def conversations(ctx: click.Context, as_json: bool) -> None:
    """List stored conversations, most recent first."""
    with app_from(ctx) as app:
        rows = app.answers.conversations()
    if as_json:
        from assistant.codec import to_dict

        echo_json([to_dict(row) for row in rows])
        return
    if not rows:
        echo('No conversations yet; start one with `litassist ask "question"`.')
        return
    for row in rows:
        when = row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        echo(f"{row.id}  {when}  {row.turns:>3} turn(s)  {clip(row.title, 70)}")
