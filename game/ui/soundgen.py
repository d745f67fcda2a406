"""The game's sound effects, synthesised with numpy so that they carry no licence but our own (CC0).

`python -m game.ui.soundgen assets/sounds` rewrites the WAV files in `assets/sounds`; the same seed
gives the same bytes, so the files in the repository can always be checked against this recipe.
"""

from __future__ import annotations

import io
import sys
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import numpy.typing as npt

from game.files import write_atomic

RATE = 22050
SEED = 1943
F64 = npt.NDArray[np.float64]


def _time(seconds: float) -> F64:
    return np.arange(int(RATE * seconds), dtype=np.float64) / RATE


def _lowpass(signal: F64, alpha: float) -> F64:
    """One-pole low-pass (alpha near 0: darker); a loop, but over a second of audio at most."""
    out = np.empty_like(signal)
    acc = 0.0
    for i, x in enumerate(signal.tolist()):
        acc += alpha * (x - acc)
        out[i] = acc
    return out


def counter_move(rng: np.random.Generator) -> F64:
    """A cardboard counter set down on a map: a short, dull knock."""
    t = _time(0.09)
    knock = np.sin(2 * np.pi * 180 * t) * np.exp(-t * 60)
    tap = _lowpass(rng.standard_normal(len(t)), 0.35) * np.exp(-t * 120)
    return 0.7 * knock + 0.6 * tap


def combat(rng: np.random.Generator) -> F64:
    """Distant artillery: a low boom and a rumble that dies away."""
    t = _time(0.9)
    boom = np.sin(2 * np.pi * (55 + 25 * np.exp(-t * 8)) * t) * np.exp(-t * 5)
    rumble = _lowpass(rng.standard_normal(len(t)), 0.06) * np.exp(-t * 3.5)
    crack = rng.standard_normal(len(t)) * np.exp(-t * 70)
    return 0.8 * boom + 2.2 * rumble + 0.25 * crack


def click(rng: np.random.Generator) -> F64:
    """A button press: a very short tick."""
    t = _time(0.03)
    return np.sin(2 * np.pi * 1400 * t) * np.exp(-t * 200) * 0.5


def new_turn(rng: np.random.Generator) -> F64:
    """Two soft bell tones: a new phase or turn begins."""
    t = _time(0.6)
    first = np.sin(2 * np.pi * 660 * t) * np.exp(-t * 6)
    second_t = np.clip(t - 0.16, 0.0, None)
    second = np.where(t >= 0.16, np.sin(2 * np.pi * 880 * second_t) * np.exp(-second_t * 6), 0.0)
    return 0.35 * (first + second)


def refused(rng: np.random.Generator) -> F64:
    """A low buzz: the action is not allowed."""
    t = _time(0.18)
    return 0.3 * np.sign(np.sin(2 * np.pi * 140 * t)) * np.exp(-t * 12)


SOUNDS: dict[str, Callable[[np.random.Generator], F64]] = {
    "move": counter_move,
    "combat": combat,
    "click": click,
    "turn": new_turn,
    "refused": refused,
}


def pcm16(signal: F64) -> bytes:
    """Normalise to 90 % of full scale with 5 ms fades at both ends, as 16-bit little-endian."""
    peak = float(np.max(np.abs(signal))) or 1.0
    scaled = signal / peak * 0.9
    fade = min(len(scaled) // 2, int(RATE * 0.005))
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        scaled[:fade] *= ramp
        scaled[-fade:] *= ramp[::-1]
    return (scaled * 32767).astype("<i2").tobytes()


def write_sounds(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for k, (name, make) in enumerate(SOUNDS.items()):
        rng = np.random.default_rng([SEED, k])
        path = directory / f"{name}.wav"
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(RATE)
            out.writeframes(pcm16(make(rng)))
        write_atomic(path, buffer.getvalue())
        written.append(path)
    return written


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    for p in write_sounds(Path(sys.argv[1] if len(sys.argv) > 1 else "assets/sounds")):
        print(p)
