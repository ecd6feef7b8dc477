"""Render a case's plain-text chart documents as faxed / scanned pages.

    python benchmarks/fax_render.py CASE_DIR OUT_CASE_DIR --kind png|tiff|pdf --noise mild

writes a new case folder: ``request.json`` and ``gold.json`` copied with ``case_id``
set to ``--case-id`` (default: the original id + ``-scan``), and every ``NAME.txt``
replaced by ``NAME.png`` / ``NAME.tif`` / ``NAME.pdf`` holding its pages at 200 dpi:

* a page is US Letter, 1-inch margins, one of the DejaVu / Liberation fonts at 10-12 pt
  (chosen per document from the seed), lines wrapped at spaces (never hyphenated);
* the page is drawn at 400 dpi, slightly rotated, brought down to the output dpi and
  degraded by the noise level (``mild``: +-0.6 degrees, light grain; ``medium``:
  +-1.5 degrees, blur, grain and specks; ``heavy``: +-3 degrees, fax "standard mode"
  98-lpi vertical resolution, heavy grain, specks, dropouts and streaks), then
  thresholded to 1 bit as a fax machine does (``--mode gray`` keeps 16 grey levels);
* ``png``: one 1-bit PNG per document (pages of a longer document are stacked into one
  tall strip, as on a fax roll); ``tiff``: a multi-page TIFF, CCITT G4; ``pdf``: an
  image-only PDF (no text layer), one G4 image per page.

Everything is seeded (``--seed``, default 0), so a rerun writes identical pages.

    python benchmarks/fax_render.py --corpus corpora/scanned

rebuilds every case listed in ``corpora/scanned/manifest.json`` (source folder relative
to the manifest, kind, noise, seed, new case id).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
FONTS = (
    "DejaVuSans.ttf", "LiberationSans-Regular.ttf", "LiberationSerif-Regular.ttf",
    "LiberationMono-Regular.ttf", "DejaVuSerif.ttf",
)
PAGE_INCHES = (8.5, 11.0)
SUPERSAMPLE = 2
EXTENSIONS = {"png": ".png", "tiff": ".tif", "pdf": ".pdf"}


@dataclass(frozen=True)
class Noise:
    """How badly a page is degraded."""

    max_angle: float     # degrees, uniform in [-max_angle, max_angle]
    grain: float         # sigma of Gaussian grain on 0-255
    blur: float          # Gaussian blur radius in output pixels before thresholding
    specks: float        # fraction of pixels turned into black specks
    dropouts: float      # fraction of pixels turned white (toner / line dropouts)
    threshold: tuple[int, int]  # thresholding range (lower: thinner strokes)
    standard_mode: bool  # fax standard resolution: half the vertical lines
    streaks: int         # max number of horizontal transmission streaks


NOISE = {
    "mild": Noise(0.6, 6.0, 0.0, 0.0002, 0.0, (140, 160), False, 0),
    "medium": Noise(1.5, 18.0, 0.5, 0.0015, 0.002, (125, 170), False, 1),
    "heavy": Noise(3.0, 30.0, 0.7, 0.004, 0.006, (115, 180), True, 3),
}


def font_path(name: str) -> Path:
    """Absolute path of one of the known fonts (fonts-dejavu-core / fonts-liberation)."""
    for folder in FONT_DIRS:
        if (folder / name).exists():
            return folder / name
    raise SystemExit(f"font {name} not found: run scripts/apt-deps.sh (fonts-dejavu-core, fonts-liberation)")


def wrap_lines(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` pixels, at spaces only."""
    out: list[str] = []
    for raw in text.replace("\t", "    ").replace("\r", "").split("\n"):
        line = ""
        for word in raw.split(" "):
            candidate = f"{line} {word}" if line else word
            if not line or font.getlength(candidate) <= width:
                line = candidate
                continue
            out.append(line)
            line = word
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return out


def layout(text: str, rng: random.Random, dpi: int) -> tuple[ImageFont.FreeTypeFont, list[list[str]], int]:
    """Pick a font and size, wrap the text and split it into pages of lines."""
    scale = dpi * SUPERSAMPLE
    font = ImageFont.truetype(str(font_path(rng.choice(FONTS))), round(rng.choice((10, 11, 12)) * scale / 72))
    width = (PAGE_INCHES[0] - 2) * scale
    line_h = round(font.size * 1.25)
    per_page = int((PAGE_INCHES[1] - 2) * scale // line_h)
    lines = wrap_lines(text, font, width)
    pages = [lines[i:i + per_page] for i in range(0, max(len(lines), 1), per_page)]
    return font, pages, line_h


def draw_page(lines: list[str], font: ImageFont.FreeTypeFont, line_h: int, dpi: int) -> Image.Image:
    """Draw lines on a white page at the supersampled resolution (grayscale)."""
    scale = dpi * SUPERSAMPLE
    size = (round(PAGE_INCHES[0] * scale), round(PAGE_INCHES[1] * scale))
    page = Image.new("L", size, 255)
    draw = ImageDraw.Draw(page)
    for i, line in enumerate(lines):
        draw.text((scale, scale + i * line_h), line, font=font, fill=0)
    return page


def degrade(page: Image.Image, noise: Noise, rng: random.Random, dpi: int, mode: str,
            angle: float | None = None) -> Image.Image:
    """Rotate, downsample, add grain / blur / specks and threshold like a fax machine."""
    if angle is None:
        angle = rng.uniform(-noise.max_angle, noise.max_angle)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
    w, h = round(PAGE_INCHES[0] * dpi), round(PAGE_INCHES[1] * dpi)
    page = page.resize((w, h), Image.Resampling.BOX)
    if noise.standard_mode:
        page = page.resize((w, h // 2), Image.Resampling.BOX).resize((w, h), Image.Resampling.NEAREST)
    if noise.blur:
        page = page.filter(ImageFilter.GaussianBlur(noise.blur))
    nrng = np.random.default_rng(rng.getrandbits(32))
    arr = np.asarray(page, dtype=np.float32)
    if noise.grain:
        arr = arr + nrng.normal(0.0, noise.grain, arr.shape)
    if mode == "gray":
        arr = np.round(np.clip(arr, 0, 255) / 17) * 17
    else:
        arr = np.where(arr < rng.randint(*noise.threshold), 0.0, 255.0)
    if noise.specks:
        arr[nrng.random(arr.shape) < noise.specks] = 0
    if noise.dropouts:
        arr[nrng.random(arr.shape) < noise.dropouts] = 255
    for _ in range(rng.randint(0, noise.streaks)):
        y = rng.randrange(h)
        arr[y:y + rng.randint(1, 2), :] = rng.choice((0, 255))
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "L")
    return out if mode == "gray" else out.convert("1", dither=Image.Dither.NONE)


def render_document(text: str, *, noise: str = "mild", seed: int = 0, dpi: int = 200, mode: str = "1bit",
                    name: str = "", one_angle: bool = False) -> list[tuple[Image.Image, str]]:
    """Render one document's text to degraded pages: (image in mode ``1`` or ``L``, the page's text).

    With ``one_angle`` every page gets the same skew (pages of one fax roll, stacked).
    """
    rng = random.Random(seed * 1_000_003 + zlib.crc32(name.encode()))
    font, pages, line_h = layout(text, rng, dpi)
    level = NOISE[noise]
    angle = rng.uniform(-level.max_angle, level.max_angle) if one_angle else None
    return [(degrade(draw_page(lines, font, line_h, dpi), level, rng, dpi, mode, angle), "\n".join(lines))
            for lines in pages]


def render_text(text: str, **kwargs: object) -> list[Image.Image]:
    """Render one document's text to degraded page images (see ``render_document``)."""
    return [image for image, _ in render_document(text, **kwargs)]  # type: ignore[arg-type]


def stack(pages: list[Image.Image], dpi: int) -> Image.Image:
    """Stack pages vertically into one strip (a fax roll), with a thin white gap."""
    if len(pages) == 1:
        return pages[0]
    gap = dpi // 4
    height = sum(p.height for p in pages) + gap * (len(pages) - 1)
    strip = Image.new(pages[0].mode, (pages[0].width, height), 255)
    y = 0
    for page in pages:
        strip.paste(page, (0, y))
        y += page.height + gap
    return strip


def save_pages(pages: list[Image.Image], out: Path, kind: str, dpi: int) -> None:
    """Write page images as a PNG strip, a multi-page G4 TIFF or an image-only PDF."""
    if kind == "png":
        stack(pages, dpi).save(out, optimize=True, dpi=(dpi, dpi))
    elif kind == "tiff":
        compression = "group4" if pages[0].mode == "1" else "tiff_deflate"
        pages[0].save(out, save_all=True, append_images=pages[1:], compression=compression, dpi=(dpi, dpi))
    elif kind == "pdf":
        fixed = time.gmtime(1_767_225_600)  # 2026-01-01: fixed dates, reproducible bytes
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi),
                      creationDate=fixed, modDate=fixed, producer="mednec fax_render")
    else:
        raise ValueError(kind)


def _with_id(src: Path, dst: Path, case_id: str) -> None:
    data = json.loads(src.read_text(encoding="utf-8"))
    data["case_id"] = case_id
    dst.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def render_case(case_dir: Path, out_dir: Path, *, kind: str, noise: str = "mild", seed: int = 0,
                dpi: int = 200, mode: str = "1bit", case_id: str | None = None) -> list[Path]:
    """Write the scanned version of one case folder; return the documents written."""
    request = json.loads((case_dir / "request.json").read_text(encoding="utf-8"))
    new_id = case_id or f"{request['case_id']}-scan"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    _with_id(case_dir / "request.json", out_dir / "request.json", new_id)
    if (case_dir / "gold.json").exists():
        _with_id(case_dir / "gold.json", out_dir / "gold.json", new_id)
    written = []
    for doc in sorted(case_dir.glob("*.txt")):
        text = doc.read_bytes().decode("utf-8", errors="replace")
        pages = render_text(text, noise=noise, seed=seed, dpi=dpi, mode=mode, name=doc.name,
                            one_angle=kind == "png")
        target = out_dir / (doc.stem + EXTENSIONS[kind])
        save_pages(pages, target, kind, dpi)
        written.append(target)
    return written


def build_corpus(folder: Path) -> int:
    """Rebuild every scanned case listed in ``folder/manifest.json``."""
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    for name, spec in sorted(manifest["cases"].items()):
        source = (folder / spec["source"]).resolve()
        if not (source / "request.json").is_file():
            print(f"{name}: source {source} not found, skipped", file=sys.stderr)
            continue
        written = render_case(source, folder / name, kind=spec["kind"], noise=spec["noise"],
                              seed=int(spec.get("seed", manifest.get("seed", 0))), case_id=spec["case_id"])
        size = sum(p.stat().st_size for p in written)
        print(f"{name}: {len(written)} documents ({spec['kind']}, {spec['noise']}), {size / 1024:.0f} KiB")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case_dir", type=Path, nargs="?")
    ap.add_argument("out_dir", type=Path, nargs="?")
    ap.add_argument("--corpus", type=Path, default=None,
                    help="rebuild the scanned corpus listed in this folder's manifest.json")
    ap.add_argument("--kind", choices=sorted(EXTENSIONS), default="png")
    ap.add_argument("--noise", choices=sorted(NOISE), default="mild")
    ap.add_argument("--mode", choices=("1bit", "gray"), default="1bit")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dpi", type=int, default=200)
    ap.add_argument("--case-id", default=None, help="case_id of the new case (default: original + '-scan')")
    args = ap.parse_args(argv)
    if args.corpus is not None:
        return build_corpus(args.corpus)
    if args.case_dir is None or args.out_dir is None:
        ap.error("CASE_DIR and OUT_CASE_DIR are required (or --corpus)")
    if not (args.case_dir / "request.json").is_file():
        print(f"{args.case_dir}: no request.json", file=sys.stderr)
        return 2
    written = render_case(args.case_dir, args.out_dir, kind=args.kind, noise=args.noise, seed=args.seed,
                          dpi=args.dpi, mode=args.mode, case_id=args.case_id)
    total = sum(p.stat().st_size for p in written)
    print(f"{args.out_dir}: {len(written)} documents, {total / 1024:.0f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
