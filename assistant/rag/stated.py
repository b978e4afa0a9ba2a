"""Whether the retrieved abstracts state what a question asks (pure: text in, verdict out).

The relevance gate (relevance.py) stops questions the library is not about.  A *near miss*
passes it: it names a paper of the library but asks what its abstract does not say ("What
learning rate was used to train DataDAM?", "What accuracy does DataDAM reach on MNIST?").
Quoting the paper's closest sentences would then look like an answer and is not one, so the
offline answerer abstains when:

* the question names something ("MNIST", "Pascal VOC") that no retrieved abstract mentions,
  or that its subject paper does not mention;
* its focus (question.py: "learning rate", "GPUs", "batch size") is in no sentence of the
  abstracts it would answer from (their titles included, links left out; an equivalent word
  counts: "classes" for "categories", "spoken" for "speak"), as a word, not only a stem
  ("optimizer" is not "optimal"), or, for a counted or measured focus ("how many GPUs",
  "what accuracy", "what temperature"), in no sentence that also states a figure;
* it asks how long something takes and no sentence gives a duration;
* a counted or measured focus has no figure within FIGURE_WINDOW words of it ("2012" in
  "since 2012 ... the computational power of GPUs" counts no GPU);
* a count about one paper qualifies what it counts with words its abstract lacks ("How many
  MEDIC images are labelled as flood damage?": the abstract counts its images, not those);
* a count ("how many images") has no figure just before the counted word (COUNT_WINDOW):
  "classify the images into two categories" counts no images;
* a "which" question about one named thing ("Which generative model produced X?") finds its
  focus only in sentences that name nothing it does not name ("modern generative models");
* it puts two names held by two different papers in one clause ("How does SVT perform on
  ADE20K?") and no abstract mentions both.
* it asks who wrote a paper, or where or when it appeared, and the abstract does not say;
* it asks how old participants were and no abstract gives an age, or about money ("in
  dollars", "how much were raters paid") and no abstract gives a sum;
* a "which" question about named things of one paper ("On which datasets was X evaluated?",
  "Which SSL algorithm ...") finds no sentence of that paper naming something it does not
  name (a plural acronym, "existing MLLMs", names a class, not a member).

The *subject* papers are those a name picks out: a name found in exactly one retrieved paper
("DataDAM", "NWPU-RESISC45", "ViT-H") makes that paper the one the question is about, and the
answer then quotes only it.  Names shared by several papers ("ImageNet", "CLIP") pick out none,
unless one paper spells the name as the question does (the others hold only its stem) or
two adjacent names stand in one title ("Visual Genome").
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.rag.question import (
    MEASURE_NOUNS,
    SHELL_NOUNS,
    Question,
    asked_phrase,
    asks_for_names,
    asks_for_one_name,
    names_in,
)
from assistant.rag.scoring import query_terms, terms, terms_many
from assistant.rag.sentences import split_sentences
from assistant.types import Paper, Source

_RAW = re.compile(r"[^\s()\[\]{},;:\"'“”‘’`]+")
_PIECE = re.compile(r"[A-Za-z0-9]+")
_SLASH_LIST = re.compile(r"^([A-Za-z][A-Za-z\-]*?)-?(\d+)((?:/\d+)+)$")  # CIFAR-10/100
# A figure: digits (not part of a name like "ResNet-50"), or a number word.
_FIGURE = re.compile(
    r"(?<![A-Za-z\-(])\d[\d,.]*(?![\d)])"
    r"|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
    r"forty|fifty|hundreds?|thousands?|millions?|billions?|dozens?|half|quarter|third|twice|"
    r"double|triple|tenfold|hundredfold|several-fold)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\b\d[\d,.]*\s*(?:-\s*)?(?:seconds?|s\b|minutes?|min\b|hours?|h\b|days?|weeks?|months?|"
    r"years?|decades?|gpu[- ]?(?:hours?|days?)|tpu[- ]?(?:hours?|days?))\b"
    r"|\b(?:an?|one|two|three|few|several) (?:seconds?|minutes?|hours?|days?|weeks?|months?|"
    r"years?|decades?)\b"
    # a span of time up to now: "for the last decade", "over the past few years"
    r"|\b(?:last|past|previous|recent) (?:few |two |three |several )?(?:years|decades?)\b",
    re.IGNORECASE,
)


_DURATION_WORDS = terms("long time take takes took")
# Where to get something, said without a link: "available upon request", "released publicly".
_OBTAINABLE = re.compile(
    r"\b(?:available|released|release|hosted|accessible|downloadable|open[- ]sourced?|"
    r"can be (?:found|obtained|downloaded|accessed))\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _normal(word: str) -> str:
    # "ImageNet+" and "ImageNet++" are other datasets than ImageNet: their "+" is kept.
    return "".join(_PIECE.findall(word.replace("+", "plus"))).lower()


@lru_cache(maxsize=8192)  # the same titles and abstracts are read several times per answer
def word_forms(text: str) -> frozenset[str]:
    """Every form a name can match in `text`: "ImageNet-1K" gives imagenet1k, imagenet, 1k;
    "CIFAR-10/100" gives cifar10 and cifar100 too."""
    forms: set[str] = set()
    for raw in _RAW.findall(text):
        raw = raw.strip(".!?")
        forms.add(_normal(raw))
        for part in re.split(r"[/\-–]", raw):
            forms.add(_normal(part))
        listed = _SLASH_LIST.match(raw)
        if listed:
            stem, first, rest = listed.groups()
            stem = _normal(stem)
            for number in [first, *rest.strip("/").split("/")]:
                forms.add(stem + number)
    forms.discard("")
    return frozenset(forms)


def _singular(term: str) -> str:
    return term[:-1] if len(term) > 3 and term.endswith("s") else term


def _has(term: str, present: frozenset[str]) -> bool:
    """`term` in the stemmed terms `present`, plural or not ("gpus" and "gpu" are one), or
    one of its equivalents (`_EQUIVALENT_WORDS`): "categories" is stated by "classes", the
    question's "speak" by the abstract's "spoken"."""
    if term in present or _singular(term) in {_singular(t) for t in present}:
        return True
    return bool(_equivalents().get(term, frozenset()) & present)


# Words an abstract uses for what a question asks in other words: nouns that name the same
# thing in descriptions of datasets and studies, and the irregular forms of verbs, which
# stemming does not bring together ("spoken" is not stemmed to "speak").  English, not any
# paper's vocabulary.
_EQUIVALENT_WORDS = (
    "category categories class classes",
    "image images picture pictures photo photos photograph photographs",
    "sample samples example examples",
    "participant participants subject subjects volunteer volunteers",
    "annotator annotators rater raters",
    "gain gains improvement improvements boost boosts",
    "extra additional",
    "faster speedup speed-up quicker",
    "changing varying different various",
    "publication publications paper papers article articles",
    "speak spoke spoken",
    "write wrote written",
    "show showed shown",
    "take took taken",
    "give gave given",
    "draw drew drawn",
    "know knew known",
    "grow grew grown",
    "choose chose chosen",
    "see saw seen",
    "build built",
    "hold held",
    "keep kept",
    "bring brought",
    "find found",
    "make made",
    "run ran",
    "begin began begun",
    "win won",
    "lead led",
    "send sent",
    "spend spent",
    "lose lost",
    "teach taught",
    "think thought",
    "buy bought",
    "tell told",
    "drive drove driven",
    "ride rode ridden",
    "break broke broken",
    "hide hid hidden",
)


@lru_cache(maxsize=1)
def _equivalents() -> dict[str, frozenset[str]]:
    """Each stemmed term of `_EQUIVALENT_WORDS` with the stems of its equivalents."""
    found: dict[str, set[str]] = {}
    for group in _EQUIVALENT_WORDS:
        stems = set(terms(group))
        for stem in stems:
            found.setdefault(stem, set()).update(stems - {stem})
    return {stem: frozenset(others) for stem, others in found.items()}


@lru_cache(maxsize=1)
def _equivalent_spellings() -> dict[str, tuple[str, ...]]:
    """Each word of `_EQUIVALENT_WORDS` with the words of its group that are other words, not
    its own forms ("annotators": "raters", never "annotator", whose shorter spelling would let
    "annotations" pass for it)."""
    found: dict[str, tuple[str, ...]] = {}
    for group in _EQUIVALENT_WORDS:
        words = group.split()
        for word in words:
            own = terms(word)
            found[word] = tuple(w for w in words if terms(w) != own)
    return found


@dataclass(frozen=True)
class _PaperText:
    paper_id: str
    forms: frozenset[str]
    terms: frozenset[str]


def _paper_texts(sources: Sequence[Source]) -> dict[str, _PaperText]:
    texts: dict[str, _PaperText] = {}
    for source in sources:
        paper = source.paper
        if paper.id in texts:
            continue
        whole = f"{paper.title}. {paper.abstract}"
        texts[paper.id] = _PaperText(paper.id, word_forms(whole), terms(whole))
    return texts


def mentions(name: str, text: _PaperText) -> bool:
    """Whether a paper's title or abstract mentions `name` (as a question spells it)."""
    whole = _normal(name)
    if whole in text.forms:
        return True
    # "ImageNet-like", "GRU-based": the named part is what must be there.
    named = [p for p in re.split(r"[/\-–]", name) if any(c.isupper() or c.isdigit() for c in p)]
    if len(named) < len(re.split(r"[/\-–]", name)) and named:
        return all(_normal(p) in text.forms for p in named)
    if _acronym(name):
        # "MEDIC", "CDA", "GPUs": an acronym is spelled, not a word to stem ("MEDIC" is not
        # "medical"); only its plural is the same name.
        # ... either way round: the question's "PPGN" is the abstract's "PPGNs".
        return whole.removesuffix("s") in text.forms or whole + "s" in text.forms
    stem = terms(name)
    return bool(stem) and all(_has(t, text.terms) for t in stem)


def _acronym(name: str) -> bool:
    """Two capitals or a digit: "MEDIC", "ViT", "GPUs", "V4" (not "Treemaps")."""
    return sum(c.isupper() for c in name) >= 2 or any(c.isdigit() for c in name)


def title_mentions(name: str, title: str) -> bool:
    """Whether a paper's title mentions `name` (exact forms only: a title is short)."""
    return _normal(name) in word_forms(title)


_VERSION = re.compile(r"(?:s|-?v\d+|-?\d+)$")


def coined_by(name: str, paper: Paper) -> bool:
    """Whether `name` is the paper's own coinage: the initials of its title's words, in order
    ("PPGN" for "Plug & Play Generative Networks", "DIOR" for "object Detection In Optical
    Remote sensing", "GLDv2"), or a name its abstract introduces ("named AttSets")."""
    if not _acronym(name):
        return False
    if name.lower() in _GENERIC_ACRONYMS:
        return False
    escaped = re.escape(name)
    introduced = rf"\b(?:termed|dubbed|named|called|referred to as)\s+[\"“']?{escaped}(?![\w+-])"
    if re.search(introduced, paper.abstract) or (
        "-" in name and re.search(rf"\({escaped}\)", paper.abstract)
    ):
        return True  # "named AttSets", "Stitchable Neural Network (SN-Net)"
    letters = _VERSION.sub("", name)
    if not letters.isalpha() or not letters.isupper() or len(letters) < 2:
        return False
    words = re.findall(r"[A-Za-z][\w'-]*", paper.title)
    return any(_initials_from(words[start:], letters) for start in range(len(words)))


_SMALL_WORDS = frozenset({"a", "an", "the", "of", "in", "on", "for", "with", "to", "and", "by"})


def _initials_from(words: Sequence[str], letters: str) -> bool:
    """Whether `letters` are the initials of `words` read from the first on, small words
    skipped when their initial is not the next letter."""
    wanted = iter(letters)
    letter = next(wanted)
    for word in words:
        if word[0].upper() == letter:
            letter = next(wanted, "")
            if not letter:
                return True
        elif word.lower() not in _SMALL_WORDS:
            return False
    return False


@dataclass(frozen=True)
class Unstated:
    """What the abstracts do not state: `what` is worded for a sentence ("the learning rate")."""

    what: str
    papers: tuple[str, ...] = ()  # the subject papers whose abstracts were looked at


def subject_papers(
    question: Question, sources: Sequence[Source], *, in_title: bool = False
) -> tuple[str, ...]:
    """The papers the question is about: each picked out by a name no other paper mentions.

    `in_title`: only names in the paper's title count (for list questions, where a name in
    passing, "such as ImageNet-21K", must not narrow the list to one paper).
    """
    texts = _paper_texts(sources)
    titles = {
        s.paper.id: _PaperText(s.paper.id, word_forms(s.paper.title), terms(s.paper.title))
        for s in sources
    }
    named: dict[str, bool] = {}  # subject -> named in its title
    by_name: dict[str, str] = {}  # name -> the one paper that mentions it
    for name in question.names:
        holders = [pid for pid, text in texts.items() if mentions(name, text)]
        if len(holders) > 1:
            # "Textualization" is one paper's name and another's "Textual" by stem: the paper
            # that spells it as the question does is the one it names.
            spelled = [pid for pid in holders if _normal(name) in texts[pid].forms]
            holders = spelled if len(spelled) == 1 else holders
        if len(holders) != 1:
            continue
        in_its_title = mentions(name, titles[holders[0]])
        if in_title and not in_its_title:
            continue
        named[holders[0]] = named.get(holders[0], False) or in_its_title
        by_name[name] = holders[0]
    # Two names side by side ("Visual Genome", "Image Textualization") that one title holds
    # name that paper, though each word alone is in several ("genome" in biology abstracts).
    for first, second in itertools.pairwise(question.names):
        run = f"{first} {second}"
        if run not in question.text:
            continue
        holders = [s.paper.id for s in sources if run.lower() in s.paper.title.lower()]
        if len(set(holders)) == 1:
            named[holders[0]] = True
            by_name[run] = holders[0]
    # A paper the question names by its title is what it is about; another paper that only
    # mentions one of its other words in passing ("COCO" in a background sentence) is not,
    # unless the question lists the two side by side ("the DIOR and FAIR1M datasets": DIOR
    # is the name its abstract gives, not one in its title).
    if any(named.values()):
        titled = [n for n, pid in by_name.items() if named[pid]]
        return tuple(
            pid
            for pid, by_title in named.items()
            if by_title
            or any(
                _side_by_side(question.text, n, t)
                for n in by_name
                if by_name[n] == pid
                for t in titled
            )
        )
    return tuple(named)


# What stands between two names a question lists side by side: "A and B", "A, B", "A or the B".
_BETWEEN_LISTED = re.compile(r"\s*(?:,\s*(?:and|or)?|and|or|vs\.?|versus|/)\s*(?:the\s+)?", re.I)


def _side_by_side(text: str, one: str, other: str) -> bool:
    """Whether the question names `one` and `other` next to each other in a list."""
    for first, second in ((one, other), (other, one)):
        at = text.find(first)
        while at >= 0:
            after = text.find(second, at + len(first))
            if after >= 0 and _BETWEEN_LISTED.fullmatch(text[at + len(first) : after]):
                return True
            at = text.find(first, at + 1)
    return False


def subject_names(
    question: Question, sources: Sequence[Source], subjects: Iterable[str]
) -> tuple[str, ...]:
    """The names of the question that pick out one of its subject papers ("G-SimCLR")."""
    texts = _paper_texts(sources)
    chosen = set(subjects)
    found = []
    for name in question.names:
        holders = [pid for pid, text in texts.items() if mentions(name, text)]
        if len(holders) == 1 and holders[0] in chosen:
            found.append(name)
    return tuple(found)


@lru_cache(maxsize=256)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(span.text for span in split_sentences(text))


def _focus_words(question: Question) -> str:
    return " ".join(question.focus)


def unstated(
    question: Question, sources: Sequence[Source], subjects: Iterable[str] = ()
) -> Unstated | None:
    """What the question asks that the abstracts of `sources` (of `subjects`, if any) omit."""
    subjects = tuple(subjects)
    texts = _paper_texts(sources)
    looked = [texts[p] for p in subjects] if subjects else list(texts.values())
    for name in question.names:
        if not any(mentions(name, text) for text in looked):
            return Unstated(f'"{name}"', subjects)
    apart = _apart(question, subjects, texts)
    if apart is not None:
        return apart
    papers = {s.paper.id: s.paper for s in sources if not subjects or s.paper.id in subjects}
    if question.wants_duration and not _gives_duration(question, papers.values()):
        return Unstated("how long it takes", subjects)
    if _HOW_OLD.search(question.text) and not any(
        _AGE.search(paper.abstract) for paper in papers.values()
    ):
        return Unstated("an age", subjects)
    if _MONEY.search(question.text) and not any(
        _CURRENCY.search(paper.abstract) for paper in papers.values()
    ):
        return Unstated("a sum of money", subjects)
    valued = _value_stated(question, papers.values())
    if valued is False:
        return Unstated(_asked(question), subjects)
    if valued:
        return None
    if _BIBLIOGRAPHIC.search(question.text) and not any(
        _PUBLICATION.search(paper.abstract) for paper in papers.values()
    ):
        # Who wrote a paper, where and when it was published: its record may say so (a
        # BibTeX entry), its abstract does not, and the offline answer quotes abstracts.
        return Unstated("who wrote it, or where and when it was published", subjects)
    if question.wants_address and not any(
        _URL.search(paper.abstract) or _OBTAINABLE.search(paper.abstract)
        for paper in papers.values()
    ):
        return Unstated("where to get it", subjects)
    if subjects:
        nameless = names_unstated(question, papers.values(), sources, subjects)
        if nameless is not None:
            return nameless
    if not question.focus:
        return None
    if question.focus[-1].lower() in SHELL_NOUNS:
        return _shell_unstated(question, subjects, texts, papers)
    # Word by word: "transfer-learning datasets" is stated by "transfer learning on standard
    # datasets" (the index's compound "transferlearn" is not in that sentence).
    focus = terms(_focus_words(question).replace("-", " "))
    head = terms(question.focus[-1].replace("-", " ")) or focus
    one_name = asks_for_one_name(question.text)
    # What a count must stand just before: the counted word, or the first word of a long
    # counted phrase ("over 30 different existing computer vision datasets"); nothing for a
    # measure, which is not counted ("parameters only in the tens of millions": a figure near
    # it is enough, before or after).
    counted = (
        (head, terms(question.focus[0].replace("-", " ")))
        if question.wh == "how many" and question.focus[-1].lower() not in MEASURE_NOUNS
        else ()
    )
    for paper_id, paper in papers.items():
        # A link's words state nothing ("github.com/x/generative-robustness" is no model); the
        # title states what the paper is ("UHD-IQA Benchmark *Database*").
        sentences = (paper.title, *(_URL.sub(" ", text) for text in _sentences(paper.abstract)))
        for sentence, present in zip(sentences, terms_many(list(sentences)), strict=True):
            if written_with_dimensions(sentence, head):
                return None
            if not all(_has(t, present) for t in head):
                continue
            if not _spelled(question.focus[-1], sentence):
                continue
            if question.figure_focus and not figure_near(sentence, head):
                continue
            if counted:
                blanked = _without_given(sentence, question)
                if not any(count_before(blanked, words) for words in counted):
                    continue
            if one_name and not _names_other(sentence, question):
                continue
            if all(
                _has(t, texts[paper_id].terms)
                for t in _spelled_out(focus, question, texts[paper_id])
            ):
                return _unqualified(question, subjects, texts)
    return Unstated(_asked(question), subjects)


def names_unstated(
    question: Question,
    papers: Iterable[Paper],
    sources: Sequence[Source],
    subjects: tuple[str, ...] = (),
) -> Unstated | None:
    """For a "which" question about named things ("On which datasets was PatternNet
    evaluated?"): whether no sentence of `papers` names one (not the question's own name
    spelled otherwise, nor a link, nor a capitalised word; for a model, no dataset)."""
    if not asks_for_names(question.text):
        return None
    said = [t for p in papers for t in _sentences(p.abstract)]
    data, common = typed_names(tuple(s.paper.abstract for s in sources))
    if any(names_asked(sentence, question, data, common) for sentence in said):
        return None
    phrase = " ".join(asked_phrase(question.text))  # "the DNN architectures"
    return Unstated(f"the {phrase}" if phrase else "which ones", subjects)


def _shell_unstated(
    question: Question,
    subjects: tuple[str, ...],
    texts: dict[str, _PaperText],
    papers: dict[str, Paper],
) -> Unstated | None:
    """A focus headed by a shell noun ("key takeaways", "realistic capture conditions") labels
    content the abstract states in its own words; only its technical modifiers, hyphenated
    compounds ("audio-visual pre-training objectives"), must be in the paper's text."""
    technical = [w for w in question.focus[:-1] if "-" in w.strip("-")]
    if not technical:
        return None
    wanted = terms(" ".join(technical).replace("-", " "))
    for paper_id in papers:
        if all(
            _has(t, texts[paper_id].terms) for t in _spelled_out(wanted, question, texts[paper_id])
        ):
            return None
    return Unstated(_asked(question), subjects)


# "How many of the 114 publications concern X?": the 114 is given, the answer is another count.
_OF_THE_COUNT = re.compile(r"\bhow many of the ([\d,.]+)\b", re.IGNORECASE)


def _without_given(sentence: str, question: Question) -> str:
    """`sentence` with the count the question itself gives ("of the 114") blanked out."""
    given = _OF_THE_COUNT.search(question.text)
    if not given:
        return sentence
    return re.sub(rf"(?<![\d.,]){re.escape(given.group(1))}(?![\d])", "some", sentence)


def _spelled_out(focus: frozenset[str], question: Question, text: _PaperText) -> frozenset[str]:
    """The focus terms the paper must hold, less those of a compound it abbreviates: an
    abstract writing "VL pre-training" states the question's "vision-language pre-training"."""
    for word in question.focus:
        parts = [p for p in re.split(r"[\-–]", word) if p]
        if len(parts) > 1 and "".join(p[0] for p in parts).lower() in text.forms:
            focus = focus - terms(" ".join(parts))
    return focus


def _apart(
    question: Question, subjects: tuple[str, ...], texts: dict[str, _PaperText]
) -> Unstated | None:
    """ "How does SVT perform on ADE20K?": two subject papers, each picked out by one name, that
    the question does not list side by side ("X and Y", "X, Y", "X or Y", "X vs Y") but puts in
    one clause.  It asks about one of them on the other's thing; no abstract states that when
    none mentions both names."""
    if len(subjects) < 2 or question.wants_list:
        return None
    held = [n for n in question.names if sum(mentions(n, texts[p]) for p in subjects) == 1]
    if len(held) < 2:
        return None
    # One rule for "listed side by side", the one subject_papers uses.
    if _side_by_side(question.text, held[0], held[-1]):
        return None
    if any(all(mentions(n, texts[p]) for n in held) for p in subjects):
        return None
    return Unstated(f'"{held[-1]}" for {held[0]}', subjects)


# A stem is shared by words of other meanings ("optimizer", "optimal", "optimized" all stem to
# "optim"): the focus must also be in the sentence as a word, this many letters of it at least
# (enough to allow its plural and other endings: "accuracy", "accuracies").
SPELLED_PREFIX = 5
_WORDS = re.compile(r"[a-z0-9]+")


def _spelled(focus: str, sentence: str) -> bool:
    """Whether the sentence holds each word of `focus` as a word (its ending aside), or one
    of its equivalents ("classes" for "categories")."""
    words = _WORDS.findall(sentence.lower())

    def held(wanted: str) -> bool:
        prefix = wanted[: max(SPELLED_PREFIX, len(wanted) - 2)]
        return any(w.startswith(prefix) or (wanted.startswith(w) and len(w) >= 3) for w in words)

    spellings = _equivalent_spellings()
    return all(
        held(wanted) or any(held(other) for other in spellings.get(wanted, ()))
        for wanted in _WORDS.findall(focus.lower())
    )


# Words a count's question uses for any count ("How many images does X contain?"): not what
# qualifies the things counted.
_ANY_COUNT = terms(
    "contain contains include includes have has use used cover covers provide provides offer "
    "reach report give take make made consist consists comprise built collect collected total "
    "dataset datasets paper model models method much many need needs needed "
    # comparing counts ("how many times more boxes than ..."), not qualifying what is counted
    "times more fewer less than "
    # verbs of being, containing and happening ("how many objects *appear* in an image", "do
    # the test sets *span*"): they say where the count is, not what it counts
    "span spans appear appears exist exists remain remains occur occurs happen happens "
    # holding and resulting ("how many samples does the resulting dataset hold"), and "once"
    "hold holds held result resulting once"
)


def _unqualified(
    question: Question, subjects: tuple[str, ...], texts: dict[str, _PaperText]
) -> Unstated | None:
    """A count about named papers whose qualifiers ("labelled as flood damage") are mostly
    absent from their abstracts: the figure the abstract gives counts something else."""
    if not subjects or not question.figure_focus:
        return None
    named = terms(" ".join(question.names))
    rest = query_terms(question.text) - named - terms(_focus_words(question)) - _ANY_COUNT
    if len(rest) < 2:
        return None
    for paper in subjects:
        absent = [t for t in rest if not _has(t, texts[paper].terms)]
        if len(absent) * 2 <= len(rest):
            return None
    words = [w for w in re.findall(r"[\w\-]+", question.text) if terms(w) and terms(w) <= rest]
    return Unstated(f'{_asked(question)} that are "{" ".join(words)}"', subjects)


# A counted or measured focus ("how many GPUs", "what accuracy") is stated only by a figure
# this close to it (in words): "2012" in "since 2012, ... capabilities of GPUs" counts no GPU.
FIGURE_WINDOW = 6


def _head_and_figures(
    sentence: str, head: frozenset[str], *, none: bool = False
) -> tuple[list[int], list[int]]:
    """Word positions of `head`'s words (stemmed) and of the figures in `sentence` (with
    `none`, a quantity of none counts as one)."""
    words = _without_names(sentence).split()
    stems = terms_many(words)
    where = [i for i, present in enumerate(stems) if any(_has(t, present) for t in head)]
    figures = [
        i
        for i, word in enumerate(words)
        if _FIGURE.search(word)
        or (none and _NONE.match(word))
        # "an order of magnitude speedup": a figure in words
        or (word.lower().startswith("magnitude") and i > 1 and words[i - 2].lower()[:5] == "order")
    ]
    return where, figures


# A quantity of none ("requires *no* model training", "at *no* additional cost") answers "how
# much training", "what extra cost" as a figure would; not a count ("How many pictures make up
# PASS?" is not answered by "it contains *no* images of people").
_NONE = re.compile(r"^(?:no|zero)$", re.IGNORECASE)


def figure_near(sentence: str, head: frozenset[str]) -> bool:
    """Whether a figure, or a quantity of none, stands within FIGURE_WINDOW words of a word
    of `head` (stemmed)."""
    where, figures = _head_and_figures(sentence, head, none=True)
    return any(abs(i - j) <= FIGURE_WINDOW for i in where for j in figures)


# "How many images ...": the count stands just before what it counts ("31,500 images", "8
# annotated objects", "15x more bounding boxes"); a figure a few words after it counts
# something else ("classify the images into two categories" gives no number of images).
COUNT_WINDOW = 4


# A preposition between the figure and the counted word: the figure counts the word before it
# ("12 possible poses *for* boxes" counts poses, not boxes); "of" is no break ("37,407 images
# *of* artworks" counts artworks).
_COUNT_BREAKS = frozenset({"for", "per", "in", "on", "with", "from", "across"})


# Counts written as one word with their unit: "into 2-D", "a 3D scene", "two-dimensional".
_DIMENSIONS = re.compile(r"\b\d+-?D\b|\b(?:\d+|one|two|three|four)-dimensional\b", re.IGNORECASE)


def count_before(sentence: str, head: frozenset[str]) -> bool:
    """Whether a figure stands at most COUNT_WINDOW words before a word of `head`, with no
    preposition between them (or, for dimensions, is written with them: "2-D")."""
    if written_with_dimensions(sentence, head):
        return True
    where, figures = _head_and_figures(sentence, head)
    words = [w.lower() for w in _without_names(sentence).split()]
    return any(
        0 <= i - j <= COUNT_WINDOW and not _COUNT_BREAKS & set(words[j + 1 : i])
        for i in where
        for j in figures
    )


@lru_cache(maxsize=1)
def _dimension_terms() -> frozenset[str]:
    return terms("dimension dimensions")


def written_with_dimensions(sentence: str, head: frozenset[str]) -> bool:
    """Whether `head` is dimensions and `sentence` counts them in one word ("into 2-D")."""
    return bool(head & _dimension_terms()) and _DIMENSIONS.search(sentence) is not None


def _names_other(sentence: str, question: Question) -> bool:
    """Whether `sentence` names something the question does not ("Which generative model
    produced X?" is answered by a sentence naming the model, not by "generative models"; nor
    by a plural acronym, which names a class: "existing MLLMs")."""
    asked = {n.lower() for n in question.names}
    return any(n.lower() not in asked and not _PLURAL_ACRONYM.match(n) for n in names_in(sentence))


_PLURAL_ACRONYM = re.compile(r"^[A-Z][A-Z0-9-]*[A-Z]s$")
# Acronyms of fields and of whole classes of models, never the name an answer gives.
_GENERIC_ACRONYMS = {
    "ai", "ml", "dl", "cv", "nlp", "cnn", "cnns", "dnn", "dnns", "rnn", "gan", "gans", "vit",
    "vits", "llm", "llms", "mllm", "mllms", "ssl", "sota", "gpu", "gpus", "cpu", "api",
    "ann", "anns", "nas", "mlp", "mlps",
}  # fmt: skip
# What a named thing's neighbour says it is: "the CIFAR-10 *dataset*" is no model.
_DATA_NOUN_AFTER = re.compile(
    r"^[\s\-]*(?:data ?sets?|data|benchmarks?|corpus|images|database|collection|splits?)\b", re.I
)
_DATA_KINDS = {"dataset", "datasets", "benchmark", "benchmarks", "data", "corpus", "database"}


def _variant(name: str, asked: Iterable[str]) -> bool:
    """ "PatterNet" for "PatternNet", "IT" for "Image Textualization": the question's own
    name spelled otherwise or by its initials."""
    bare = re.sub(r"[^a-z0-9]", "", name.lower())
    for other in asked:
        plain = re.sub(r"[^a-z0-9]", "", other.lower())
        if bare == plain or (
            len(bare) > 4 and difflib.SequenceMatcher(None, bare, plain).ratio() >= 0.9
        ):
            return True
        initials = "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", other)).lower()
        if len(initials) > 1 and bare == initials:
            return True
    return False


@lru_cache(maxsize=64)  # the near-miss check and the answerer read the same abstracts
def typed_names(abstracts: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """What `names_asked` reads the abstracts for: the names they call datasets and the words
    they write in lower case."""
    return dataset_names(abstracts), common_words(abstracts)


def common_words(abstracts: Iterable[str]) -> frozenset[str]:
    """The words `abstracts` write in lower case ("networks", not "Adam")."""
    return frozenset(w for a in abstracts for w in re.findall(r"\b[a-z][a-z\-]*\b", a))


def names_asked(
    sentence: str,
    question: Question,
    datasets: frozenset[str] = frozenset(),
    common: frozenset[str] = frozenset(),
) -> bool:
    """Whether `sentence` names a thing of the kind the question asks for: a name other than
    the question's own (nor a variant of it, a link, a field's acronym); for a question about
    models or methods, not a name the sentence calls a dataset ("the CIFAR-10 dataset")."""
    if not _names_other(sentence, question):
        return False
    asked = [*question.names, " ".join(question.names)]
    wants_data = bool(_DATA_KINDS & {w.lower() for w in asked_phrase(question.text)})
    for name in names_in(_URL.sub(" ", sentence)):
        if name.lower() in _GENERIC_ACRONYMS or _PLURAL_ACRONYM.match(name):
            continue
        if not _acronym(name) and name.lower() in common:
            # "When it comes to Neural Networks": a capitalised word is a name only when the
            # abstracts never write it in lower case ("Adam")
            continue
        if name.lower() in {n.lower() for n in question.names} or _variant(name, asked):
            continue
        end = sentence.find(name) + len(name)
        if not wants_data and (
            _DATA_NOUN_AFTER.match(sentence[end:])
            or any(known in name for known in datasets)  # "ImageNetV2" extends "ImageNet"
        ):
            continue  # "the CIFAR-10 dataset" is no model
        return True
    return False


# Names an abstract calls datasets: "the COCO dataset", "datasets such as ImageNet",
# "multiple datasets, including CIFAR, Tiny-ImageNet, and ImageNet-1K".
_DATA_LIST = re.compile(
    r"\b(?:data ?sets?|benchmarks?)\b,?\s+(?:such as|like|including|e\.g\.,?)\s+"
    r"((?:[\w\-.+]+(?:,\s*(?:and\s+|or\s+)?|\s+and\s+|\s+or\s+)){0,6}[\w\-.+]+)",
    re.IGNORECASE,
)


_DATASET_AFTER = re.compile(r"^[\s\-]*(?:data ?sets?|benchmarks?|corpus|database)\b", re.I)
_LETTERS = re.compile(r"[A-Za-z]{2}")


def dataset_names(abstracts: Iterable[str]) -> frozenset[str]:
    """The names `abstracts` call datasets (at least four characters long)."""
    found: set[str] = set()
    for abstract in abstracts:
        for name in names_in(abstract):
            if not _acronym(name) or len(name) < 4 or not _LETTERS.search(name):
                continue
            if any(
                _DATASET_AFTER.match(abstract[m.end() :])
                for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", abstract)
            ):
                found.add(name)
        for listed in _DATA_LIST.finditer(abstract):
            found.update(
                n
                for n in names_in(f"x {listed.group(1)}")
                if _acronym(n) and len(n) > 3 and _LETTERS.search(n)
            )
    return frozenset(found)


_BIBLIOGRAPHIC = re.compile(
    r"\bwho\s+(?:led|leads|wrote|writes|authored|created|built|developed|made|designed|"
    r"proposed|introduced|released|funded|maintains)\b|\bwho\s+(?:are|were|is|was)\s+the\s+"
    r"(?:authors?|creators?|developers?)\b|\b(?:first|last|lead|corresponding)\s+author\b"
    r"|\b(?:which|what)\s+(?:conference|journal|venue|workshop|institution|university|lab)\b"
    r"|\b(?:where|when|in\s+which\s+year|what\s+year)\b[^?]*\b(?:published|presented|appeared)\b",
    re.IGNORECASE,
)
_PUBLICATION = re.compile(
    r"\b(?:published (?:in|at|by)|conference|journal|proceedings|workshop|university|"
    r"institute|our team|led by)\b",
    re.IGNORECASE,
)
# A question about money ("How much did the annotation cost in dollars?") is answered by a sum
# ("$10,000", "5k USD"); "cost", "pay" and "budget" alone are often compute ("the training
# cost users pay", "a recovery budget"), so they do not count.
_MONEY = re.compile(
    r"\b(?:dollars?|money|paid|price|prices|priced|usd|euros?)\b|\$",
    re.IGNORECASE,
)
_CURRENCY = re.compile(
    r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:k|m|million|billion)?\s?(?:usd|dollars?|euros?|eur)\b",
    re.IGNORECASE,
)
# "How old were the participants?": an age must be given ("aged 30 to 60", "8-year-old").
_HOW_OLD = re.compile(r"\bhow old\b", re.IGNORECASE)
_AGE = re.compile(r"\b(?:aged?|ages|years? old|years? of age|\d+-year-old)\b", re.IGNORECASE)


def _gives_duration(question: Question, papers: Iterable[Paper]) -> bool:
    """Whether a sentence gives a duration of what the question is about: it must share a
    topic word with the question ("over the last 20 years" says nothing of annotation time)."""
    named = terms(" ".join(question.names))
    topic = query_terms(question.text) - named - _DURATION_WORDS
    for paper in papers:
        sentences = _sentences(paper.abstract)
        for sentence, present in zip(sentences, terms_many(list(sentences)), strict=True):
            if _DURATION.search(sentence) and any(_has(t, present) for t in topic):
                return True
    return False


# A focus an abstract answers with a value, not by naming it: "which year" by "(2016)", "over
# what period" by "over the past decade".  The value must stand in a sentence sharing a topic
# word with the question ("Nguyen et al. (2016) showed ...", not any year in the abstract).
# "Since 2012, ..." and "in 2016." end a year; "2012.5" and "2,0125" are other figures.
_YEAR = re.compile(r"(?<![\d.,])(?:1[89]|20)\d\d(?![\d%]|[.,]\d)")
_SINCE = re.compile(
    r"\b(?:since|from|between|until|by) (?:the )?(?:early |late |mid-)?(?:1[89]|20)\d\d"
)
_VALUE_FOCUS: dict[str, tuple[re.Pattern[str], ...]] = {
    "year": (_YEAR,),
    "date": (_YEAR,),
    "period": (_DURATION, _SINCE),
    "timeframe": (_DURATION, _SINCE),
    "timespan": (_DURATION, _SINCE),
    "decade": (_DURATION, _SINCE),
}
_VALUE_WORDS = terms("year date period timeframe timespan decade time span published")


def value_patterns(question: Question) -> tuple[re.Pattern[str], ...]:
    """The forms of the value that answers the question's focus (`_VALUE_FOCUS`: a year for
    "which year"), or none (a count of years, "how many years", is a figure focus)."""
    if len(question.focus) != 1 or question.wh in ("how many", "how much", "how long"):
        return ()
    return _VALUE_FOCUS.get(question.focus[0].lower().removesuffix("s"), ())


def _value_stated(question: Question, papers: Iterable[Paper]) -> bool | None:
    """For a focus answered by a value: whether a sentence gives one about the question's
    topic; None for any other focus."""
    patterns = value_patterns(question)
    if not patterns:
        return None
    topic = query_terms(question.text) - _VALUE_WORDS
    for paper in papers:
        # The paper's own title words name the paper, not the topic of the value.
        own = terms(paper.title)
        sentences = _sentences(paper.abstract)
        for sentence, present in zip(sentences, terms_many(list(sentences)), strict=True):
            if any(p.search(sentence) for p in patterns) and any(
                _has(t, present) for t in topic - own
            ):
                return True
    return False


def _asked(question: Question) -> str:
    """The focus as the question asks for it: "how many GPUs", "the learning rate"."""
    words = _focus_words(question)
    if question.wh in ("how many", "how much"):
        return f"{question.wh} {words}"
    share = _SHARE_OF.search(question.text)
    if share:
        return f"the {share.group(1).lower()} of {words}"  # "the share of LGS products"
    return f"the {words}"


_SHARE_OF = re.compile(
    r"\b(?:what|which)\s+(share|fraction|proportion|percentage|number|amount)\s+of\b", re.I
)


_NAMEISH = re.compile(r"\b[A-Za-z][\w\-]*\d[\w\-]*\b")


def _without_names(sentence: str) -> str:
    """The sentence with names that carry digits ("ResNet-50", "FAIR1M") blanked out."""
    return _NAMEISH.sub(" ", sentence)


_MAGNITUDE = re.compile(r"\borders? of magnitude\b", re.IGNORECASE)


def states_figure(sentence: str) -> bool:
    """Whether a sentence gives a figure (digits outside names, a number word, "an order of
    magnitude", a span of time: "over the last decade")."""
    return bool(
        _FIGURE.search(_without_names(sentence))
        or _MAGNITUDE.search(sentence)
        or _DURATION.search(sentence)
    )


def has_term(term: str, present: frozenset[str]) -> bool:
    """`term` (stemmed) in `present`, in its other number or as an equivalent word."""
    return _has(term, present)
