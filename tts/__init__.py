"""Speech synthesis: reply text -> spoken audio with a neural Piper voice (espeak-ng as fallback).

    from tts import Synthesizer, Player
    speech = Synthesizer().speak("Timer set for 10 minutes.")   # Speech(audio, sample_rate, ...)
    with Player() as player:
        player.play(Synthesizer().stream(long_reply))           # sentence by sentence
        player.wait()
"""
from .normalize import normalize
from .playback import Player
from .synthesizer import Synthesizer
from .types import PlaybackError, Speech, SynthesisOptions, TTSError, VoiceError, VoiceInfo
from .voices import list_voices, voices_dir

__all__ = [
           "PlaybackError",
           "Player",
           "Speech",
           "SynthesisOptions",
           "Synthesizer",
           "TTSError",
           "VoiceError",
           "VoiceInfo",
           "list_voices",
           "normalize",
           "voices_dir",
]
