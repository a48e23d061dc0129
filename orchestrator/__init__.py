"""assetgen's orchestrator: the aiohttp service, the job worker, the ComfyUI client and the CLI."""
