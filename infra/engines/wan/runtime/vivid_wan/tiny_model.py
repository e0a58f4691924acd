"""Builds a tiny random-weight Wan 2.1 I2V pipeline entirely offline and saves it to a folder.

Shapes follow diffusers' own fast test for WanImageToVideoPipeline; the T5 text encoder and its
tokenizer, which that test takes from a model hub, are built here from a config and a word list.
The weights are random: the videos it makes are noise, useful only to exercise the product.

    python -m vivid_wan.tiny_model OUT_DIR
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

MARKER = "vivid-tiny-model.json"
TINY_MODEL_VERSION = 3


def build_tokenizer():
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    special = ["<pad>", "</s>", "<unk>"]
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)] + [str(d) for d in range(10)]
    vocab = {tok: i for i, tok in enumerate(special + letters)}
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    # One token per character keeps the vocabulary tiny while every prompt still tokenizes.
    tok.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    tok.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", vocab["</s>"])])
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def build_pipeline():
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline, WanTransformer3DModel
    from transformers import CLIPImageProcessorPil, CLIPVisionConfig, CLIPVisionModel, UMT5Config, UMT5EncoderModel

    tokenizer = build_tokenizer()
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1, temperal_downsample=[False, True, True])
    torch.manual_seed(0)
    # The same classes as the real Wan 2.1 I2V checkpoint (UMT5 text encoder, CLIP vision encoder), tiny.
    text_encoder = UMT5EncoderModel(
        UMT5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4, is_encoder_decoder=False)
    )
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2),
        num_attention_heads=2,
        # The smallest head that still splits into Wan's three rotary parts (frames, height, width).
        attention_head_dim=6,
        in_channels=36,
        out_channels=16,
        text_dim=32,
        freq_dim=256,
        ffn_dim=32,
        num_layers=2,
        cross_attn_norm=True,
        qk_norm="rms_norm_across_heads",
        # Positions per axis: Wan's own 1024 covers every size the API accepts (1920 px is 120 patches).
        rope_max_seq_len=1024,
        image_dim=4,
    )
    torch.manual_seed(0)
    image_encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=4, projection_dim=4, num_hidden_layers=2, num_attention_heads=2, image_size=32, intermediate_size=16, patch_size=16
        )
    )
    image_processor = CLIPImageProcessorPil(crop_size=32, size=32)
    scheduler = FlowMatchEulerDiscreteScheduler(shift=3.0)
    return WanImageToVideoPipeline(
        tokenizer=tokenizer,
        text_encoder=text_encoder,
        vae=vae,
        scheduler=scheduler,
        image_processor=image_processor,
        image_encoder=image_encoder,
        transformer=transformer,
    )


def is_tiny_model(model_dir: str | os.PathLike[str]) -> bool:
    return (Path(model_dir) / MARKER).is_file()


def ensure_tiny_model(out_dir: str | os.PathLike[str]) -> Path:
    """Builds the tiny model into out_dir unless this version is already there; returns the folder."""
    out = Path(out_dir)
    marker = out / MARKER
    if marker.is_file() and json.loads(marker.read_text()).get("version") == TINY_MODEL_VERSION:
        return out
    tmp = out.with_name(out.name + f".tmp-{os.getpid()}")
    build_pipeline().save_pretrained(tmp)
    (tmp / MARKER).write_text(json.dumps({"version": TINY_MODEL_VERSION, "weights": "random", "development_model": True}))
    if out.exists():
        import shutil

        shutil.rmtree(out)
    tmp.rename(out)
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m vivid_wan.tiny_model OUT_DIR", file=sys.stderr)
        return 2
    print(ensure_tiny_model(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
