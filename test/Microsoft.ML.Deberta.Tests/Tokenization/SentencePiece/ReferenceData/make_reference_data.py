#!/usr/bin/python3
"""Writes SentencePieceReferenceData.cs: encodings and decodings computed by the sentencepiece library itself.

Run with a Python that has sentencepiece 0.1.97 (Debian 12: `apt-get install python3-sentencepiece`, then
`/usr/bin/python3 make_reference_data.py`) from this folder. The outputs are the library's, never ours: the C# tests
compare SentencePieceUnigramModel against them.

Models: the golden DeBERTa-v3 test model (TestData/golden/tokenizer/deberta-v3/spm.model) and variants of it made by
appending protobuf fields to its bytes (a later field of a singular message is merged into the earlier one, a
repeated field appends), so each variant is described by a few hex bytes instead of a second copy of the model:
normaliser flags switched off, no character map, user-defined and unused pieces, byte fallback with 256 byte pieces,
whitespace as suffix, a custom unknown surface, a denormaliser.

Offsets are what the Python binding reports for EncodeAsImmutableProto: Unicode code point offsets into the text.
"""
import json
import os
import random
import sentencepiece as spm

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN_MODEL = os.path.join(HERE, "..", "..", "..", "TestData", "golden", "tokenizer", "deberta-v3", "spm.model")
OUTPUT = os.path.join(HERE, "SentencePieceReferenceData.cs")


# --- protobuf wire encoding -------------------------------------------------------------------------------------
def varint(n):
    out = bytearray()
    n &= (1 << 64) - 1
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field_varint(number, value):
    return varint(number << 3 | 0) + varint(value)


def field_bytes(number, payload):
    if isinstance(payload, str):
        payload = payload.encode("utf-8")
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def field_float(number, value):
    import struct
    return varint(number << 3 | 5) + struct.pack("<f", value)


def piece(text, score, type_):
    return field_bytes(1, field_bytes(1, text) + field_float(2, score) + field_varint(3, type_))


NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6


def trainer_spec(*fields):
    return field_bytes(2, b"".join(fields))


def normalizer_spec(*fields):
    return field_bytes(3, b"".join(fields))


golden = open(GOLDEN_MODEL, "rb").read()
golden_proto = spm.SentencePieceProcessor(model_proto=golden)
# The character map of the golden model, copied into a denormaliser spec below.
from sentencepiece import sentencepiece_model_pb2 as pb  # noqa: E402

mp = pb.ModelProto()
mp.ParseFromString(golden)
charsmap = mp.normalizer_spec.precompiled_charsmap

byte_pieces = b"".join(piece("<0x%02X>" % b, 0.0, BYTE) for b in range(256))
user_defined = piece("<ud>", 0.0, USER_DEFINED) + piece("ＡＢ", 0.0, USER_DEFINED) + piece("▁qq", 0.0, USER_DEFINED) \
    + piece("qq▁line", 0.0, USER_DEFINED)
unused = piece("▁xyzzy", -1.0, UNUSED) + piece("yzz", -1.5, UNUSED)

VARIANTS = [
    ("golden", b""),
    ("no_dummy_prefix", normalizer_spec(field_varint(3, 0))),
    ("keep_whitespace", normalizer_spec(field_varint(4, 0))),
    ("no_escape", normalizer_spec(field_varint(5, 0))),
    ("identity_normalizer", normalizer_spec(field_bytes(1, "identity"), field_bytes(2, b""))),
    ("user_defined", user_defined),
    ("unused", unused),
    ("byte_fallback", trainer_spec(field_varint(35, 1)) + byte_pieces),
    ("byte_fallback_user_defined_no_dummy", trainer_spec(field_varint(35, 1)) + byte_pieces + user_defined
     + normalizer_spec(field_varint(3, 0))),
    ("whitespace_suffix", trainer_spec(field_varint(24, 1))),
    ("unk_surface", trainer_spec(field_bytes(44, "<?>"))),
    # Placeholder: the test builds denormalizer_spec { precompiled_charsmap: <golden map>, flags } itself, so the
    # 240 kB map is not copied here (see DENORMALIZER_FLAGS).
    ("denormalizer", None),
]
DENORMALIZER_FLAGS = field_varint(3, 0) + field_varint(4, 0) + field_varint(5, 0)


def denormalizer_suffix():
    return field_bytes(5, field_bytes(2, charsmap) + DENORMALIZER_FLAGS)

# --- texts ------------------------------------------------------------------------------------------------------
FIXED_TEXTS = [
    "", " ", "   ", "\t\n\r", "a", " a ", "▁", "▁▁a", "a▁b", "a ▁ b", "ｶﾞｷﾞｸﾞ", "①②③ ⑩", "ﬃ ﬄ ﬅ", "𝐀𝐁𝐂 𝒳",
    "ǅ ǆ", "soft\u00adhyphen", "a\u0301 e\u0301\u0302", "Å Å", "\ufeffBOM", "\u3000ideographic\u3000space",
    "x\u2028y\u2029z", "line\r\nbreak", "🏳️‍🌈 flag", "\ufffd replacement", "ab\ufffdcd\ufffd", "\ufffd\U0001F44D x", "\x07", "a\x07b", "½ ¼ ¾", "ﷺ ﷻ", "K Å Ω",
    "한 한글", "x\u0000\u0001\u001f\u007f\u0080\u009fy", "\u200b\u200c\u200d\u2060\ufeff",
    "The GNU General Public License", "  multiple   spaces   inside  ", "qq line\nqq▁line qq",
    "<ud> user<ud>defined ＡＢ ＡＡＢＢ", "xyzzy yzz xyzzyx", "ⅰⅱⅲ Ⅻ", "™ © ®", "…‥", "ﾊﾟﾋﾟﾌﾟ", "ä ö ü ß ẞ",
    "\u0130stanbul \u0131", "Ａｂｃ１２３！？", "٣٤٥ ۴", "ͅ ι", "\U0001F600\U0001F601", "a\U000E0001b",
    "ab" * 40, "licence " * 30,
]

POOLS = [
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    " .,;:!?'\"()[]{}<>-_/\\@#$%^&*+=~`|",
    "    \t\n\r\u00a0\u2000\u2003\u3000\u200b\ufeff",
    "".join(chr(c) for c in list(range(0, 32)) + [127] + list(range(0x80, 0xA0))),
    "".join(chr(c) for c in range(0xFF01, 0xFF5F)),
    "".join(chr(c) for c in range(0xFB00, 0xFB07)),
    "".join(chr(c) for c in range(0x300, 0x370)),
    "àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿĀāĂăĄąĆćŒœŠšŸŽž",
    "αβγδεζηθικλμνξοπρστυφχψωΑΒΓΔ",
    "абвгдежзийклмнопрстуфхцчшщъыьэюяАБВГД",
    "日本語中文字符测试のテキストです한국어",
    "ｱｲｳｴｵｶｷｸｹｺﾞﾟ",
    "①②③④⑤⑥⑦⑧⑨⑩²³¹⁴ⅠⅡⅢⅣ½¼",
    "▁▁▁",
    "\U0001F44D\U0001F3FD\U0001F468\u200d\U0001F469\U0001F389\U0001D400\U0001D401\U00020000",
    "\ufffd\u2047",
]
WORDS = sorted(set(w for p in golden_proto.id_to_piece(list(range(4, golden_proto.get_piece_size())))
                   for w in [p.replace("▁", "")] if len(w) > 1))
EXTRA = ["<ud>", "ＡＢ", "qq", "qq▁line", "qq line", "xyzzy", "yzz", "license", "General", "Public"]


def random_text(rng):
    parts = []
    for _ in range(rng.randint(1, 14)):
        r = rng.random()
        if r < 0.35:
            parts.append(rng.choice(WORDS))
        elif r < 0.45:
            parts.append(rng.choice(EXTRA))
        elif r < 0.65:
            parts.append(" " * rng.randint(1, 3))
        else:
            pool = rng.choice(POOLS)
            parts.append("".join(rng.choice(pool) for _ in range(rng.randint(1, 6))))
    return "".join(parts)


def escape_invisible(payload):
    """Keeps readable characters as they are; writes as \\uXXXX those a C# source file or a reviewer would not
    see or would read as a line break (controls, format characters, separators, surrogates, private use)."""
    import unicodedata
    out = []
    for ch in payload:
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp") or (cat == "Zs" and ch != " ") or ch in "\u0085\ufffd":
            if ord(ch) > 0xFFFF:
                v = ord(ch) - 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF)))
            else:
                out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return "".join(out)


def encode(sp, text):
    proto = sp.encode_as_immutable_proto(text)
    return {
        "text": text,
        "ids": [p.id for p in proto.pieces],
        "pieces": [p.piece for p in proto.pieces],
        "offsets": [[p.begin, p.end] for p in proto.pieces],
        "decoded": sp.decode_ids([p.id for p in proto.pieces]),
    }


def main():
    rng = random.Random(20240607)
    variants = []
    for name, suffix in VARIANTS:
        sp = spm.SentencePieceProcessor(model_proto=golden + (suffix if suffix is not None else denormalizer_suffix()))
        fixed = FIXED_TEXTS if name == "golden" else FIXED_TEXTS[:-2]
        texts = list(fixed) + [random_text(rng) for _ in range(120 if name == "golden" else 15)]
        cases = [encode(sp, t) for t in texts]
        n = sp.get_piece_size()
        id_lists = [[rng.randrange(n) for _ in range(rng.randint(0, 12))] for _ in range(30)]
        if name.startswith("byte_fallback"):
            first_byte = sp.piece_to_id("<0x00>")
            id_lists += [[first_byte + rng.randrange(256) for _ in range(rng.randint(1, 6))] for _ in range(30)]
            id_lists += [[first_byte + b for b in "é€😀".encode("utf-8")] + [sp.piece_to_id("▁the")]]
        decodes = [{"ids": ids, "decoded": sp.decode_ids(ids)} for ids in id_lists]
        decodes.append({"ids": [sp.unk_id(), sp.unk_id()], "decoded": sp.decode_ids([sp.unk_id(), sp.unk_id()])})
        variants.append({
            "name": name,
            "append_hex": suffix.hex() if suffix is not None else "",
            "denormalizer_flags_hex": DENORMALIZER_FLAGS.hex() if suffix is None else None,
            "piece_count": n,
            "unk_id": sp.unk_id(), "bos_id": sp.bos_id(), "eos_id": sp.eos_id(), "pad_id": sp.pad_id(),
            "cases": cases,
            "decodes": decodes,
        })
    data = {
        "source": "sentencepiece %s (Python binding), make_reference_data.py" % spm.__version__,
        "variants": variants,
    }
    payload = escape_invisible(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    assert '"""""' not in payload
    with open(OUTPUT, "w", encoding="utf-8") as f:
        f.write("// <auto-generated>\n// Written by make_reference_data.py from the outputs of the sentencepiece library "
                "(%s); do not edit.\n// </auto-generated>\n" % spm.__version__)
        f.write("namespace Microsoft.ML.Deberta.Tests.Tokenization.SentencePiece;\n\n")
        f.write("internal static class SentencePieceReferenceData\n{\n")
        f.write("    /// <summary>Encodings and decodings by sentencepiece of the golden model and its variants (JSON).</summary>\n")
        f.write('    public const string Json = """""\n')
        # Raw string literal: break the single JSON line into lines at case boundaries for reviewable diffs.
        f.write(payload.replace('},{"text"', '},\n{"text"').replace('},{"ids"', '},\n{"ids"'))
        f.write('\n""""";\n}\n')
    print("wrote", OUTPUT, len(payload), "bytes;", sum(len(v["cases"]) for v in variants), "encodings,",
          sum(len(v["decodes"]) for v in variants), "decodings")


main()
