"""``rupture evaluate``, ``rupture agreement`` and ``rupture cv``: the model against hand-coded 3RS labels,
coders against each other, and grouped cross-validation."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli._app import app, user_errors
from pipeline.cli.options import COLUMNS_HELP, INPUT_FORMAT_HELP, ROLES_HELP
from pipeline.readers.roles import parse_roles
from pipeline.readers.tabular import parse_columns

GOLD_HELP = (
    "Gold: turn-label CSV, utterance JSONL, segment or session sheet CSV, marker-span CSV, a folder of them, "
    "or a corpus folder (repeat --gold to combine; formats in data_schemas/gold_*.schema.json)."
)
TOLERANCE_HELP = "Seconds a predicted episode may lie before or after a gold one and still count as found."
BOOTSTRAP_HELP = "Bootstrap draws over sessions for 95% confidence intervals (0: none)."


def _read_options(input_format: str | None, roles: str | None, columns: str | None) -> dict:
    return {"input_format": input_format, "roles": parse_roles(roles), "columns": parse_columns(columns)}


def _emit(results: list, as_json: bool, report: Path | None, title: str) -> None:
    from pipeline.evaluate.table import format_result, format_side_by_side

    if as_json:
        data = [r.to_dict() for r in results]
        typer.echo(json.dumps(data[0] if len(data) == 1 else data, indent=2, ensure_ascii=False))
    else:
        for r in results:
            typer.echo(format_result(r) + "\n")
        if len(results) > 1:
            typer.echo(format_side_by_side(results))
    if report is not None:
        from pipeline.evaluate.report import write_report

        page = write_report(report, results, title)
        typer.echo(f"wrote {page}", err=True)


Opt = typer.Option
TranscriptsOpt = Annotated[list[str] | None, Opt("--transcripts", help="Transcripts (repeatable).")]
SplitOpt = Annotated[str | None, Opt("--split", help="Corpus split(s) of a corpus gold, e.g. test.")]
ToleranceOpt = Annotated[float, Opt("--tolerance", help=TOLERANCE_HELP)]
BootstrapOpt = Annotated[int, Opt("--bootstrap", help=BOOTSTRAP_HELP)]
SeedOpt = Annotated[int, Opt("--seed", help="Seed of the bootstrap.")]
JsonOpt = Annotated[bool, Opt("--json", help="Print JSON instead of the table.")]
ReportOpt = Annotated[
    Path | None, Opt("--report", help="Also write an HTML page with plots into this folder.")
]
FormatOpt = Annotated[str | None, Opt("--input-format", help=INPUT_FORMAT_HELP)]
RolesOpt = Annotated[str | None, Opt("--roles", help=ROLES_HELP)]
ColumnsOpt = Annotated[str | None, Opt("--columns", help=COLUMNS_HELP)]


@app.command("evaluate")
@user_errors
def evaluate_command(
    gold: Annotated[list[str], Opt("--gold", help=GOLD_HELP)],
    pred: Annotated[
        Path | None, Opt("--pred", help="An annotate output folder (utterances/, sessions/).")
    ] = None,
    model: Annotated[
        str | None, Opt("--model", help="Run this model (on --transcripts, or the gold).")
    ] = None,
    transcripts: TranscriptsOpt = None,
    split: SplitOpt = None,
    tolerance: ToleranceOpt = 60.0,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    input_format: FormatOpt = None,
    roles: RolesOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Score predictions against hand-coded gold: labels, ratings, episodes, with bootstrap CIs."""
    from pipeline.evaluate.run import run_evaluate

    res = run_evaluate(
        gold,
        pred,
        model,
        transcripts,
        split,
        tolerance,
        bootstrap,
        seed,
        _read_options(input_format, roles, columns),
    )
    _emit([res], as_json, report, "rupture evaluate")


@app.command("agreement")
@user_errors
def agreement_command(
    coder_a: Annotated[str, typer.Argument(help="Coder A's gold file or folder (any gold format).")],
    coder_b: Annotated[str, typer.Argument(help="Coder B's gold file or folder (any gold format).")],
    transcripts: TranscriptsOpt = None,
    pred: Annotated[
        Path | None, Opt("--pred", help="Also score this annotate output against each coder.")
    ] = None,
    split: SplitOpt = None,
    tolerance: ToleranceOpt = 60.0,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
    input_format: FormatOpt = None,
    roles: RolesOpt = None,
    columns: ColumnsOpt = None,
) -> None:
    """Agreement between two human coders (and, with --pred, the model beside them).

    Give --transcripts for role-restricted scores on turn sheets, and to lay marker spans over utterances.
    """
    from pipeline.evaluate.run import run_agreement

    results = run_agreement(
        coder_a,
        coder_b,
        transcripts,
        split,
        pred,
        tolerance,
        bootstrap,
        seed,
        _read_options(input_format, roles, columns),
    )
    _emit(results, as_json, report, "rupture agreement")


@app.command("cv")
@user_errors
def cv_command(
    corpus: Annotated[Path, Opt("--corpus", help="A corpus folder (sessions.jsonl + utterances/).")],
    folds: Annotated[int, Opt("--folds", help="Number of folds (grouped by patient, else session).")] = 5,
    config: Annotated[
        Path | None, Opt("--config", help="Training config (.toml/.json) for every fold.")
    ] = None,
    fast: Annotated[
        bool, Opt("--fast", help="A few epochs only: a smoke run, not figures to report.")
    ] = False,
    base_model: Annotated[
        str | None, Opt("--base-model", help="Base encoder folder (default: package).")
    ] = None,
    split: Annotated[
        str,
        Opt("--split", help="Splits to fold over (default keeps test out; 'all': every split)."),
    ] = "train,dev",
    work: Annotated[Path | None, Opt("--work", help="Keep the fold models in this folder.")] = None,
    device: Annotated[str, Opt("--device", help="cpu, cuda or auto.")] = "cpu",
    no_baselines: Annotated[
        bool, Opt("--no-baselines", help="Skip the TF-IDF and frozen-encoder baselines.")
    ] = False,
    bootstrap: BootstrapOpt = 1000,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
    report: ReportOpt = None,
) -> None:
    """Cross-validate: retrain the model per fold, grouped by patient; report the spread over folds."""
    from pipeline.evaluate.cv import format_cv, run_cv

    res = run_cv(
        corpus,
        folds,
        config,
        fast,
        base_model,
        split,
        work,
        bootstrap,
        seed,
        device,
        baselines=not no_baselines,
        progress=lambda line: typer.echo(line, err=True),
    )
    if as_json:
        typer.echo(json.dumps(res.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(format_cv(res))
    if report is not None:
        from pipeline.evaluate.report import write_report

        page = write_report(
            report, list(res.pooled.values()), "rupture cv (pooled out-of-fold)", format_cv(res)
        )
        typer.echo(f"wrote {page}", err=True)
