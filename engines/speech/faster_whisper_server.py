"""Quarry's faster-whisper recogniser: one long-lived process per worker process, driven by engines/speech/faster-whisper.ts.

    python faster_whisper_server.py --model DIR [--compute-type int8] [--threads 2]

Loads the CTranslate2 Whisper model once, prints {"event": "ready", ...}, then reads one JSON request a line on
stdin and answers each, one at a time:

    {"id": 1, "audio": "/tmp/x.f32", "language": "en" | null, "beam_size": 1, "word_timestamps": true}

`audio` is mono 16 kHz: raw little-endian float32 samples, or a WAV file (PCM16 or float32) when it ends in .wav.
While it works it prints {"id", "event": "segment", "segments", "end"} after each segment (heartbeats), then
{"id", "language", "segments": [{"start", "end", "text", "words": [{"word", "start", "end", "probability"}]}]}
(times in seconds of the audio), or {"id", "error"}. It exits when stdin closes.

Settings match Quarry's whisper.cpp call (engines/speech/whisper-cpp.ts): greedy with temperature fallback when
beam_size is 1 (best_of 1), else beam search; non-speech tokens suppressed; conditioned on the previous text; no
initial prompt; timestamps on; no VAD (Quarry's VAD runs before the recogniser).

Offline by construction: the model directory must hold tokenizer.json (faster-whisper otherwise calls
tokenizers.Tokenizer.from_pretrained, a Hugging Face download). `av` (its wheels bundle GPL x264/x265),
`onnxruntime` and `huggingface_hub` are never installed; stubs that raise on use stand in for them.
"""

import argparse
import importlib.util
import json
import os
import struct
import sys
import types


def _stub(name: str) -> None:
    if importlib.util.find_spec(name) is not None:
        return
    mod = types.ModuleType(name)

    def missing(attr: str):
        raise RuntimeError(f"{name}.{attr} is not available: Quarry's faster-whisper runs offline, on PCM")

    mod.__getattr__ = missing  # type: ignore[attr-defined]
    sys.modules[name] = mod


_stub("av")
_stub("onnxruntime")
_stub("huggingface_hub")

import numpy as np  # noqa: E402


def read_audio(path: str) -> np.ndarray:
    """Mono 16 kHz float32 samples from raw float32 or a WAV file (PCM16 or float32)."""
    if not path.endswith(".wav"):
        return np.fromfile(path, dtype="<f4").astype(np.float32)
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError(f"{path}: not a WAV file")
    pos, fmt, channels, rate, bits, body = 12, None, 0, 0, 0, None
    while pos + 8 <= len(data):
        cid, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        chunk = data[pos + 8 : pos + 8 + size]
        if cid == b"fmt ":
            fmt, channels, rate = struct.unpack("<HHI", chunk[:8])
            bits = struct.unpack("<H", chunk[14:16])[0]
            if fmt == 0xFFFE:  # WAVE_FORMAT_EXTENSIBLE: the sub-format's first two bytes
                fmt = struct.unpack("<H", chunk[24:26])[0]
        elif cid == b"data":
            body = chunk
        pos += 8 + size + (size & 1)
    if body is None or channels != 1 or rate != 16000:
        raise ValueError(f"{path}: need mono 16 kHz audio (got {channels} ch, {rate} Hz)")
    if fmt == 3 and bits == 32:
        return np.frombuffer(body, dtype="<f4").astype(np.float32)
    if fmt == 1 and bits == 16:
        return np.frombuffer(body, dtype="<i2").astype(np.float32) / 32768.0
    raise ValueError(f"{path}: unsupported WAV format {fmt}/{bits} bits")


def say(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def transcribe(model, req: dict) -> dict:
    audio = read_audio(req["audio"])
    beam = int(req.get("beam_size") or 1)
    language = req.get("language")
    segments, info = model.transcribe(
        audio,
        language=None if language in (None, "", "auto") else language,
        task="transcribe",
        beam_size=beam,
        best_of=1,
        condition_on_previous_text=True,
        suppress_tokens=[-1],
        without_timestamps=False,
        word_timestamps=bool(req.get("word_timestamps", True)),
        vad_filter=False,
    )
    out = []
    for s in segments:  # a generator: decoding happens here
        words = [
            {"word": w.word, "start": round(w.start, 3), "end": round(w.end, 3), "probability": round(w.probability, 4)}
            for w in (s.words or [])
        ]
        out.append({"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text, "words": words})
        say({"id": req["id"], "event": "segment", "segments": len(out), "end": round(s.end, 3)})
    return {"id": req["id"], "language": info.language, "segments": out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="CTranslate2 Whisper directory (model.bin, tokenizer.json)")
    ap.add_argument("--compute-type", default="int8")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    for f in ("model.bin", "config.json", "tokenizer.json"):
        if not os.path.isfile(os.path.join(a.model, f)):
            sys.exit(f"{a.model}/{f} is missing (without tokenizer.json faster-whisper would download one)")

    import ctranslate2
    import faster_whisper
    from faster_whisper import WhisperModel

    model = WhisperModel(a.model, device="cpu", compute_type=a.compute_type, cpu_threads=a.threads, num_workers=1)
    say(
        {
            "event": "ready",
            "faster_whisper": faster_whisper.__version__,
            "ctranslate2": ctranslate2.__version__,
            "compute_type": a.compute_type,
            "threads": a.threads,
        }
    )
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            say({"id": None, "error": f"request is not JSON: {e}"})
            continue
        try:
            say(transcribe(model, req))
        except Exception as e:  # one bad request never takes the process down
            say({"id": req.get("id"), "error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
