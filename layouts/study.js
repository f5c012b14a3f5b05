/* The study page: one card at a time. A click or Space flips it, the arrow keys move on and back,
   K marks it known, S shuffles, H hides known cards, [ and ] change the chapter. Known marks and
   the place reached stay in the browser's localStorage, under a key of this guide's own. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("study-data").textContent);
  var cards = data.cards;
  var chapters = data.chapters;
  var words = data.words;
  var prefix = "studyguide:" + data.guide + ":";

  function byId(id) { return document.getElementById(id); }
  var el = {
    card: byId("card"), label: byId("card-label"), chapter: byId("card-chapter"),
    question: byId("card-question"), answer: byId("card-answer"), done: byId("done"),
    progress: byId("progress"), knownCount: byId("known-count"), select: byId("chapter"),
    known: byId("known"), shuffle: byId("shuffle"), hideKnown: byId("hide-known"),
    previous: byId("previous"), next: byId("next")
  };

  // localStorage can be missing or refuse (some private windows): marks then last for the visit.
  function load(name, fallback) {
    try {
      var value = window.localStorage.getItem(prefix + name);
      var parsed = value ? JSON.parse(value) : null;
      return parsed && typeof parsed === "object" ? parsed : fallback;
    } catch (error) {
      return fallback;
    }
  }

  function save(name, value) {
    try {
      window.localStorage.setItem(prefix + name, JSON.stringify(value));
    } catch (error) {
      // kept in memory only
    }
  }

  var known = load("known", {});  // card key → 1
  var saved = load("view", {});
  var state = {
    chapter: typeof saved.chapter === "number" && saved.chapter >= -1 && saved.chapter < chapters.length
      ? saved.chapter : -1,  // -1: every chapter
    seed: typeof saved.seed === "number" ? saved.seed : 0,  // 0: in order
    hideKnown: saved.hideKnown === true,
    flipped: false,
    deck: [],  // indices into cards, in the order shown
    position: 0
  };

  function fill(pattern, values) {
    return pattern.replace(/\{(\w+)\}/g, function (whole, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  // A seeded generator (mulberry32), so a shuffled order is the same after a reload.
  function generator(seed) {
    return function () {
      seed = (seed + 0x6D2B79F5) | 0;
      var t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  function chapterCards(chapter) {
    var list = [];
    for (var i = 0; i < cards.length; i++) {
      if (chapter === -1 || cards[i].chapter === chapter) {
        list.push(i);
      }
    }
    if (state.seed) {
      var random = generator(state.seed);
      for (var j = list.length - 1; j > 0; j--) {
        var k = Math.floor(random() * (j + 1));
        var swap = list[j];
        list[j] = list[k];
        list[k] = swap;
      }
    }
    return list;
  }

  function isShown(i) {
    return !(state.hideKnown && known[cards[i].key]);
  }

  function shown(chapter) {
    return chapterCards(chapter).filter(isShown);
  }

  // Rebuild the deck and stay on the card with `key`; when that card is now hidden, go on to the
  // next one still shown. Without a key, go to `position`.
  function rebuild(key, position) {
    var all = chapterCards(state.chapter);
    state.deck = all.filter(isShown);
    var start = -1;
    for (var i = 0; key && i < all.length; i++) {
      if (cards[all[i]].key === key) {
        start = i;
      }
    }
    if (start >= 0) {
      var following = all.slice(start).filter(isShown);
      position = following.length ? state.deck.indexOf(following[0]) : state.deck.length - 1;
    }
    state.position = Math.max(0, Math.min(position || 0, state.deck.length - 1));
  }

  function current() {
    return state.deck.length ? cards[state.deck[state.position]] : null;
  }

  // The nearest chapter after (+1) or before (-1) the current one that has cards to show.
  function neighbour(delta) {
    if (state.chapter === -1) {
      return null;
    }
    for (var chapter = state.chapter + delta; chapter >= 0 && chapter < chapters.length; chapter += delta) {
      if (shown(chapter).length) {
        return chapter;
      }
    }
    return null;
  }

  function show() {
    var card = current();
    var all = chapterCards(state.chapter);
    var knownHere = all.filter(function (i) { return known[cards[i].key]; }).length;
    el.card.hidden = !card;
    el.done.hidden = !!card || !all.length;
    if (card) {
      var chapter = chapters[card.chapter];
      el.label.textContent = card.label;
      el.chapter.textContent = chapter.label + " " + chapter.title;
      el.question.innerHTML = card.question;
      el.answer.innerHTML = card.answer;
      // a card in another language than the page's gets its own forms of the characters
      for (const side of [el.question, el.answer]) {
        if (card.lang) side.lang = card.lang; else side.removeAttribute("lang");
      }
      el.answer.hidden = !state.flipped;
      el.card.classList.toggle("is-flipped", state.flipped);
      el.card.classList.toggle("is-known", !!known[card.key]);
    }
    el.known.disabled = !card;
    el.known.setAttribute("aria-pressed", card && known[card.key] ? "true" : "false");
    el.progress.textContent = fill(words.progress, {
      position: card ? state.position + 1 : 0, total: state.deck.length
    });
    el.knownCount.textContent = fill(words.known_count, { known: knownHere, total: all.length });
    el.select.value = String(state.chapter);
    el.shuffle.setAttribute("aria-pressed", state.seed ? "true" : "false");
    el.hideKnown.checked = state.hideKnown;
    el.previous.disabled = !(state.position > 0 || neighbour(-1) !== null);
    el.next.disabled = !(state.position < state.deck.length - 1 || neighbour(1) !== null);
    save("view", { chapter: state.chapter, seed: state.seed, hideKnown: state.hideKnown,
                   card: card ? card.key : null });
  }

  function flip() {
    if (current()) {
      state.flipped = !state.flipped;
      show();
    }
  }

  // On to the next card, or back; past the end of a chapter, into the next one.
  function step(delta) {
    var target = state.position + delta;
    if (target >= 0 && target < state.deck.length) {
      state.position = target;
    } else {
      var chapter = neighbour(delta);
      if (chapter === null) {
        return;
      }
      state.chapter = chapter;
      rebuild(null, 0);
      state.position = delta > 0 ? 0 : state.deck.length - 1;
    }
    state.flipped = false;
    show();
  }

  function setChapter(chapter) {
    state.chapter = chapter;
    state.flipped = false;
    rebuild(null, 0);
    show();
  }

  // [ and ] walk through "every chapter", then each chapter in turn.
  function stepChapter(delta) {
    var chapter = state.chapter + delta;
    if (chapter >= -1 && chapter < chapters.length) {
      setChapter(chapter);
    }
  }

  function toggleKnown() {
    var card = current();
    if (!card) {
      return;
    }
    if (known[card.key]) {
      delete known[card.key];
    } else {
      known[card.key] = 1;
    }
    save("known", known);
    if (state.hideKnown && known[card.key]) {
      // the card leaves the deck and the next one takes its place
      rebuild(card.key, state.position);
      state.flipped = false;
    }
    show();
  }

  function toggleShuffle() {
    state.seed = state.seed ? 0 : 1 + Math.floor(Math.random() * 2147483646);
    state.flipped = false;
    rebuild(null, 0);
    show();
  }

  function setHideKnown(hide) {
    var card = current();
    state.hideKnown = hide;
    rebuild(card && card.key, state.position);
    show();
  }

  function clearKnown() {
    if (!window.confirm(words.confirm_clear)) {
      return;
    }
    var card = current();
    chapterCards(state.chapter).forEach(function (i) { delete known[cards[i].key]; });
    save("known", known);
    rebuild(card && card.key, state.position);
    show();
  }

  // A mouse click leaves the focus on the card, so Space flips it rather than pressing the button
  // again; keyboard users keep the focus where they put it.
  function button(id, action) {
    byId(id).addEventListener("click", function (event) {
      action();
      if (event.detail > 0 && !el.card.hidden) {
        el.card.focus({ preventScroll: true });
      }
    });
  }

  button("previous", function () { step(-1); });
  button("next", function () { step(1); });
  button("flip", flip);
  button("known", toggleKnown);
  button("shuffle", toggleShuffle);
  button("clear-known", clearKnown);
  button("show-known", function () { setHideKnown(false); });
  el.hideKnown.addEventListener("change", function () { setHideKnown(el.hideKnown.checked); });
  el.select.addEventListener("change", function () { setChapter(Number(el.select.value)); });

  el.card.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) {
      return;  // a link in the text opens instead
    }
    if (window.getSelection && String(window.getSelection())) {
      return;  // selecting text to copy it does not flip the card
    }
    flip();
  });

  // A swipe to the left or right on a touch screen moves on or back.
  var touch = null;
  el.card.addEventListener("touchstart", function (event) {
    touch = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
  }, { passive: true });
  el.card.addEventListener("touchend", function (event) {
    if (!touch || !event.changedTouches.length) {
      return;
    }
    var dx = event.changedTouches[0].clientX - touch.x;
    var dy = event.changedTouches[0].clientY - touch.y;
    touch = null;
    if (Math.abs(dx) > 60 && Math.abs(dx) > 2 * Math.abs(dy)) {
      step(dx < 0 ? 1 : -1);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) {
      return;
    }
    var tag = event.target && event.target.tagName;
    if (tag === "SELECT" || tag === "INPUT" || tag === "TEXTAREA") {
      return;  // the control's own keys
    }
    switch (event.key) {
      case " ":
      case "Enter":
        if (tag === "BUTTON") {
          return;  // presses the button
        }
        flip();
        break;
      case "ArrowRight":
        step(1);
        break;
      case "ArrowLeft":
        step(-1);
        break;
      case "k":
      case "K":
        toggleKnown();
        break;
      case "s":
      case "S":
        toggleShuffle();
        break;
      case "h":
      case "H":
        setHideKnown(!state.hideKnown);
        break;
      case "]":
      case "PageDown":
        stepChapter(1);
        break;
      case "[":
      case "PageUp":
        stepChapter(-1);
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  rebuild(saved.card, 0);
  show();
}());
