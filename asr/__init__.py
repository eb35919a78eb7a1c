"""Speech recognition: a CTC model trained by this project (Whisper tiny.en's encoder fine-tuned,
or a Conformer from nothing), a lexicon + n-gram LM beam search, Silero VAD endpointing and
streaming partial results.

    recognizer = Recognizer.from_pretrained()      # resources/models/asr
    recognizer.transcribe("command.wav").text      # any rate, any channel count
"""
from .audio import AudioError, load_audio
from .recognizer import Recognizer, Transcript
from .vad import Endpointer, EndpointerOptions

__all__ = ["AudioError", "Endpointer", "EndpointerOptions", "Recognizer", "Transcript", "load_audio"]
