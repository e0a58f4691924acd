"""Vivid Flow's Wan 2.1 image-to-video inference runtime (diffusers)."""
