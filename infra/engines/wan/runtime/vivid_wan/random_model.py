"""A Wan 2.1 I2V 14B-shaped pipeline with random weights, built in memory on the target device.

For timing only (`python -m vivid_wan.bench --random-14b`): the denoising arithmetic depends on
shapes, not on weight values, so a random transformer at the published config costs what the
real one costs per step. Nothing in the product loads it; it never touches the disk.

What is full size and what is not:
- the transformer: the published Wan2.1-I2V-14B-480P-Diffusers config (diffusers'
  scripts/convert_wan_to_diffusers.py, "Wan-I2V-14B-480p"), bf16, with diffusers'
  `_keep_in_fp32_modules` in fp32 as `from_pretrained(dtype=bf16)` leaves them;
- the VAE: `AutoencoderKLWan`'s defaults, which are the Wan 2.1 VAE (z_dim 16), fp32 as the engine loads it;
- the scheduler: UniPC with flow sigmas, as the published model folder configures it;
- the text and image encoders: small random ones with the real output widths (4096 for UMT5,
  1280 for CLIP) and the real token counts (512 text, 257 image tokens), so the transformer sees
  inputs of the real size. They run once per video, not per step: their real cost is left out.
"""

from __future__ import annotations

import math

# The published Wan2.1-I2V-14B transformer config (the 480P and 720P variants share it).
WAN21_I2V_14B_TRANSFORMER = {
    "patch_size": (1, 2, 2),
    "num_attention_heads": 40,
    "attention_head_dim": 128,
    "in_channels": 36,
    "out_channels": 16,
    "text_dim": 4096,
    "freq_dim": 256,
    "ffn_dim": 13824,
    "num_layers": 40,
    "cross_attn_norm": True,
    "qk_norm": "rms_norm_across_heads",
    "eps": 1e-6,
    "image_dim": 1280,
    "added_kv_proj_dim": 5120,
    "rope_max_seq_len": 1024,
}

SMALL_ENCODERS_NOTE = (
    "random weights; transformer and VAE at the Wan 2.1 I2V 14B config; text and image encoders small "
    "(real output widths and token counts, once per video): their load and run time is not the real one"
)


def build_transformer(device: str, dtype, config: dict | None = None):
    """The transformer with parameters created on the meta device, then materialized on `device`.

    accelerate's init_empty_weights keeps buffers (the RoPE tables) real, and creating 14B random
    numbers on the GPU takes seconds where a CPU init followed by a copy takes minutes.
    """
    import torch
    from accelerate import init_empty_weights
    from diffusers import WanTransformer3DModel

    with init_empty_weights():
        model = WanTransformer3DModel(**(config or WAN21_I2V_14B_TRANSFORMER))
    keep_fp32 = tuple(model._keep_in_fp32_modules or ())
    generator = torch.Generator(device=device).manual_seed(0)
    with torch.no_grad():
        for module_name, module in model.named_modules():
            for name, param in list(module.named_parameters(recurse=False)):
                full = f"{module_name}.{name}" if module_name else name
                wanted = torch.float32 if any(k in full.split(".") for k in keep_fp32) else dtype
                fresh = torch.empty(param.shape, dtype=wanted, device=device)
                _random_init(fresh, name, generator)
                module._parameters[name] = torch.nn.Parameter(fresh, requires_grad=False)
    model.to(device)
    return model.eval()


def _random_init(t, name: str, generator) -> None:
    # PyTorch's default Linear/Conv scale (uniform ±1/sqrt(fan_in)) keeps activations finite through 40 blocks.
    if name == "bias":
        t.zero_()
    elif t.ndim >= 2:
        bound = 1.0 / math.sqrt(max(1, t[0].numel()))
        t.uniform_(-bound, bound, generator=generator)
    elif name == "weight":
        t.fill_(1.0)
    else:
        t.normal_(0.0, 0.02, generator=generator)


def build_random_14b_pipeline(device: str, transformer_config: dict | None = None):
    """The whole pipeline on `device` (bf16 transformer on CUDA, fp32 on CPU), ready to render.

    `transformer_config` replaces the 14B one (tests on a CPU: same encoders and VAE, a smaller transformer).
    """
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanImageToVideoPipeline
    from transformers import CLIPImageProcessorPil, CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    from .tiny_model import build_tokenizer

    dtype = torch.bfloat16 if device.startswith("cuda") else torch.float32
    transformer = build_transformer(device, dtype, transformer_config)
    torch.manual_seed(0)
    vae = AutoencoderKLWan().to(device, torch.float32).eval()
    tokenizer = build_tokenizer()
    text_encoder = UMT5EncoderModel(
        UMT5Config(vocab_size=len(tokenizer), d_model=4096, d_kv=64, d_ff=256, num_layers=1, num_heads=8, is_encoder_decoder=False)
    )
    text_encoder = text_encoder.to(device, dtype).eval()
    # ViT-H/14's width and patch grid (224 / 14 → 256 patches + 1 class token), two layers instead of 32.
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(hidden_size=1280, intermediate_size=256, num_hidden_layers=2, num_attention_heads=16, image_size=224, patch_size=14)
    )
    image_encoder = image_encoder.to(device, torch.float32).eval()
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, num_train_timesteps=1000, flow_shift=3.0)
    pipe = WanImageToVideoPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        image_processor=CLIPImageProcessorPil(crop_size=224, size=224),
        image_encoder=image_encoder,
        transformer=transformer,
    )
    return pipe
