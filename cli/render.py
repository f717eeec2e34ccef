"""How commands show results: the tables and notes several commands print."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from cli.preamble import out


def print_replay_preview(preview: Any) -> None:
    if preview is None:
        out.print("(with DATABASE_URL set, a dry run also says what would be re-applied)")
        return
    scope = f"of the first {preview.read} read" if preview.truncated else f"of {preview.read}"
    classes = ", ".join(f"{name} {n}" for name, n in sorted(preview.dead_lettered.items()))
    again = f"{preview.dead_lettered_total} would be dead-lettered again"
    out.print(
        f"{scope}: {preview.reapplied} would be applied again (the per-job ordering guard "
        f"decides), {preview.skipped} already applied (the ledger skips them: nothing written "
        f"or embedded), {again}" + (f" ({classes})" if classes else ""),
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def replay_plan_table(plan: Any, reapply: bool) -> Table:
    title = f"replay plan: group {plan.group} on {plan.topic}" + (" (reapply)" if reapply else "")
    table = Table(title=title)
    for column in ("partition", "current offset", "new offset", "events to re-read"):
        table.add_column(column, justify="right")
    for move in plan.moves:
        current = move.current if move.current is not None else "-"
        table.add_row(str(move.partition), str(current), str(move.new), str(move.to_reread))
    return table


def search_table(query: str, mode: str, start: int, results: list[dict[str, Any]]) -> Table:
    """A page of search results: score, the job, and why it matched."""
    table = Table(title=f"“{query}”: {len(results)} jobs ({mode}, from {start + 1})")
    for column in ("score", "title", "company", "location", "remote", "salary", "why", "job"):
        table.add_column(column)
    for row in results:
        amounts = f"{row['salary_min'] or ''}-{row['salary_max'] or ''}"
        salary = f"{amounts} {row['salary_currency'] or ''}".strip(" -")
        why = row["why"]
        reason = ", ".join(why.get("matched_terms", []))
        if "semantic_score" in why:
            reason = (reason + f" ~{why['semantic_score']:.2f}").strip()
        if row.get("also_on_count"):
            reason += f" (+{row['also_on_count']} copies)"
        table.add_row(
            f"{row['score']:.4f}",
            row["title"],
            row["company"],
            row["location"] or "",
            row["remote"] or "",
            salary,
            reason,
            f"{row['source']}:{row['external_id']}",
        )
    return table
