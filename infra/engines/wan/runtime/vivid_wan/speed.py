"""Speed options for the Wan transformer. All off by default: the default is diffusers' exact computation.

Each option, what it does, and what it costs in quality:
- attention (`--attention NAME`, WAN_ATTENTION_BACKEND): the attention kernel, through diffusers'
  attention dispatcher (`ModelMixin.set_attention_backend`). `native` (default) is PyTorch SDPA;
  `_native_flash`, `_native_cudnn`, `_native_efficient`, `flash` (flash-attn 2), `_flash_3` (FA3),
  `xformers`, `flex` compute exact attention: no quality cost (float rounding only). `sage*`
  (SageAttention) quantizes Q·K to int8: a small quality loss. A backend whose package is not
  installed fails at load with diffusers' message.
- compile (`--compile`, WAN_COMPILE): `torch.compile` of each repeated transformer block
  (diffusers' `compile_repeated_blocks`). No quality cost. Costs a compile on the first render of
  each new size (minutes for the 14B model; the benchmark reports it as warm-up).
- fp8 (`--fp8`, WAN_FP8): the transformer blocks' linear layers in float8 (e4m3) with per-row
  scales for weights and activations (torchao `Float8DynamicActivationFloat8WeightConfig`), about
  half the transformer's memory and faster matmuls on CUDA GPUs with compute capability 8.9+
  (Ada, Hopper, Blackwell). A small quality loss: outputs are close to bf16 but not identical, fine
  detail can shift. Gains most with `--compile` (which fuses the activation quantization).
- step_cache (`--step-cache T`, WAN_STEP_CACHE): diffusers' First Block Cache (which builds on
  TeaCache): each step runs the first block, and when its output changed by less than T
  (relative mean absolute difference) since the last full step, the other 39 blocks are skipped
  and their last residual reused. A visible quality loss that grows with T: 0 is off, about 0.05
  keeps most detail, 0.1–0.2 skips far more steps and blurs motion and detail.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass

# Backends that compute attention approximately; every other dispatcher backend is exact.
APPROXIMATE_ATTENTION_PREFIXES = ("sage", "_sage")
FP8_MIN_CAPABILITY = (8, 9)


class SpeedOptionError(ValueError):
    """A speed option that cannot work here; the message says which and why."""


@dataclass(frozen=True)
class SpeedOptions:
    attention: str = "native"
    compile: bool = False
    fp8: bool = False
    step_cache: float = 0.0

    @property
    def exact(self) -> bool:
        """True when the video is what plain diffusers would make (up to float rounding)."""
        return not self.fp8 and self.step_cache == 0 and not self.attention.startswith(APPROXIMATE_ATTENTION_PREFIXES)

    def describe(self) -> dict:
        return {**asdict(self), "exact": self.exact}


def add_arguments(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--attention", default="native", help="diffusers attention backend (native: PyTorch SDPA)")
    ap.add_argument("--compile", action="store_true", help="torch.compile the repeated transformer blocks")
    ap.add_argument("--fp8", action="store_true", help="float8 weights and activations in the transformer blocks (CUDA sm89+)")
    ap.add_argument("--step-cache", type=float, default=0.0, help="First Block Cache threshold (0: off; ~0.05 mild)")


def from_args(args: argparse.Namespace) -> SpeedOptions:
    return SpeedOptions(attention=args.attention, compile=args.compile, fp8=args.fp8, step_cache=args.step_cache)


def check(options: SpeedOptions, device: str) -> None:
    """Refuses what cannot work on this device, before any weights are loaded."""
    from diffusers.models.attention_dispatch import AttentionBackendName

    names = sorted(b.value for b in AttentionBackendName)
    if options.attention not in names:
        raise SpeedOptionError(f"Unknown attention backend {options.attention!r}; diffusers knows: {', '.join(names)}.")
    if not 0 <= options.step_cache < 1:
        raise SpeedOptionError(f"The step cache threshold must be in [0, 1) (got {options.step_cache}); 0 turns it off.")
    if options.fp8:
        import torch

        if not device.startswith("cuda"):
            raise SpeedOptionError(f"FP8 needs a CUDA GPU of compute capability 8.9 or newer (Ada, Hopper, Blackwell); this runtime is on {device}.")
        capability = torch.cuda.get_device_capability(device)
        if capability < FP8_MIN_CAPABILITY:
            raise SpeedOptionError(
                f"FP8 needs a CUDA GPU of compute capability 8.9 or newer; {torch.cuda.get_device_name(device)} is {capability[0]}.{capability[1]}."
            )
        try:
            import torchao  # noqa: F401
        except ImportError as err:
            raise SpeedOptionError("FP8 needs torchao: .venv/bin/pip install -r infra/python/requirements-wan-fp8.txt") from err


def apply(pipe, options: SpeedOptions, device: str) -> None:
    """Applies the options to a loaded pipeline's transformer, in the order they compose."""
    check(options, device)
    transformer = pipe.transformer
    if options.fp8:
        import torch
        from torchao.quantization import Float8DynamicActivationFloat8WeightConfig, PerRow, quantize_

        # Only the blocks' linears: the embedders and the output projection are small and most sensitive.
        quantize_(
            transformer,
            Float8DynamicActivationFloat8WeightConfig(granularity=PerRow()),
            filter_fn=lambda module, fqn: fqn.startswith("blocks.") and isinstance(module, torch.nn.Linear),
        )
    if options.attention != "native":
        transformer.set_attention_backend(options.attention)
    if options.step_cache > 0:
        from diffusers import FirstBlockCacheConfig

        transformer.enable_cache(FirstBlockCacheConfig(threshold=options.step_cache))
    if options.compile:
        # The cache's skip decision is a graph break (torch.compiler.disable), so a full graph only without it.
        transformer.compile_repeated_blocks(fullgraph=options.step_cache == 0)


def reset_step_cache(pipe) -> None:
    """Forgets the cached residuals: a cancelled render leaves them behind (diffusers resets only at a call's end)."""
    transformer = pipe.transformer
    if getattr(transformer, "is_cache_enabled", False):
        transformer._reset_stateful_cache()


class BlockRunCounter:
    """Counts how often the last transformer block really ran: with the step cache, fewer times than forwards."""

    def __init__(self, pipe) -> None:
        self.full = 0
        # The block's own submodule runs only when the block is computed, not when the cache skips it.
        self._handle = pipe.transformer.blocks[-1].ffn.register_forward_hook(self._count)

    def _count(self, *_args) -> None:
        self.full += 1

    def close(self) -> None:
        self._handle.remove()
