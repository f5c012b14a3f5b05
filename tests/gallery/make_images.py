"""Draw the gallery's pictures (small PNGs of several sizes and shapes): python make_images.py"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent / "content" / "images"

# name: (width, height, what is drawn)
PICTURES = {
    "shapes.png": (360, 160, "shapes"),      # wide: three shapes to name
    "tall-bar.png": (80, 400, "bars"),       # very tall and narrow
    "square.png": (200, 200, "grid"),        # square
    "banner.png": (900, 60, "stripes"),      # very wide and thin
    "tiny.png": (24, 24, "dot"),             # smaller than a line of text
    "photo.png": (640, 480, "gradient"),     # large, 4:3
}


def draw(width: int, height: int, kind: str) -> Image.Image:
    image = Image.new("RGB", (width, height), "white")
    pen = ImageDraw.Draw(image)
    if kind == "shapes":
        pen.rectangle((20, 30, 120, 130), outline="navy", width=4)
        pen.ellipse((140, 30, 240, 130), outline="darkred", width=4)
        pen.polygon([(300, 30), (250, 130), (350, 130)], outline="darkgreen", width=4)
    elif kind == "bars":
        for n, top in enumerate((40, 140, 260)):
            pen.rectangle((10 + 20 * n, top, 25 + 20 * n, height - 10), fill=("teal", "orange", "purple")[n])
    elif kind == "grid":
        for at in range(0, 200, 25):
            pen.line((at, 0, at, 199), fill="gray")
            pen.line((0, at, 199, at), fill="gray")
        pen.line((0, 199, 199, 0), fill="red", width=3)
    elif kind == "stripes":
        for at in range(0, width, 60):
            pen.rectangle((at, 0, at + 30, height), fill="steelblue")
    elif kind == "dot":
        pen.ellipse((4, 4, 20, 20), fill="black")
    else:
        for y in range(0, height, 8):
            pen.rectangle((0, y, width, y + 8), fill=(y * 255 // height, 120, 255 - y * 255 // height))
        pen.rectangle((200, 150, 440, 330), outline="white", width=6)
    return image


def main() -> None:
    HERE.mkdir(parents=True, exist_ok=True)
    for name, (width, height, kind) in PICTURES.items():
        draw(width, height, kind).convert("P", palette=Image.ADAPTIVE, colors=16).save(HERE / name, optimize=True)


if __name__ == "__main__":
    main()
