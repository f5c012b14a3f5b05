"""Cards moved on rendered sheets, so that a flip, a back offset or a gap between the cards needs
no card laid out again.

The sheets are rendered with their cards in one arrangement (the backs as for a long-edge flip with
no offset, geometry.drawings.LAID_OUT_AS; every card as on a grid with no gap) and then each card
is moved, whole, to where the asked flip, offset and gap put it. WeasyPrint draws each
positioned box in a `q … Q` block of its own, in document order, in the page's stacking context:
a card side is the block that paints its background (a rectangle filling the card) and the blocks
after it up to the next card's (its body, positioned too). Each card's blocks are wrapped in
`q 1 0 0 1 dx dy cm … Q`; link rectangles and named destinations move with their card. The cut
guides are not on these pages: they are drawn over the sheets, where they go, when the sheets are
joined. Nothing is drawn twice, so the text layer keeps each character once.

Whatever does not look exactly like that (another count or order of cards, text outside its card,
a link outside every card or to a place in the document) is not moved: `move_cards` answers None
and the sheets are rendered in their places instead.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

MM_TO_PT = 72 / 25.4
CLOSE_PT = 0.01  # a card's background rectangle matches its place within this
INSIDE_PT = 1.0  # text starts inside its card, within this


@dataclass(frozen=True)
class CardMove:
    x_mm: float  # the card's rectangle as rendered
    y_mm: float
    width_mm: float
    height_mm: float
    dx_mm: float  # and how far it moves, right and down
    dy_mm: float
    ink: tuple[float, float, float] | None = None  # its label's colour now (see PageMove.ink_from)


@dataclass(frozen=True)
class PageMove:
    page: int  # 0-based, in the rendered PDF
    cards: tuple[CardMove, ...]  # in document order
    # the colour each card's label was rendered in: the first fill colour of that value drawn in a
    # card after its background becomes the card's `ink` (the chapter's colour, for --band)
    ink_from: tuple[float, float, float] | None = None


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _times(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF concatenates: a point p goes to p·m·n."""
    return (m[0] * n[0] + m[1] * n[2], m[0] * n[1] + m[1] * n[3], m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3], m[4] * n[0] + m[5] * n[2] + n[4], m[4] * n[1] + m[5] * n[3] + n[5])


def _point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return x * m[0] + y * m[2] + m[4], x * m[1] + y * m[3] + m[5]


class _Unexpected(Exception):
    """The page is not drawn as this module expects: it is rendered in place instead."""


@dataclass
class _Block:
    start: int  # index of its q
    end: int  # index of its Q
    ctm: Matrix  # at its q
    children: list


def _blocks(ops) -> list[_Block]:
    """The top-level q … Q blocks of `ops`, each with its nested blocks and the matrix at its start."""
    top: list[_Block] = []
    stack: list[tuple[_Block | None, Matrix]] = [(None, IDENTITY)]
    for index, (operands, operator) in enumerate(ops):
        name = str(operator)
        parent, ctm = stack[-1]
        if name == "q":
            block = _Block(index, -1, ctm, [])
            (parent.children if parent else top).append(block)
            stack.append((block, ctm))
        elif name == "Q":
            if len(stack) == 1:
                raise _Unexpected("Q without q")
            stack[-1][0].end = index
            stack.pop()
        elif name == "cm":
            stack[-1] = (parent, _times(tuple(float(v) for v in operands), ctm))
    if len(stack) != 1:
        raise _Unexpected("q without Q")
    return top


def _walk(ops, block: _Block):
    """(operator, operands, matrix) of every operator inside `block`."""
    stack = [block.ctm]
    for operands, operator in ops[block.start + 1:block.end]:
        name = str(operator)
        if name == "q":
            stack.append(stack[-1])
        elif name == "Q":
            stack.pop()
        elif name == "cm":
            stack[-1] = _times(tuple(float(v) for v in operands), stack[-1])
        yield name, operands, stack[-1]


def _first_rect(ops, block: _Block, page_height_pt: float) -> tuple[float, ...] | None:
    """The first rectangle `block` draws or clips, in points from the page's top-left corner."""
    for name, operands, ctm in _walk(ops, block):
        if name == "re":
            x, y, w, h = (float(v) for v in operands)
            (x1, y1), (x2, y2) = _point(ctm, x, y), _point(ctm, x + w, y + h)
            return min(x1, x2), page_height_pt - max(y1, y2), abs(x2 - x1), abs(y2 - y1)
    return None


def _close(a, b) -> bool:
    return a is not None and all(abs(p - q) <= CLOSE_PT for p, q in zip(a, b))


def _card_rect_pt(card: CardMove) -> tuple[float, ...]:
    return tuple(v * MM_TO_PT for v in (card.x_mm, card.y_mm, card.width_mm, card.height_mm))


def _groups(ops, blocks: list[_Block], move: PageMove, page_pt: tuple[float, float]):
    """The blocks of each card among `blocks` (one level of nesting), or None."""
    rects = [_card_rect_pt(card) for card in move.cards]
    groups: list[list[_Block]] = []
    for block in blocks:
        first = _first_rect(ops, block, page_pt[1])
        if len(groups) < len(rects) and _close(first, rects[len(groups)]):
            groups.append([block])
        elif groups:
            groups[-1].append(block)
    if len(groups) != len(rects):
        return None
    return groups


def _find(ops, blocks: list[_Block], move: PageMove, page_pt: tuple[float, float]):
    """The level of nesting that holds the cards' blocks, searched from the outside in."""
    found = _groups(ops, blocks, move, page_pt)
    if found:
        return blocks, found
    for block in blocks:
        inner = _find(ops, block.children, move, page_pt)
        if inner:
            return inner
    return None


def _recolour(ops, group: list[_Block], old: tuple[float, ...], new: tuple[float, ...]) -> None:
    """The first `rg` of colour `old` in a card's blocks set to `new`: its label's, drawn first after
    its white background."""
    import pikepdf

    for block in group:
        for index in range(block.start + 1, block.end):
            operands, operator = ops[index]
            if str(operator) == "rg" and len(operands) == 3 and \
                    all(abs(float(v) - w) <= 1e-4 for v, w in zip(operands, old)):
                ops[index] = pikepdf.ContentStreamInstruction([*new], operator)
                return
    raise _Unexpected("no label in the colour it was rendered in")


def _translation(ctm: Matrix, dx_mm: float, dy_mm: float) -> list[float]:
    """The `cm` that moves by (dx, dy) mm on the page, right and down, under matrix `ctm`."""
    if abs(ctm[1]) > 1e-9 or abs(ctm[2]) > 1e-9:
        raise _Unexpected("a rotated page")
    return [1, 0, 0, 1, dx_mm * MM_TO_PT / ctm[0], -dy_mm * MM_TO_PT / ctm[3]]


def _moved_ops(ops, move: PageMove, page_pt: tuple[float, float]) -> list:
    import pikepdf

    found = _find(ops, _blocks(ops), move, page_pt)
    if not found:
        raise _Unexpected("the cards' blocks are not where they should be")
    level, groups = found
    first_card = groups[0][0]
    for block in level:
        if block is first_card:
            break
        if any(name in ("Tm", "Do", "BI") for name, _, _ in _walk(ops, block)):
            raise _Unexpected("something drawn before the cards")
    for card, group in zip(move.cards, groups):
        left, top, width, height = _card_rect_pt(card)
        for block in group:
            for name, operands, ctm in _walk(ops, block):
                if name == "Tm":
                    x, y = _point(_times(tuple(float(v) for v in operands), ctm), 0, 0)
                    y = page_pt[1] - y
                    if not (left - INSIDE_PT <= x <= left + width + INSIDE_PT
                            and top - INSIDE_PT <= y <= top + height + INSIDE_PT):
                        raise _Unexpected("text outside its card")
    if move.ink_from is not None:
        for card, group in zip(move.cards, groups):
            if card.ink is not None:
                _recolour(ops, group, move.ink_from, card.ink)
    # each wrapped run: (first op, last op, translation)
    wraps = [(group[0].start, group[-1].end, _translation(group[0].ctm, card.dx_mm, card.dy_mm))
             for card, group in zip(move.cards, groups) if (card.dx_mm, card.dy_mm) != (0, 0)]
    wraps.sort()
    out, at = [], 0
    for start, end, matrix in wraps:
        out += ops[at:start]
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("q")))
        out.append(pikepdf.ContentStreamInstruction(matrix, pikepdf.Operator("cm")))
        out += ops[start:end + 1]
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("Q")))
        at = end + 1
    return out + ops[at:]


def _move_annotations(page, move: PageMove, page_height_pt: float) -> None:
    import pikepdf

    annotations = page.obj.get("/Annots")
    if annotations is None:
        return
    rects = [_card_rect_pt(card) for card in move.cards]
    for annotation in annotations:
        action = annotation.get("/A")
        if "/Dest" in annotation or (action is not None and action.get("/S") != pikepdf.Name.URI):
            raise _Unexpected("a link to a place in the document")
        x1, y1, x2, y2 = (float(v) for v in annotation.Rect)
        # the card holding the whole link: cards may touch (no gap as rendered), and a link
        # running past its card must not move with the card it runs into
        low, high = page_height_pt - max(y1, y2), page_height_pt - min(y1, y2)
        card = next((card for card, (left, top, width, height) in zip(move.cards, rects)
                     if left - INSIDE_PT <= min(x1, x2) and max(x1, x2) <= left + width + INSIDE_PT
                     and top - INSIDE_PT <= low and high <= top + height + INSIDE_PT), None)
        if card is None:
            raise _Unexpected("a link outside every card, or over the edge of one")
        dx, dy = card.dx_mm * MM_TO_PT, -card.dy_mm * MM_TO_PT
        annotation.Rect = pikepdf.Array([x1 + dx, y1 + dy, x2 + dx, y2 + dy])
        if "/QuadPoints" in annotation:
            points = [float(v) for v in annotation.QuadPoints]
            annotation.QuadPoints = pikepdf.Array([v + (dx if i % 2 == 0 else dy) for i, v in enumerate(points)])


def _destinations(document) -> dict:
    """Page → the named destinations on it (WeasyPrint names each element's place by its id)."""
    import pikepdf

    names = document.Root.get("/Names")
    dests = names.get("/Dests") if names is not None else None
    if dests is None:
        return {}
    if "/Kids" in dests:
        raise _Unexpected("a tree of destinations")
    found: dict = {}
    pairs = dests.get("/Names", [])
    for index in range(1, len(pairs), 2):
        target = pairs[index]
        if isinstance(target, pikepdf.Dictionary):
            target = target.get("/D")
        found.setdefault(target[0].objgen, []).append(target)
    return found


def _move_destinations(targets: list, move: PageMove, page_height_pt: float) -> None:
    """A destination (a card's text) moves with the card it is in; one outside every card stays."""
    rects = [_card_rect_pt(card) for card in move.cards]
    for target in targets:
        if str(target[1]) != "/XYZ":
            raise _Unexpected("a destination that is not a point")
        x, y = float(target[2]), page_height_pt - float(target[3])
        card = next((card for card, (left, top, width, height) in zip(move.cards, rects)
                     if left <= x <= left + width and top <= y <= top + height), None)
        if card is not None:
            target[2] = x + card.dx_mm * MM_TO_PT
            target[3] = float(target[3]) - card.dy_mm * MM_TO_PT


def move_cards(pdf: bytes, moves: list[PageMove]) -> bytes | None:
    """`pdf` with the cards of its pages moved as `moves` say, or None when a page is not drawn as
    expected (its sheets must then be rendered in place)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/Outlines" in document.Root or "/Dests" in document.Root:
            return None  # bookmarks: none on card sheets
        try:
            destinations = _destinations(document)
            for move in moves:
                page = document.pages[move.page]
                box = [float(v) for v in page.mediabox]
                if box[:2] != [0, 0]:
                    raise _Unexpected("a page box not at the origin")
                page_pt = (box[2], box[3])
                ops = pikepdf.parse_content_stream(page)
                page.obj.Contents = document.make_stream(pikepdf.unparse_content_stream(
                    _moved_ops(ops, move, page_pt)))
                _move_annotations(page, move, page_pt[1])
                _move_destinations(destinations.get(page.obj.objgen, []), move, page_pt[1])
        except (_Unexpected, IndexError, ValueError, TypeError):
            return None
        out = io.BytesIO()
        document.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate,
                      deterministic_id=True)
    return out.getvalue()
