from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vivid_wan.engine import WanEngine  # noqa: E402
from vivid_wan.tiny_model import ensure_tiny_model  # noqa: E402


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # VIVID_TINY_WAN_DIR lets a run reuse the tiny model the TypeScript tests build.
    shared = os.environ.get("VIVID_TINY_WAN_DIR")
    return ensure_tiny_model(shared) if shared else ensure_tiny_model(tmp_path_factory.mktemp("models") / "tiny-wan")


@pytest.fixture(scope="session")
def engine(tiny_model_dir: Path) -> WanEngine:
    e = WanEngine(str(tiny_model_dir), device="cpu")
    e.load()
    return e


@pytest.fixture(scope="session")
def source_image(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("images") / "source.png"
    img = Image.new("RGB", (120, 80))
    for x in range(120):
        for y in range(80):
            img.putpixel((x, y), (x * 2, y * 3, 128))
    img.save(path)
    return path
