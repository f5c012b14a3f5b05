"""flashcards.apkg: the cards as an Anki package, one subdeck per chapter.

When a package is imported again, Anki finds each note by its guid and updates it if the
package's note is newer. The guid comes from the guide (see `guide_key`) and the card's chapter
and question number, never from its text. Each note's time is its own (see `note_times`): it
changes only when the note's fields do, so after one edited answer Anki updates that one note.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import warnings
import zipfile
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..fonts import subset, woff
from ..i18n import strings
from ..layout.content import highlight_css
from ..markdown import WORD_JOINER
from . import Context, Plan
from .keys import card_keys, chapter_keys, chapter_tags, epoch_seconds, guide_key, stable_int
from .media import image_files, media_name, replace_images
from .pages import guide_characters

if TYPE_CHECKING:  # genanki is imported when a package is made, not by every build
    import genanki

FILE_NAME = "flashcards.apkg"
# Cards are set in SG Sans, code in SG Mono; the serif face would add weight and show nothing.
ANKI_FACES = ("SG Sans", "SG Mono")
FIELDS = ("question", "answer", "number", "chapter_field")  # i18n keys of the note type's fields
TIMES_FILE = "anki-note-times.json"  # in the build's cache folder


def font_media(context: Context) -> dict[str, tuple[str, bytes]]:
    """Each face cut down to the guide's characters: font file → (media name, WOFF data).

    The name carries the data's hash: Anki keeps a media file it already has under the same
    name, so a subset that grew with the content must come under a new one.
    """
    characters = guide_characters(context)
    media = {}
    fonts = context.fonts
    for face in fonts.css_faces(ANKI_FACES) + ((fonts.emoji,) if fonts.emoji else ()):
        data = woff(subset(fonts.path(face), characters, face.index))
        stem = f"{face.family}-{face.weight}".lower().replace(" ", "-")
        # a leading underscore tells Anki the note type uses the file, though no note names it
        media[face.file] = (f"_studyguide-{stem}-{hashlib.sha256(data).hexdigest()[:10]}.woff", data)
    return media


def note_type(context: Context, font_names: dict[str, str]) -> genanki.Model:
    import genanki

    words = strings(context.language)
    names = {key: words[key] for key in FIELDS}

    def field(key: str) -> Markup:
        return Markup("{{" + names[key] + "}}")

    layouts = context.layouts
    css = layouts.stylesheet("fonts.css.j2", "typography.css", "anki.css", font_url=font_names.__getitem__,
                             faces=context.fonts.css_faces(ANKI_FACES))
    template = {
        "name": words["card_type"],
        "qfmt": layouts.render("anki-front.html.j2", field=field, words=words).strip(),
        "afmt": layouts.render("anki-back.html.j2", field=field, words=words).strip(),
    }
    key = guide_key(context.settings, context.views)
    return genanki.Model(stable_int("note type", key, context.language), f"{context.meta.title} · studyguide",
                         fields=[{"name": names[name]} for name in FIELDS], templates=[template],
                         css=str(css) + "\n" + highlight_css())


def decks(context: Context, model: genanki.Model) -> tuple[list[genanki.Deck], dict[str, bytes]]:
    """The guide's deck, a subdeck per chapter holding its notes, and the images they show."""
    import genanki

    key = guide_key(context.settings, context.views)
    title = context.meta.title.replace("::", ":")
    root = genanki.Deck(stable_int("deck", key), title, description=context.meta.subtitle or context.meta.course)
    result = [root]
    images: dict[str, bytes] = {}
    chapters = chapter_keys(context.views)
    cards = card_keys(context.views)
    due = itertools.count(1)  # new cards come up in the guide's order
    for chapter in context.views:
        name = f"{title}::{chapter.label} {chapter.title}".replace("\n", " ")
        deck = genanki.Deck(stable_int("deck", key, chapters[chapter.chapter.index]), name)
        tags = chapter_tags(chapter, context.language)
        for view in chapter.cards:
            card = view.card
            fields = []
            for html in (view.question, view.answer):
                for path in image_files(html):
                    images[media_name(path)] = path.read_bytes()
                # word joiners keep Korean words whole on paper; in Anki they would spoil searching
                fields.append(str(replace_images(html, media_name)).replace(WORD_JOINER, ""))
            fields += [card.label, f"{chapter.label} {chapter.title}"]
            guid = genanki.guid_for("studyguide", key, cards[(card.chapter_index, card.position)])
            deck.add_note(genanki.Note(model, fields, tags=tags, guid=guid, due=next(due)))
        result.append(deck)
    return result, images


def note_times(context: Context, all_decks: list[genanki.Deck], stamp: int) -> dict[str, int]:
    """Each note's modification time, by guid: the time it had in the last build if its fields
    are the same, else the build's date (and at least a second newer than before, so that Anki
    takes it as newer even under a fixed SOURCE_DATE_EPOCH). Kept in the build's cache folder;
    without it, every note has the build's date."""
    from ..write import write_atomic

    path = context.work_dir / TIMES_FILE
    try:
        known = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        known = {}
    times, record = {}, {}
    for deck in all_decks:
        for note in deck.notes:
            digest = hashlib.sha256("\x1f".join([*note.fields, *note.tags]).encode("utf-8")).hexdigest()[:32]
            before = known.get(note.guid) if isinstance(known, dict) else None
            if isinstance(before, list) and len(before) == 2 and isinstance(before[1], int):
                times[note.guid] = before[1] if before[0] == digest else max(stamp, before[1] + 1)
            else:
                times[note.guid] = stamp
            record[note.guid] = [digest, times[note.guid]]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(record, sort_keys=True).encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written: every note keeps the build's date next time too
    return times


def apkg_bytes(context: Context) -> bytes:
    fonts = font_media(context)
    model = note_type(context, {file: name for file, (name, _) in fonts.items()})
    all_decks, images = decks(context, model)
    media = {name: data for name, data in fonts.values()} | images
    stamp = epoch_seconds(context.meta)
    return package(all_decks, media, stamp, note_times(context, all_decks, stamp))


def write_collection(cursor: sqlite3.Cursor, all_decks: list[genanki.Deck], stamp: int,
                     times: dict[str, int] | None = None) -> None:
    """What genanki's Package.write_to_db does, with the decks and note types written once:
    genanki rewrites the collection's whole deck list for every deck, which takes seconds for
    a thousand chapters."""
    from genanki.apkg_col import APKG_COL
    from genanki.apkg_schema import APKG_SCHEMA

    cursor.executescript(APKG_SCHEMA)
    cursor.executescript(APKG_COL)
    decks = json.loads(cursor.execute("SELECT decks FROM col").fetchone()[0])
    models = json.loads(cursor.execute("SELECT models FROM col").fetchone()[0])
    for deck in all_decks:
        decks[str(deck.deck_id)] = deck.to_json()
        for note in deck.notes:
            models.setdefault(str(note.model.model_id), note.model.to_json(stamp, deck.deck_id))
    cursor.execute("UPDATE col SET decks = ?, models = ?", (json.dumps(decks), json.dumps(models)))
    ids = itertools.count(max(stamp, 1) * 1000)  # ids count up from the date, as Anki's own do
    with warnings.catch_warnings():
        # genanki warns about HTML it does not know; the fields are the renderer's own, escaped HTML
        warnings.simplefilter("ignore")
        for deck in all_decks:
            for note in deck.notes:
                note.write_to_db(cursor, (times or {}).get(note.guid, stamp), deck.deck_id, ids)


def package(all_decks: list[genanki.Deck], media: dict[str, bytes], stamp: int,
            times: dict[str, int] | None = None) -> bytes:
    """The .apkg: the collection as SQLite and the media, zipped with fixed dates and order."""
    connection = sqlite3.connect(":memory:")
    write_collection(connection.cursor(), all_decks, stamp, times)
    connection.commit()
    collection = connection.serialize()
    connection.close()

    when = datetime.fromtimestamp(max(stamp, 315532800), tz=timezone.utc).timetuple()[:6]  # zip dates start in 1980
    names = sorted(media)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

        add("collection.anki2", collection)
        add("media", json.dumps({str(number): name for number, name in enumerate(names)}, ensure_ascii=False))
        for number, name in enumerate(names):
            add(str(number), media[name])
    return out.getvalue()


def plan(context: Context) -> Plan:
    return Plan([], lambda rendered: {FILE_NAME: apkg_bytes(context)})
