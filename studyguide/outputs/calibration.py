"""out/calibration.pdf: one duplex sheet whose marks tell the printer's back offset.

Not an output of a build: `python compile.py calibrate` writes it, for the paper, flip and back
offset the flashcards are set to use.
"""

from __future__ import annotations

from pathlib import Path

from .. import __version__
from ..config import ConfigError, Settings
from ..fonts import font_dir
from ..i18n import calibration_words
from ..layout import Layouts, Meta
from ..layout.calibration import calibration_html
from ..geometry.sheets import StockError, stock_for
from ..printing.finish import finish_calibration
from ..printing.pool import Job, Pool
from ..resources import LAYOUTS
from ..write import write_atomic
from . import identifier

FILE_NAME = "calibration.pdf"


def write_calibration(settings: Settings, language: str, out_dir: Path) -> Path:
    """Render the calibration sheet and write it into `out_dir`; returns the file's path."""
    options = settings.cards
    try:
        stock = stock_for(options)
    except StockError as exc:
        raise ConfigError(settings.source, exc.key, exc.message, exc.hint) from None
    fonts = font_dir()
    meta = Meta(title=calibration_words(language)["title"])
    html = calibration_html(Layouts(), stock, options.backs, language, meta,
                            lambda name: (fonts / name).resolve().as_uri())
    job = Job("calibration", html, str(out_dir.resolve()), (str(LAYOUTS), str(fonts)), identifier(html))
    with Pool(1) as pool:  # one small page: rendering here costs less than starting a worker
        rendered = pool.run([job])["calibration"]
    path = out_dir / FILE_NAME
    info = {"Title": meta.title, "Creator": f"studyguide {__version__}"}
    write_atomic(path, finish_calibration(rendered.pdf, info, language, options.flip))
    return path
