"""Transcribes WAV files with faster-whisper (CTranslate2) for bench/speech-engines.bench.ts.

    python faster-whisper.py --model DIR --compute-type int8 [--threads 2] [--no-word-timestamps] a.wav b.wav ...
    python faster-whisper.py --model DIR ... --warmup a.wav -    (paths on stdin, one a line, each answered at once)

Settings match Quarry's whisper.cpp call (engines/speech/speech-recognizer.ts): language en, greedy (beam 1,
best_of 1, temperature fallback), non-speech tokens suppressed, conditioned on the previous text, timestamps on,
word times and probabilities on (Quarry's word confidences need them), no VAD (Quarry's VAD runs outside the
recogniser), CPU, `cpu_threads` threads. The first second of the first file (or of --warmup) is transcribed once,
untimed, as a warm-up.

Prints one JSON object a line: {"event": "load", "seconds"}, {"event": "ready"} after the warm-up, then per file
{"file", "seconds", "audio_seconds", "text", "segments": [{"words": [[word, start, end, probability], ...]}]},
then {"event": "done", "peak_rss_mb"}.

Offline by construction: the model directory must hold model.bin, config.json and tokenizer.json (faster-whisper
otherwise calls tokenizers.Tokenizer.from_pretrained("openai/whisper-tiny"), a Hugging Face download). When `av`
(audio decoding; its wheels bundle GPL x264/x265) or `huggingface_hub` (model download) is not installed, a stub
that raises on use stands in: this script decodes WAV itself and never downloads.
"""

import argparse
import importlib.util
import json
import os
import resource
import struct
import sys
import time
import types


def _stub(name: str) -> None:
    if importlib.util.find_spec(name) is not None:
        return
    mod = types.ModuleType(name)

    def missing(attr: str):
        raise RuntimeError(f"{name}.{attr} is not available in this offline benchmark")

    mod.__getattr__ = missing  # type: ignore[attr-defined]
    sys.modules[name] = mod


_stub("av")
_stub("huggingface_hub")

import numpy as np  # noqa: E402
from faster_whisper import WhisperModel  # noqa: E402


def read_wav(path: str) -> np.ndarray:
    """Mono 16 kHz WAV, PCM16 or float32, to float32 samples."""
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


def transcribe(model: WhisperModel, audio: np.ndarray, word_timestamps: bool) -> dict:
    segments, _info = model.transcribe(
        audio,
        language="en",
        task="transcribe",
        beam_size=1,
        best_of=1,
        condition_on_previous_text=True,
        suppress_tokens=[-1],
        without_timestamps=False,
        word_timestamps=word_timestamps,
        vad_filter=False,
    )
    out = []
    for s in segments:  # a generator: decoding happens here
        words = [[w.word, round(w.start, 3), round(w.end, 3), round(w.probability, 4)] for w in (s.words or [])]
        out.append({"text": s.text, "start": round(s.start, 3), "end": round(s.end, 3), "words": words})
    return {"text": "".join(s["text"] for s in out).strip(), "segments": out}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True, help="CTranslate2 Whisper directory (model.bin, tokenizer.json)")
    ap.add_argument("--compute-type", default="int8")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-word-timestamps", action="store_true")
    ap.add_argument("--warmup", help="WAV whose first second is transcribed untimed (default: the first file)")
    ap.add_argument("files", nargs="+", help="WAV files, or - to read paths from stdin")
    a = ap.parse_args()
    for f in ("model.bin", "config.json", "tokenizer.json"):
        if not os.path.isfile(os.path.join(a.model, f)):
            sys.exit(f"{a.model}/{f} is missing (without tokenizer.json faster-whisper would download one)")

    import ctranslate2
    import faster_whisper

    word_ts = not a.no_word_timestamps
    t = time.perf_counter()
    model = WhisperModel(a.model, device="cpu", compute_type=a.compute_type, cpu_threads=a.threads, num_workers=1)
    load = time.perf_counter() - t
    print(
        json.dumps(
            {
                "event": "load",
                "seconds": round(load, 3),
                "faster_whisper": faster_whisper.__version__,
                "ctranslate2": ctranslate2.__version__,
                "compute_type": a.compute_type,
                "threads": a.threads,
                "word_timestamps": word_ts,
            }
        ),
        flush=True,
    )
    transcribe(model, read_wav(a.warmup or a.files[0])[:16000], word_ts)  # warm-up, untimed
    print(json.dumps({"event": "ready"}), flush=True)
    paths = (line.strip() for line in sys.stdin) if a.files == ["-"] else iter(a.files)
    for path in paths:
        if not path:
            break
        audio = read_wav(path)
        t = time.perf_counter()
        r = transcribe(model, audio, word_ts)
        secs = time.perf_counter() - t
        print(
            json.dumps({"file": path, "seconds": round(secs, 4), "audio_seconds": len(audio) / 16000, **r}),
            flush=True,
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"event": "done", "peak_rss_mb": peak}), flush=True)


if __name__ == "__main__":
    main()
