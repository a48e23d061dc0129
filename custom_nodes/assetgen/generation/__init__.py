"""Generating variants: checkpoint and LoRA policy, the prompt compiler, seeds, the generate plan,
workflow templates, variant metadata, model files and their hashes, ingest of ComfyUI's outputs,
spec recreation and prompt explanation.

May import the foundations and ``assetgen.imaging``; never specs, review, post, export, nodes or
the orchestrator (nothing here imports ComfyUI: the graph is JSON, the nodes adapt it).
"""
