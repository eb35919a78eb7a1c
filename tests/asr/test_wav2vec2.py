"""A Hugging Face Wav2Vec2ForCTC checkpoint in a local folder plugs into the same decoder."""
import json

import numpy as np
import torch

from asr import Recognizer
from asr.recognizer import LM_CORPUS

from .conftest import speak


def _tiny_wav2vec2(folder):
    from transformers import Wav2Vec2Config, Wav2Vec2ForCTC

    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2, "<unk>": 3, "|": 4}
    vocab.update({c: i + 5 for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ'")})
    config = Wav2Vec2Config(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                            intermediate_size=64, conv_dim=(16, 16), conv_stride=(5, 4), conv_kernel=(10, 8),
                            num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2, pad_token_id=0,
                            do_stable_layer_norm=True, feat_extract_norm="layer")
    torch.manual_seed(0)
    model = Wav2Vec2ForCTC(config)
    with torch.no_grad():  # a head that prefers letters, so the decoder has words to find
        model.lm_head.bias[5:] += 4.0
    model.save_pretrained(folder)
    (folder / "vocab.json").write_text(json.dumps(vocab))
    (folder / LM_CORPUS).write_text("set a timer\nwhat time is it\nadd milk to my list\n")


def test_wav2vec2_folder_transcribes_through_the_lexicon_decoder(tmp_path):
    folder = tmp_path / "w2v"
    _tiny_wav2vec2(folder)
    recognizer = Recognizer.from_pretrained(folder)
    assert recognizer.acoustic.vocabulary.upper_case
    speak("what time is it", tmp_path / "q.wav")
    transcript = recognizer.transcribe(tmp_path / "q.wav")
    assert transcript.is_final
    # an untrained model says nothing useful, but only lexicon words can come out, in lower case
    assert set(transcript.text.split()) <= {"set", "a", "timer", "what", "time", "is", "it", "add", "milk",
                                             "to", "my", "list"}
    log_probs = recognizer.acoustic.log_probs(np.zeros(16000, np.float32))
    assert log_probs.shape == (49, 32) or log_probs.shape[1] == 32
