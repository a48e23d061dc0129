"""``assetgen prompt explain``: the final prompts of a spec, the checkpoint, LoRAs, seeds and the trace."""

from __future__ import annotations

import argparse
from typing import Any

from assetgen.generation.prompt_explain import explain_prompt
from orchestrator.cli import CliContext


def register(sub: argparse._SubParsersAction) -> None:
    prompt = sub.add_parser("prompt", help="explain how a spec's prompt is compiled")
    verbs = prompt.add_subparsers(dest="verb", metavar="VERB", required=True)
    explain = verbs.add_parser("explain", help="final prompts, checkpoint, LoRA decisions, seeds and trace")
    explain.add_argument("project_id")
    explain.add_argument("spec_id")
    explain.add_argument("--checkpoint", help="explain for this checkpoint record (another prompt dialect)")
    explain.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    explain.set_defaults(handler=cmd_explain)


def cmd_explain(args: argparse.Namespace, ctx: CliContext) -> int:
    data = explain_prompt(ctx.store, args.project_id, args.spec_id, checkpoint_id=args.checkpoint)
    ctx.emit(data, lambda: format_explanation(data))
    return 0


def format_explanation(data: dict[str, Any]) -> str:
    """Human-readable explanation, one section per question."""
    ckpt, dialect = data["checkpoint"], data["dialect"]
    dialect_text = (
        f"{dialect['profileId']} v{dialect['version']}" if dialect else "none (no checkpoint profile)"
    )
    lines = [
        f"spec {data['specId']} (project {data['projectId']})",
        f"checkpoint: {ckpt['id']} -> {ckpt['file'] or '(not onboarded: no model file)'} ({ckpt['reason']})",
        f"prompt dialect: {dialect_text}",
        f"positive: {data['positive']}",
        f"negative: {data['negative']}",
        f"loras (mode {data['loraMode']}):",
    ]
    lines += [
        f"  {d['decision']:<7} {d['loraId']} [{d['code']}] {d['reason']}" for d in data["loraDecisions"]
    ] or ["  (no LoRA records)"]
    seeds = ", ".join(str(s) for s in data["seeds"])
    note = " (example: drawn anew and recorded when a job runs)" if data["seedsAreExamples"] else ""
    lines.append(f"seeds ({data['seedPolicy']}): {seeds}{note}")
    params = data["params"]
    lines.append(
        f"params: {params['width']}x{params['height']} px, {params['steps']} steps, cfg {params['cfg']}, "
        f"{params['sampler']}/{params['scheduler']}"
    )
    lines.append("trace (layer, source, fragment):")
    for fragment in data["trace"]:
        parts = [
            f"+ {fragment['positive']}" if fragment["positive"] else "",
            f"- {fragment['negative']}" if fragment["negative"] else "",
        ]
        lines.append(
            f"  {fragment['order']:>2}. {fragment['layer']:<16} {fragment['sourceId']:<24} {' | '.join(p for p in parts if p)}"
        )
    lines.append(f"prompt package hash: {data['promptPackageHash']}")
    lines += [f"warning: {warning}" for warning in data["warnings"]]
    return "\n".join(lines)
