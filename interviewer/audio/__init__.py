"""Audio in and out: files, microphone capture with endpointing, voice activity, playback.

Heavy or device-touching imports (faster-whisper, sounddevice) happen inside functions, so
importing this package is cheap and works on machines without PortAudio.
"""

from .capture import (
    CapturedTurn,
    FrameInfo,
    MicrophoneRecorder,
    TurnDetector,
    input_available,
    require_input,
)
from .io import SAMPLE_RATE, audio_duration_s, load_audio, write_wav
from .playback import output_available, play, play_file
from .vad import VADParams, VADState, VoiceActivityDetector

__all__ = [
    "SAMPLE_RATE",
    "CapturedTurn",
    "FrameInfo",
    "MicrophoneRecorder",
    "TurnDetector",
    "VADParams",
    "VADState",
    "VoiceActivityDetector",
    "audio_duration_s",
    "input_available",
    "load_audio",
    "output_available",
    "play",
    "play_file",
    "require_input",
    "write_wav",
]
