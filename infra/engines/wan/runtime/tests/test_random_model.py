from __future__ import annotations

import threading
from pathlib import Path

import pytest
import torch

from vivid_wan.engine import RenderParams, WanEngine
from vivid_wan.random_model import WAN21_I2V_14B_TRANSFORMER, build_random_14b_pipeline, build_transformer

# The 14B config's widths where the encoders meet the transformer (text 4096, image 1280), everything else small.
SMALL = {**WAN21_I2V_14B_TRANSFORMER, "num_attention_heads": 2, "attention_head_dim": 16, "ffn_dim": 32, "num_layers": 2, "added_kv_proj_dim": 32}


def test_the_full_size_config_is_the_published_14b_i2v_transformer() -> None:
    from accelerate import init_empty_weights
    from diffusers import WanTransformer3DModel

    with init_empty_weights():
        model = WanTransformer3DModel(**WAN21_I2V_14B_TRANSFORMER)
    c = model.config
    assert (c.num_attention_heads * c.attention_head_dim, c.num_layers, c.ffn_dim) == (5120, 40, 13824)
    assert (c.in_channels, c.out_channels, c.text_dim, c.image_dim, c.added_kv_proj_dim) == (36, 16, 4096, 1280, 5120)
    assert tuple(c.patch_size) == (1, 2, 2) and c.qk_norm == "rms_norm_across_heads" and c.cross_attn_norm and c.eps == 1e-6
    # 14B of the text-to-video model plus the image cross-attention's key/value projections.
    assert sum(p.numel() for p in model.parameters()) / 1e9 == pytest.approx(16.4, abs=0.1)


def test_the_transformer_is_materialized_on_the_device_in_its_working_dtypes() -> None:
    model = build_transformer("cpu", torch.bfloat16, SMALL)
    assert not any(p.is_meta for p in model.parameters()) and not any(b.is_meta for b in model.buffers())
    dtypes = {name: p.dtype for name, p in model.named_parameters()}
    assert dtypes["blocks.0.ffn.net.0.proj.weight"] == torch.bfloat16
    # The modules diffusers keeps in fp32 when loading bf16 weights.
    assert dtypes["scale_shift_table"] == dtypes["blocks.0.norm2.weight"] == torch.float32
    assert model.dtype == torch.bfloat16


def test_the_random_pipeline_renders_through_the_engine(source_image: Path, tmp_path: Path) -> None:
    engine = WanEngine("random-14b", device="cpu")
    engine.load(build=lambda device: build_random_14b_pipeline(device, transformer_config=SMALL))
    p = RenderParams.parse({"prompt": "a kite", "cfg": 5.0, "width": 32, "height": 32, "length": 5, "steps": 2, "seed": 1})
    result = engine.render(p, str(source_image), str(tmp_path), on_step=lambda *_: None, cancel=threading.Event())
    assert result.frames == 5 and Path(result.video).is_file()
    assert engine.pipe.vae.config.z_dim == 16 and engine.pipe.vae.config.base_dim == 96  # the real Wan VAE
