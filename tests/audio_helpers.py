"""Shared audio test helpers: espeak-ng speech and a virtual ALSA microphone.

The virtual mic is ALSA's ``file`` plugin: an ``ALSA_CONFIG_PATH`` file whose default PCM
reads capture data from a raw S16_LE 16 kHz mono file (``infile``) over a ``null`` slave.
After the file ends the null slave delivers zeros (silence). It is NOT paced in real time,
so a turn records in milliseconds and every duration must be counted in samples.

PortAudio reads the ALSA configuration when sounddevice is first imported, so code that
should see the virtual mic runs in a SUBPROCESS with the environment from
:func:`virtual_mic_env` (e.g. ``subprocess.run([...interviewer practice...], env=env)``).

Import from tests as ``from audio_helpers import synth_wav, virtual_mic_env``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from interviewer.audio.io import to_int16

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_SPEECH_DIR = REPO_ROOT.parent / "shared" / "data" / "speech"
SAMPLE_RATE = 16000


def synth_wav(
    text: str, path: str | os.PathLike[str], voice: str = "en-us", speed_wpm: int = 160
) -> Path:
    """Speak ``text`` with the espeak-ng command line into a WAV (22,050 Hz, as espeak writes)."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (apt-get install espeak-ng)")
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [exe, "-v", voice, "-s", str(speed_wpm), "-w", str(target), text],
        check=True,
        capture_output=True,
    )
    return target


def synth_samples(
    text: str, tmp_path: Path, voice: str = "en-us", speed_wpm: int = 160
) -> np.ndarray:
    """espeak-ng speech as 16 kHz mono float32."""
    from interviewer.audio.io import load_audio

    name = "synth_" + hashlib.sha1(f"{text}|{voice}|{speed_wpm}".encode()).hexdigest()[:12] + ".wav"
    return load_audio(synth_wav(text, tmp_path / name, voice, speed_wpm))


def silence(seconds: float, noise_dbfs: float | None = None, seed: int = 0) -> np.ndarray:
    """Digital silence, or low white noise at ``noise_dbfs`` RMS (float32, 16 kHz)."""
    n = int(round(seconds * SAMPLE_RATE))
    if noise_dbfs is None:
        return np.zeros(n, dtype=np.float32)
    rms = 10 ** (noise_dbfs / 20)
    return (np.random.default_rng(seed).standard_normal(n) * rms).astype(np.float32)


def write_raw_s16(samples: np.ndarray, path: str | os.PathLike[str]) -> Path:
    """Raw S16_LE mono (no header): what the ALSA file plugin's ``infile`` reads."""
    target = Path(path)
    data = samples if samples.dtype == np.int16 else to_int16(samples)
    target.write_bytes(data.astype("<i2").tobytes())
    return target


def virtual_mic_env(raw_or_wav_path: str | os.PathLike[str], tmp_path: Path) -> dict[str, str]:
    """Environment under which a subprocess's default capture device plays this file.

    ``raw_or_wav_path``: a ``.raw`` S16_LE 16 kHz mono file, or any audio file (decoded and
    converted to raw in ``tmp_path``).
    """
    source = Path(raw_or_wav_path)
    if source.suffix.lower() == ".raw":
        raw = source
    else:
        from interviewer.audio.io import load_audio

        raw = write_raw_s16(load_audio(source), tmp_path / f"{source.stem}.mic.raw")
    conf = tmp_path / f"{raw.stem}.asoundrc"
    # slave.pcm is defined inline: ALSA_CONFIG_PATH replaces the system alsa.conf, so the
    # stock "null" PCM does not exist here.
    conf.write_text(
        "pcm.!default {\n"
        "  type file\n"
        "  slave.pcm { type null }\n"
        '  file "/dev/null"\n'
        f'  infile "{raw.resolve()}"\n'
        '  format "raw"\n'
        "}\n"
    )
    env = _env_with_alsa_config(conf)
    env["INTERVIEWER_TEST_MIC_RAW"] = str(raw.resolve())  # read by tests only
    return env


def replace_mic_audio(raw_path: str | os.PathLike[str], samples: np.ndarray) -> Path:
    """Give the virtual mic new audio for its NEXT stream (e.g. the next turn).

    The ``file`` plugin opens ``infile`` each time a capture stream opens, so every turn
    (MicrophoneRecorder opens one stream per turn) reads the file from its start. Replacing
    the file between turns gives each turn its own answer. Atomic: an open stream keeps
    reading the old file.
    """
    target = Path(raw_path)
    tmp = target.with_name(target.name + ".tmp")
    write_raw_s16(samples, tmp)
    os.replace(tmp, target)
    return target


def mic_raw_path(env: dict[str, str]) -> Path:
    """The raw file a :func:`virtual_mic_env` environment's microphone reads."""
    return Path(env["INTERVIEWER_TEST_MIC_RAW"])


def no_mic_env(tmp_path: Path, playback_raw: Path | None = None) -> dict[str, str]:
    """Environment with a playback-only default device: speakers, but no microphone.

    Played audio is appended to ``playback_raw`` (raw S16_LE mono at each stream's rate;
    every stream's audio, one after another) when given, else goes to /dev/null.
    (An ALSA config with no devices at all makes PortAudio abort: use no_devices_env.)
    """
    # Every playback stream re-opens the sink; a pipe to ``cat >>`` appends instead of
    # truncating, so the file holds everything played, in order.
    sink = f"| cat >> '{playback_raw.resolve()}'" if playback_raw is not None else "/dev/null"
    conf = tmp_path / "speakers-only.asoundrc"
    # The plug layer fixes the sink's sample format (PortAudio would pick float32 otherwise).
    conf.write_text(
        "pcm.!default {\n"
        "  type asym\n"
        "  playback.pcm {\n"
        "    type plug\n"
        "    slave.format S16_LE\n"
        "    slave.pcm {\n"
        "      type file\n"
        "      slave.pcm { type null }\n"
        f'      file "{sink}"\n'
        '      format "raw"\n'
        "    }\n"
        "  }\n"
        "}\n"
    )
    return _env_with_alsa_config(conf)


def no_devices_env(tmp_path: Path) -> dict[str, str]:
    """Environment where ALSA's default PCM is a missing sound card: no devices at all."""
    conf = tmp_path / "no-card.asoundrc"
    conf.write_text("pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
    return _env_with_alsa_config(conf)


def run_python(
    env: dict[str, str], code: str, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (so PortAudio sees ``env``'s ALSA config);
    ``timeout`` only guards against a hang."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _env_with_alsa_config(conf: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["ALSA_CONFIG_PATH"] = str(conf)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    return env


# Runs in the subprocess: record one turn and report it as JSON on stdout.
_CAPTURE_SCRIPT = r"""
import json, sys
from interviewer.audio.capture import MicrophoneRecorder
from interviewer.audio.io import write_wav
from interviewer.errors import InterviewerError
from interviewer.turns.endpointing import EndpointConfig

args = json.loads(sys.argv[1])
states = []
def on_frame(info):
    states.append(info.state.value)
words = args.get("words")
try:
    rec = MicrophoneRecorder(endpoint=EndpointConfig(**args.get("endpoint", {})))
    turn = rec.record_turn(on_frame=on_frame, words_provider=(lambda: words) if words else None)
except InterviewerError as exc:
    print(json.dumps({"error": type(exc).__name__, "message": exc.message, "hint": exc.hint}))
    sys.exit(0)
write_wav(args["out_wav"], turn.samples, turn.sample_rate)
print(json.dumps({
    "ended_by": turn.ended_by, "speech_detected": turn.speech_detected,
    "speech_start_s": turn.speech_start_s, "speech_end_s": turn.speech_end_s,
    "duration_s": turn.duration_s, "dropped_frames": turn.dropped_frames,
    "states": sorted(set(states)), "frames": len(states),
}))
"""


def capture_in_subprocess(env: dict[str, str], out_wav: Path, **args: Any) -> dict[str, Any]:
    """Record one turn with MicrophoneRecorder in a subprocess under ``env``.

    Keyword args: ``endpoint`` (EndpointConfig fields), ``words`` (a fixed words-so-far
    string).
    Returns the turn summary, or ``{"error", "message", "hint"}`` for an InterviewerError.
    """
    payload = json.dumps({**args, "out_wav": str(out_wav)})
    proc = run_python(env, _CAPTURE_SCRIPT, payload)
    if proc.returncode != 0:
        raise AssertionError(f"capture subprocess failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def read_wav_int16(path: Path) -> np.ndarray:
    data, rate = sf.read(str(path), dtype="int16")
    assert rate == SAMPLE_RATE
    return data
