"""The offline answerer's rules on their own: what a question asks for, what each abstract
sentence does, whether the abstracts state what is asked, and referents.  Pure functions on
hand-written text; no library, no model."""

from __future__ import annotations

import pytest

from assistant.rag.extractive import candidates
from assistant.rag.question import analyse, frame_of, frame_words
from assistant.rag.referents import (
    anaphor,
    draws_consequence,
    introduced_name,
    labels_previous,
    needs_previous,
    referent,
    with_referent,
)
from assistant.rag.relevance import mentioned_papers
from assistant.rag.scoring import query_terms, terms
from assistant.rag.sentence_roles import roles_of
from assistant.rag.sentences import split_sentences
from assistant.rag.stated import (
    coined_by,
    dataset_names,
    mentions,
    subject_papers,
    unstated,
    word_forms,
)
from assistant.types import Chunk, Paper, Passage, Source


# ---- question kinds -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What is DataDAM?", "what"),
        ("Which strategy does dataset reinforcement use?", "what"),
        ("How does FYI mitigate the bilateral equivalence?", "how"),
        ("How many images does the benchmark contain?", "figure"),
        ("How much GPU memory does it need?", "figure"),
        ("By how much does DataDAM improve on CIFAR100?", "figure"),
        ("What top-1 accuracy does NASNet reach?", "figure"),
        ("What share of the data does pruning keep?", "figure"),
        ("How well does the model transfer?", "figure"),
        ("How does DendroMap perform on COCO?", "figure"),
        ("Why does IBN-Net combine two normalizations?", "why"),
        ("Where were the images collected from?", "other"),
    ],
)
def test_question_kind(question: str, kind: str) -> None:
    assert analyse(question).kind == kind


def test_an_embedded_how_much_is_not_the_question() -> None:
    asked = analyse("How does the method decide how much of each concept to prune?")
    assert asked.kinds == {"how"} and asked.focus == () and not asked.figure_focus


def test_a_second_question_after_and_counts() -> None:
    asked = analyse("How is the dataset annotated, and how many bounding boxes does it have?")
    assert asked.kinds == {"how", "figure"}
    assert asked.focus == ("bounding", "boxes") and asked.figure_focus


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        ("What learning rate was used to train DataDAM?", ("learning", "rate")),
        ("How many GPUs were used?", ("GPUs",)),
        ("What batch size does FYI use?", ("batch",)),  # "size" only says a figure is wanted
        ("Which kinds of images were left out?", ()),  # "kinds" asks for a sort, not a fact
        ("Which papers study the diversity of prompts?", ()),  # "papers" heads the phrase
        ("What is PatternNet designed to discover?", ("PatternNet",)),
        ("What is wrong with scraped descriptions?", ()),
        ("What does the prefix token tell the encoder?", ()),
        # a verb before a determiner ends the phrase: the wh-word is its subject
        ("What causes the slowdown on long inputs?", ()),
        ("Which runner won the race?", ("runner",)),
        ("How many volunteers took part in the trial?", ("volunteers",)),  # irregular past
        ("How many times more labels does Matcher give?", ("labels",)),  # a ratio: "15x more"
        # a possessive ends the phrase: "which year's" asks for a year
        ("On which year's ImageNet challenge set is it measured?", ("year",)),
        # a share of something is a share of what follows "of"
        ("What share of the LGS products are clothing?", ("LGS", "products")),
        # what is counted is the focus, a kind of artefact too
        ("How many models make up the ensemble?", ("models",)),
        ("How many of the 114 publications were about faces?", ("publications",)),
        # a verb after a plural subject, before its preposition or particle, ends the phrase
        ("Which popularity indicators come with the photos?", ("popularity", "indicators")),
        ("What turns out to be the vehicle?", ()),
    ],
)
def test_focus_is_the_asked_noun_phrase(question: str, focus: tuple[str, ...]) -> None:
    assert analyse(question).focus == focus


@pytest.mark.parametrize(
    ("question", "frame"),
    [
        ("According to the Visual Genome paper, what must models understand?",
         "According to the Visual Genome paper, "),
        ("In the study contrasting natural and medical images, how does d relate to r?",
         "In the study contrasting natural and medical images, "),
        ("Which cognitive tasks do computers do poorly on, according to the Visual Genome paper?",
         ", according to the Visual Genome paper"),
        ("In which dataset are the images labelled twice?", ""),
        ("For how many epochs is SN-Net trained?", ""),
    ],
)  # fmt: skip
def test_the_clause_that_only_says_which_paper_answers(question: str, frame: str) -> None:
    assert frame_of(question) == frame


def test_names_are_capitalised_or_carry_digits() -> None:
    asked = analyse("What mAP does NASNet reach on Pascal VOC and ImageNet-1K, not top-1?")
    assert asked.names == ("mAP", "NASNet", "Pascal", "VOC", "ImageNet-1K")
    assert analyse("DataDAM or fMRI-3D?").names == ("DataDAM", "fMRI-3D")


@pytest.mark.parametrize(
    ("question", "background"),
    [
        ("What limitation of PASS do its authors acknowledge?", True),
        ("Why are single-label annotations harmful?", True),
        ("What problem does DataDAM address?", True),
        ("How does DataDAM learn its synthetic images?", False),
        ("How many images does DIOR contain?", False),
    ],
)
def test_questions_asking_for_background(question: str, background: bool) -> None:
    assert analyse(question).wants_background is background


# ---- sentence roles -----------------------------------------------------------------------------
ABSTRACT = [
    "Dataset distillation creates small synthetic training sets.",
    "Unfortunately, previous methods are costly and fail to generalise.",
    "In this paper, we propose Matcher, a distillation method.",
    "Specifically, we match the attention maps of real and synthetic images.",
    "Matcher outperforms prior methods by 6.5% on CIFAR100.",
    "Our method does not yet scale to video.",
    "What if real data were unnecessary?",
    "Code is available at https://example.org/matcher.",
]


def test_roles_of_an_abstract() -> None:
    roles = roles_of(ABSTRACT, "Matcher")
    assert roles[0].background and roles[0].context
    assert roles[1].background and roles[1].problem and roles[1].context
    assert roles[2].contribution and not roles[2].context
    assert roles[3].mechanism and roles[3].method
    assert roles[4].result and roles[4].figure and not roles[4].background
    assert roles[5].limitation
    assert roles[6].question
    assert roles[7].resource


# ---- referents ---------------------------------------------------------------------------------
def test_a_dataset_sentence_gets_the_name_introduced_before_it() -> None:
    previous = 'Then, we propose a large-scale dataset, termed "NWPU-RESISC45", for scenes.'
    sentence = "This dataset contains 31,500 images, covering 45 scene classes."
    assert referent(sentence, previous, "Remote Sensing Image Scene Classification") == (
        "NWPU-RESISC45"
    )
    shown = with_referent(sentence, "NWPU-RESISC45")
    assert (
        shown == "This dataset [NWPU-RESISC45] contains 31,500 images, covering 45 scene classes."
    )
    # The quote is unchanged around the bracketed insertion.
    assert shown.replace(" [NWPU-RESISC45]", "") == sentence


def test_it_refers_to_the_papers_name_when_the_sentence_before_speaks_of_it() -> None:
    previous = "PASS only contains images with CC-BY license."
    sentence = "Most importantly, it contains no images of people at all."
    assert referent(sentence, previous, "PASS") == "PASS"
    assert with_referent(sentence, "PASS").startswith("Most importantly, it [PASS] contains")


def test_an_acronym_in_background_is_not_a_referent() -> None:
    previous = "Recent self-supervised learning (SSL) methods need no labels."
    sentence = "It is also unlikely to refine the shape given more images."
    assert referent(sentence, previous, "Robust Attentional Aggregation") is None
    assert needs_previous(sentence, previous, "Robust Attentional Aggregation")


@pytest.mark.parametrize(
    "sentence",
    [
        "These limitations severely limit the development of new approaches.",
        "Such operations are non-invertible and lose information.",
        "They have thus proposed a multi-label evaluation.",
        "Despite their abundance, these descriptions are noisy.",
    ],
)
def test_sentences_that_need_the_one_before(sentence: str) -> None:
    assert needs_previous(sentence, "Existing datasets are small.", "Some Title")


@pytest.mark.parametrize(
    "sentence",
    [
        "This paper provides a comprehensive review.",
        "DataDAM learns synthetic images.",
        "In this work, we present SN-Net.",
    ],
)
def test_sentences_that_stand_alone(sentence: str) -> None:
    assert anaphor(sentence) is None


# ---- what the abstracts state (near misses) ------------------------------------------------------
def _source(number: int, title: str, abstract: str) -> Source:
    paper = Paper(id=f"p{number}", title=title, abstract=abstract)
    chunk = Chunk(f"p{number}#0", paper.id, 0, abstract, 0, len(abstract))
    return Source(number, paper, Passage(chunk, 0.5))


SOURCES = [
    _source(
        1,
        "Matcher: Distillation by Attention Matching",
        "Matcher distils datasets by matching attention maps. It improves accuracy by 6.5% on "
        "CIFAR-10/100 and trains on 8 GPUs in 3 hours.",
    ),
    _source(
        2,
        "Flipper: Flip Your Images",
        "Flipper embeds horizontal flips into distillation. Experiments on ImageNet show gains; "
        "datasets such as COCO are not used.",
    ),
]


def test_a_name_found_in_one_paper_makes_it_the_subject() -> None:
    assert subject_papers(analyse("How does Matcher work?"), SOURCES) == ("p1",)
    assert subject_papers(analyse("How does distillation work?"), SOURCES) == ()


def test_a_paper_named_in_its_title_wins_over_a_name_in_passing() -> None:
    asked = analyse("How does Flipper perform on the COCO dataset?")
    assert subject_papers(asked, SOURCES) == ("p2",)


def test_papers_named_side_by_side_are_all_subjects() -> None:
    """Seen as a new user: "What do the DIOR and FAIR1M datasets contain?" abstained ("DIOR is
    not mentioned in the abstract of FAIR1M"): FAIR1M is in its title, DIOR only in its
    abstract, and the title-named paper alone was kept."""
    sources = [
        *SOURCES,
        _source(3, "Remote Sensing Detection: A Benchmark", "We name our benchmark Orbit."),
    ]
    both = analyse("What do the Flipper and Orbit datasets contain?")
    assert set(subject_papers(both, sources)) == {"p2", "p3"}
    assert unstated(both, sources, subject_papers(both, sources)) is None
    # a name in passing beside a title-named paper, not listed with it, is still no subject
    passing = analyse("How does Flipper perform on the COCO dataset, unlike Orbit?")
    assert subject_papers(passing, sources) == ("p2",)


def test_names_match_their_spellings() -> None:
    forms = word_forms("Results on CIFAR-10/100, ImageNet-1K and Tiny-ImageNet.")
    assert {"cifar10", "cifar100", "imagenet1k", "imagenet", "tinyimagenet"} <= forms
    text = next(iter(SOURCES)).paper
    assert mentions("CIFAR100", _paper_text(text)) and not mentions("MNIST", _paper_text(text))


def test_an_acronym_names_only_a_paper_that_spells_it() -> None:
    # "MEDIC" is not "medical": stemming an acronym would name the wrong paper too.
    sources = [
        _source(1, "DisasterSet", "We propose MEDIC, a dataset of disaster images from X."),
        _source(2, "Scans", "Medical images are harder to learn from than natural images."),
    ]
    asked = analyse("Where do the images of the MEDIC dataset come from?")
    assert subject_papers(asked, sources) == ("p1",)
    assert mentions("GPUs", _paper_texts(sources)["p1"]) is False
    assert mentions("GPUs", _paper_texts(SOURCES)["p1"])  # "8 GPUs": plural or not, one name


def _paper_texts(sources: list[Source]):
    from assistant.rag.stated import _paper_texts as texts

    return texts(sources)


def _paper_text(paper: Paper):
    from assistant.rag.stated import _paper_texts

    source = next(s for s in SOURCES if s.paper.id == paper.id)
    return _paper_texts([source])[paper.id]


@pytest.mark.parametrize(
    ("question", "missing"),
    [
        ("What learning rate was used to train Matcher?", "the learning rate"),
        ("What accuracy does Matcher reach on MNIST?", '"MNIST"'),
        ("Which optimizer does Matcher use?", "the optimizer"),
        ("How many epochs was Matcher trained for?", "how many epochs"),
        ("How much memory does Matcher need?", "how much memory"),
    ],
)
def test_near_misses_say_what_is_not_stated(question: str, missing: str) -> None:
    asked = analyse(question)
    subjects = subject_papers(asked, SOURCES)
    found = unstated(asked, [s for s in SOURCES if s.paper.id in subjects], subjects)
    assert found is not None and found.what == missing and found.papers == ("p1",)


@pytest.mark.parametrize(
    "question",
    [
        "How many GPUs does Matcher train on?",
        "How long does Matcher take to train?",
        "What accuracy does Matcher improve on CIFAR100?",
        "How does Matcher distil datasets?",
        "How many times more GPUs does Matcher train on?",
    ],
)
def test_what_the_abstract_states_is_not_a_near_miss(question: str) -> None:
    asked = analyse(question)
    subjects = subject_papers(asked, SOURCES)
    assert unstated(asked, [s for s in SOURCES if s.paper.id in subjects], subjects) is None


def test_a_figure_question_needs_a_figure_with_its_focus() -> None:
    source = _source(3, "Patterns", "Patterns uses the last convolution layer of a network.")
    asked = analyse("How many layers does Patterns have?")
    found = unstated(asked, [source], ("p3",))
    assert found is not None and found.what == "how many layers"


def test_sentences_cut_at_an_unknown_abbreviation_are_joined() -> None:
    text = "It beats the baseline by 1.1p.p. while using 27.7% of the data. Next sentence."
    spans = split_sentences(text)
    assert [s.text for s in spans] == [
        "It beats the baseline by 1.1p.p. while using 27.7% of the data.",
        "Next sentence.",
    ]
    assert all(text[s.start : s.end] == s.text for s in spans)


def test_a_duration_must_be_of_what_is_asked() -> None:
    source = _source(4, "Artsy", "Datasets grew over the last 20 years. Artsy annotates paintings.")
    asked = analyse("How long did the annotation of Artsy take?")
    found = unstated(asked, [source], ("p4",))
    assert found is not None and found.what == "how long it takes"


def test_a_counted_focus_needs_its_figure_next_to_it() -> None:
    # "2012" counts no GPU; "8 GPUs" does.
    far = _source(5, "Scaler", "Since 2012, models grew with the computational power of GPUs.")
    found = unstated(analyse("How many GPUs were used to train Scaler?"), [far], ("p5",))
    assert found is not None and found.what == "how many GPUs"
    near = [s for s in SOURCES if s.paper.id == "p1"]
    assert unstated(analyse("How many GPUs does Matcher train on?"), near, ("p1",)) is None


def test_a_count_before_a_preposition_counts_the_word_before_it() -> None:
    source = _source(
        16,
        "Artful",
        "Artful contains 15000 images of paintings with 12 possible poses for boxes.",
    )
    # "12 possible poses for boxes" counts poses: the number of boxes is not stated ...
    found = unstated(analyse("How many bounding boxes does Artful contain?"), [source], ("p16",))
    assert found is not None and found.what == "how many bounding boxes"
    # ... while "images of paintings" counts the paintings, and "poses" are counted
    assert unstated(analyse("How many paintings does Artful hold?"), [source], ("p16",)) is None
    assert unstated(analyse("How many poses does Artful give?"), [source], ("p16",)) is None


def test_a_category_noun_is_filled_by_its_member_not_its_word() -> None:
    # The abstract names the suite and the tool; it never writes "suite" or "tool".
    source = _source(
        12,
        "Pruner: pruning web-scale data",
        "Pruning improves ImageNet shifts, retrieval tasks and VTAB. We provide an improved "
        "web-interface for dataset exploration.",
    )
    for question in (
        "Which benchmark suite also improves under Pruner pruning?",
        "What tool for exploring the data comes with Pruner?",
    ):
        assert unstated(analyse(question), [source], ("p12",)) is None, question
    # A category noun with a topic word: the topic must still be stated.
    found = unstated(analyse("Which speech technology does Pruner use?"), [source], ("p12",))
    assert found is not None and found.what == "the speech"


def test_a_quantity_of_none_answers_how_much_but_counts_nothing() -> None:
    source = _source(
        13,
        "Reinforcer: a better dataset",
        "Models trained on it improve at no additional training cost. It requires no model "
        "training. It contains no images of people.",
    )
    for question in (
        "What extra training cost does Reinforcer add?",
        "How much model training does Reinforcer require?",
    ):
        assert unstated(analyse(question), [source], ("p13",)) is None, question
    found = unstated(analyse("How many images does Reinforcer contain?"), [source], ("p13",))
    assert found is not None and found.what == "how many images"


@pytest.mark.parametrize(
    ("question", "address"),
    [
        ("Where can the re-labeled ImageNet training set be obtained?", True),
        ("Where is the MEDIC dataset hosted?", True),
        ("Where can the SurgeNet weights be downloaded?", True),
        ("What is the URL of the DendroMap project page?", True),
        ("Where did Quilt-1M get its image-text samples?", False),
        ("Where are the attention maps taken from?", False),
        ("Which papers release a new dataset?", False),
    ],
)
def test_questions_asking_where_to_get_something(question: str, address: bool) -> None:
    assert analyse(question).wants_address == address


LINKED = _source(
    14,
    "Mapper: exploring image clusters",
    "Mapper organizes images into treemaps of clusters. "
    "Mapper is available at https://example.org/mapper/.",
)


def test_a_short_link_sentence_answers_where_to_get_it() -> None:
    quoted = [span.text for _, span, _ in candidates([LINKED], links=True, address=True)]
    assert "Mapper is available at https://example.org/mapper/." in quoted
    # Otherwise a sentence that is little but a link says nothing worth quoting.
    plain = [span.text for _, span, _ in candidates([LINKED], links=True)]
    assert "Mapper is available at https://example.org/mapper/." not in plain


def test_where_to_get_it_is_a_near_miss_when_no_abstract_says() -> None:
    unlinked = _source(15, "Sorter: sorting images", "Sorter sorts images by their clusters.")
    asked = analyse("Where can the Sorter code be found?")
    found = unstated(asked, [unlinked], ("p15",))
    assert found is not None and found.what == "where to get it"
    assert unstated(analyse("Where can the Mapper code be found?"), [LINKED], ("p14",)) is None


def test_a_name_in_one_papers_passage_makes_a_link_question_relevant() -> None:
    other = _source(16, "Grouper", "Grouper groups images; see Mapper-like tools.")
    assert mentioned_papers("Where can Mapper be downloaded?", [LINKED, other]) == {"p14"}
    assert mentioned_papers("Where can Grouper be downloaded?", [LINKED, other]) == {"p16"}
    assert mentioned_papers("Where can Tool be downloaded?", [LINKED, other]) == set()


def test_an_order_of_magnitude_answers_how_much_faster() -> None:
    source = _source(
        17,
        "Miner: pattern mining",
        "Miner finds patterns without patch sampling, an order of magnitude speedup over others.",
    )
    assert (
        unstated(analyse("How much faster is Miner than other miners?"), [source], ("p17",)) is None
    )
    slow = _source(
        18, "Digger: pattern mining", "Digger finds patterns with a speedup over others."
    )
    found = unstated(analyse("How much faster is Digger than other miners?"), [slow], ("p18",))
    assert found is not None and found.what == "how much faster"


def test_one_paper_on_another_papers_benchmark_is_a_near_miss() -> None:
    # Each name is in one abstract (not in a title), and no abstract holds both.
    papers = [
        _source(6, "Spectral mixing", "STX mixes tokens spectrally and reaches 85% on ImageNet."),
        _source(7, "Searching in one run", "SRX searches architectures, +1.8% mIoU on ADE20K."),
    ]
    asked = analyse("How does STX perform on ADE20K?")
    subjects = subject_papers(asked, papers)
    assert set(subjects) == {"p6", "p7"}
    found = unstated(asked, papers, subjects)
    assert found is not None and found.what == '"ADE20K" for STX'
    # Two things listed side by side ask about both.
    both = analyse("How do STX and SRX work?")
    assert unstated(both, papers, subject_papers(both, papers)) is None
    either = analyse("Is STX or the SRX model faster?")
    assert unstated(either, papers, subject_papers(either, papers)) is None
    # A comma or "and" elsewhere in the clause does not list the two names side by side
    # (the same rule subject_papers uses): it still asks STX about ADE20K.
    clause = analyse("How does STX, with spectral mixing, perform on ADE20K?")
    found = unstated(clause, papers, subject_papers(clause, papers))
    assert found is not None and found.what == '"ADE20K" for STX'


def test_a_focus_must_be_spelled_not_only_share_a_stem() -> None:
    # "optimizer", "optimal" and "optimized" share the stem "optim"; only the word answers.
    source = _source(8, "Faker", "After tuning, the optimal network of Faker reaches 93% accuracy.")
    found = unstated(analyse("Which optimizer was used to train Faker?"), [source], ("p8",))
    assert found is not None and found.what == "the optimizer"
    named = _source(9, "Faker", "Faker trains with the Adam optimizer and reaches 93% accuracy.")
    assert unstated(analyse("Which optimizer was used to train Faker?"), [named], ("p9",)) is None


def test_a_count_qualified_by_what_the_abstract_lacks_is_a_near_miss() -> None:
    source = _source(10, "Crisis", "We propose CRISIS, a dataset of 71,198 social media images.")
    asked = analyse("How many CRISIS images are labelled as flood damage?")
    found = unstated(asked, [source], ("p10",))
    assert found is not None and "flood damage" in found.what
    # The count the abstract gives, asked in other words, is stated.
    plain = analyse("How many social media images does CRISIS contain?")
    assert unstated(plain, [source], ("p10",)) is None


def test_a_count_held_by_the_resulting_dataset_is_not_qualified_by_holding() -> None:
    source = _source(
        14,
        "Histo",
        "We combine Histo with data from Twitter, research papers and the internet in general "
        "to create Histo-1M, with 1M paired image-text samples.",
    )
    asked = analyse(
        "Once Histo is merged with Twitter, research papers and general web data, how many "
        "paired samples does the resulting dataset hold?"
    )
    assert unstated(asked, [source], ("p14",)) is None


@pytest.mark.parametrize(
    ("question", "abstract", "stated"),
    [
        # A year asked is answered by a year in a sentence on the question's topic.
        (
            "From which year is the Nguyen et al. method that Painter extends?",
            "Painter paints. Recently, Nguyen et al. (2016) showed a way to synthesize images.",
            True,
        ),
        # A year about something else (the rise of GPUs) does not answer it.
        (
            "From which year is the Nguyen et al. method that Painter extends?",
            "Painter paints. Since 2012, models grew with the power of GPUs.",
            False,
        ),
        # A period is answered by a span of time about the topic ...
        (
            "Over what period have applications in surgery grown rapidly, according to Painter?",
            "Over the past decade, applications in surgery have rapidly increased. Painter paints.",
            True,
        ),
        # ... and not stated when the abstract gives none.
        (
            "Over what period have applications in surgery grown rapidly, according to Painter?",
            "Applications in surgery have rapidly increased. Painter paints.",
            False,
        ),
        # "How many years" is a count, not a value: the figure rules judge it as before.
        (
            "How many years of surgery videos does Painter hold?",
            "Over the past decade, applications in surgery have rapidly increased. Painter paints.",
            False,
        ),
        # A year that ends a clause ("Since 2012, ...") is a year too.
        (
            "From which year does Painter date the advances in GPU computation?",
            "Painter paints. Since 2012, there have been advances in GPU computation.",
            True,
        ),
    ],
)
def test_a_year_or_a_period_is_stated_by_its_value(
    question: str, abstract: str, stated: bool
) -> None:
    source = _source(15, "Painter: Conditional Generation", abstract)
    found = unstated(analyse(question), [source], ("p15",))
    assert (found is None) is stated, found


def test_the_subject_name_does_not_score_its_own_sentences() -> None:
    from assistant.rag.stated import subject_names

    asked = analyse("How does Matcher distil datasets on CIFAR-10?")
    subjects = subject_papers(asked, SOURCES)
    # "Matcher" picks out p1; "CIFAR-10", also only in p1, is asked about, but names p1 too.
    assert subject_names(asked, SOURCES, subjects)[0] == "Matcher"
    assert subject_names(analyse("How does distillation work?"), SOURCES, ()) == ()


def test_a_plus_makes_another_name_and_a_hyphenated_focus_is_matched_word_by_word() -> None:
    assert "imagenetplus" in word_forms("We create ImageNet+, a reinforced ImageNet.")
    assert "imagenetplus" not in word_forms("Results on ImageNet.")
    source = _source(11, "Mixer", "Mixer outperforms others in transfer learning on CIFAR10.")
    asked = analyse("On which transfer-learning datasets does Mixer outperform others?")
    assert unstated(asked, [source], ("p11",)) is None


def test_a_compound_the_abstract_abbreviates_is_stated() -> None:
    # "VL pre-training objectives" states "vision-language pre-training objectives".
    sources = [_source(1, "Prefixer", "Prefixer plugs into VL pre-training objectives like X.")]
    asked = analyse("Which vision-language pre-training objectives can Prefixer be used with?")
    assert unstated(asked, sources, ("p1",)) is None
    asked = analyse("Which audio-visual pre-training objectives can Prefixer be used with?")
    assert unstated(asked, sources, ("p1",)) is not None


def test_a_passage_stating_one_side_of_an_or_is_as_relevant_as_both() -> None:
    from assistant.rag.relevance import assess
    from assistant.rag.scoring import UniformWeights

    sources = [_source(1, "Teacher", "A teacher network distils soft targets into a student.")]
    weights = UniformWeights()
    one_side = assess(
        "Which papers distil a teacher network or mine hard negatives?", sources, weights
    )
    only_it = assess("Which papers distil a teacher network?", sources, weights)
    assert one_side.per_source[0] == pytest.approx(only_it.per_source[0])
    neither = assess("Which papers mine hard negatives or prune filters?", sources, weights)
    assert neither.per_source[0] < only_it.per_source[0]


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        # a superlative ranks the figures the abstract gives; it is not what is asked about
        ("What is the smallest sample count of the benchmark?", ("sample",)),
        ("Which largest model does Matcher train?", ()),
        # a word before a manner adverb is a verb: "families *gain* similarly"
        ("Which other model families gain similarly from reinforcement?", ()),
        ("Which encoder layers transfer directly to detection?", ("encoder", "layers")),
        # generic names of learned models say which kind of thing, like "model"
        ("Which network does Matcher surpass?", ()),
        # "-est" and "-ly" words that are neither superlatives nor adverbs stay
        ("What test accuracy does the family of models reach?", ("test", "accuracy")),
    ],
)
def test_superlatives_verbs_and_kind_words_are_not_the_focus(
    question: str, focus: tuple[str, ...]
) -> None:
    assert analyse(question).focus == focus


def test_a_synonym_or_an_irregular_verb_form_states_what_is_asked() -> None:
    sources = [
        _source(
            1,
            "Atlas: A Dataset of Scenes",
            "Atlas annotates boxes of 600 object classes. Its captions were written by 12 "
            "raters. The scripts are spoken by 1.3 billion people.",
        )
    ]
    for question in (
        "For how many object categories does Atlas draw boxes?",  # categories = classes
        "How many annotators wrote the Atlas captions?",  # annotators = raters
        "How many people speak the scripts that Atlas covers?",  # speak = spoken
    ):
        asked = analyse(question)
        assert unstated(asked, sources, ("p1",)) is None, question
    # an inflection of the asked word is not another word: "annotations" do not count
    # annotators, and a synonym the abstract lacks still leaves the question unanswered
    other = [_source(1, "Boxes", "Boxes offers 15.4M bounding boxes and 375k annotations.")]
    assert unstated(analyse("How many annotators drew the Boxes boxes?"), other, ("p1",))
    assert unstated(analyse("How many photos does Boxes contain?"), other, ("p1",))


def test_a_list_question_is_gated_on_its_topic_not_its_frame() -> None:
    from assistant.rag.relevance import LIST_RELEVANCE_THRESHOLD, RELEVANCE_THRESHOLD, assess
    from assistant.rag.scoring import UniformWeights

    sources = [
        _source(1, "Landmarks", "Landmarks reports results from a public challenge on retrieval.")
    ]
    weights = UniformWeights()
    framed = assess("Which papers took part in or ran a public challenge?", sources, weights)
    plain = assess("public challenge", sources, weights)
    # "papers", "took part", "ran" frame the question: only its topic is scored
    assert framed.query_terms == plain.query_terms
    assert framed.per_source[0] == pytest.approx(plain.per_source[0])
    assert framed.threshold == LIST_RELEVANCE_THRESHOLD < RELEVANCE_THRESHOLD
    # ... and so is one after an opening phrase, whose frame is the part after it
    opened = assess("Apart from GLD, which papers ran a public challenge?", sources, weights)
    assert opened.threshold == LIST_RELEVANCE_THRESHOLD
    assert frame_words("Apart from GLD, which papers ran a public challenge?") == (
        "papers",
        "ran",
        "a",
    )
    single = assess("Where was the public challenge run?", sources, weights)
    assert single.threshold == RELEVANCE_THRESHOLD
    # a list question about what no passage mentions still fails the gate
    off = assess("Which papers study protein folding in yeast?", sources, weights)
    assert not off.relevant


def test_a_what_is_question_wants_the_sentence_defining_its_name() -> None:
    from assistant.rag.extractive import defined_name, defines

    assert defined_name(analyse("What is DendroMap?")) == "DendroMap"
    assert defined_name(analyse("What is the Atlas dataset?")) is None  # not only a name
    assert defined_name(analyse("How does DendroMap work?")) is None
    assert defines("we present DendroMap, a novel approach to exploring", "DendroMap")
    assert defines("we curate Quilt: a large-scale vision-language dataset", "Quilt")
    assert defines("a new benchmark, which we name as DIOR.", "DIOR")
    assert not defines("DendroMap is available online.", "DendroMap")
    assert not defines("We compare DendroMap with a grid of t-SNE.", "DendroMap")


@pytest.mark.parametrize(
    ("question", "one_name"),
    [
        ("Which network does BossNet-T surpass on ImageNet?", True),
        ("Which multimodal language model was trained on the descriptions?", True),
        ("Which datasets focus on artworks?", False),  # a list, one sentence per paper
        ("What network does the method use?", False),  # "what": the kind, not only a name
        ("Which classes does the benchmark cover?", False),
    ],
)
def test_a_which_question_about_one_named_thing(question: str, one_name: bool) -> None:
    from assistant.rag.question import asks_for_one_name

    assert asks_for_one_name(question) is one_name


def test_a_why_question_prefers_the_sentence_giving_a_cause() -> None:
    from assistant.rag import extractive
    from assistant.rag.relevance import assess
    from assistant.rag.scoring import UniformWeights

    class Embedder:  # every sentence equally close: only the rules tell them apart
        def embed_documents(self, texts: list[str]):
            import numpy as np

            return np.ones((len(texts), 2), dtype=np.float32) / np.sqrt(2)

    sources = [
        _source(
            1,
            "Scripts: A Dataset of Indic Scene Text",
            "Earlier datasets of Indic scene text are small, as is well known. Earlier "
            "datasets of Indic scene text are small due to few scripts.",
        )
    ]
    question = "Why are earlier datasets of Indic scene text small?"
    weights = UniformWeights()
    ranked = extractive.score_candidates(
        question, sources, assess(question, sources, weights), embedder=Embedder(), weights=weights
    )
    assert "due to" in ranked[0].span.text


def test_an_ordinal_in_digits_matches_its_word() -> None:
    from assistant.rag.relevance import assess, with_number_forms
    from assistant.rag.scoring import UniformWeights, terms

    assert {"first", "twelv"} <= with_number_forms(terms("won the 1st place with 12 models"))
    sources = [_source(1, "Winner", "With Winner, we won the 1st place of a challenge.")]
    weights = UniformWeights()
    digits = assess("Where did Winner win 1st place?", sources, weights)
    words = assess("Where did Winner win first place?", sources, weights)
    assert words.per_source[0] == pytest.approx(digits.per_source[0])


def test_a_count_stands_just_before_what_it_counts() -> None:
    from assistant.rag.scoring import terms
    from assistant.rag.stated import count_before

    images = terms("images")
    assert count_before("The dataset contains 31,500 images in 45 classes.", images)
    assert count_before("It offers more than 15000 annotated images.", images)
    assert not count_before("A CNN classifies the images into two categories.", images)
    sources = [
        _source(1, "Fakes", "A CNN classifies the images into two categories; real or fake.")
    ]
    assert unstated(analyse("How many images does Fakes contain?"), sources, ("p1",))


def test_a_which_question_about_one_thing_needs_a_sentence_naming_one() -> None:
    sources = [
        _source(
            1,
            "Imagined: Robust Classification via Generated Data",
            "Access to modern generative models makes generated data common. We release "
            "Imagined-v1. Code: https://github.com/someone/generative-robustness.",
        ),
        _source(2, "Mapper", "We develop Mapper by adapting Treemaps, a visualization technique."),
    ]
    asked = analyse("Which generative model produced the images of Imagined-v1?")
    assert unstated(asked, sources[:1], ("p1",)) is not None  # nothing names the model
    asked = analyse("Which visualization technique does Mapper adapt?")
    assert unstated(asked, sources[1:], ("p2",)) is None  # "Treemaps" names it


def test_the_title_states_what_the_paper_is() -> None:
    sources = [_source(1, "Sharp Benchmark Database", "We introduce Sharp, a set of photos.")]
    assert unstated(analyse("What is the Sharp database?"), sources, ("p1",)) is None


def test_a_setting_asked_as_a_value_needs_a_figure() -> None:
    sources = [
        _source(1, "Batcher", "Batcher uses the temperature-scaled cross-entropy loss of X.")
    ]
    asked = analyse("What temperature does Batcher use in its loss?")
    assert asked.figure_focus
    found = unstated(asked, sources, ("p1",))
    assert found is not None and found.what == "the temperature"
    stated = [_source(1, "Batcher", "Batcher sets the temperature to 0.5 in its loss.")]
    assert unstated(asked, stated, ("p1",)) is None


def test_an_acronym_matches_its_plural_either_way_and_being_verbs_qualify_no_count() -> None:
    sources = [
        _source(
            1,
            "Plug and Play Generators",
            "PPGNs are composed of a generator and a classifier. It shows 8 annotated objects "
            "per image; 13 datasets of 8 sub-pathologies are used.",
        )
    ]
    assert mentions("PPGN", _paper_texts(sources)["p1"])
    asked = analyse("How many annotated objects appear in one image of PPGN?")
    assert asked.focus == ("annotated", "objects")  # "appear" is a verb, not the focus
    assert unstated(asked, sources, ("p1",)) is None
    asked = analyse("How many sub-pathologies do the PPGN test datasets span?")
    assert unstated(asked, sources, ("p1",)) is None  # "span" qualifies nothing counted


@pytest.mark.parametrize(
    ("question", "focus"),
    [
        # a verb before a possessive name: the wh-word is its subject, nothing is the focus
        ("What motivates CIFAKE's effort to recognise AI-generated images?", ()),
        ("What limits ViT's accuracy?", ()),
        # a measured noun before a possessive stays the focus
        ("What accuracy does FYI reach?", ("accuracy",)),
        # prepositions and adverbs end the phrase
        ("What is the idea behind Dataset Reinforcement?", ()),
        (
            "How many of the fMRI-Objaverse subjects also belong to the core set?",
            ("fMRI-Objaverse", "subjects"),
        ),
        # a ratio or a difference of percentages: the figure itself answers
        ("By what factors do the authors imagine growing the dataset?", ()),
        ("By how many points does pruning beat OpenCLIP on ImageNet?", ()),
        ("What learning rate was used to train SVT-H-L?", ("learning", "rate")),
    ],
)
def test_verbs_prepositions_and_ratio_words_are_not_the_focus(
    question: str, focus: tuple[str, ...]
) -> None:
    assert analyse(question).focus == focus


def test_the_paper_that_spells_a_name_or_holds_two_names_in_its_title_is_the_subject() -> None:
    sources = [
        _source(
            1, "Image Textualization: Detailed Descriptions", "We propose Image Textualization."
        ),
        _source(2, "Classifying Textual Data with Vision Models", "Textual data become images."),
        _source(3, "Visual Genome: Dense Annotations", "Our dataset contains over 100K images."),
        _source(4, "Resequencing genome studies", "Visual inspection of the genome of organisms."),
    ]
    asked = analyse("What accuracy does the Image Textualization framework reach on ImageNet?")
    assert subject_papers(asked, sources) == ("p1",)
    missing = unstated(asked, sources, subject_papers(asked, sources))
    assert missing is not None and "ImageNet" in missing.what
    genome = analyse("How many images does Visual Genome contain?")
    assert subject_papers(genome, sources) == ("p3",)


def test_an_age_and_a_named_member_of_a_class_must_be_stated() -> None:
    sources = [
        _source(
            1,
            "fMRI-3D: a dataset",
            "The dataset includes data from 15 participants. It leverages existing multi-modal "
            "large language models (MLLMs) to describe each object.",
        )
    ]
    old = analyse("How old were the fMRI-3D participants?")
    assert unstated(old, sources, ("p1",)) is not None
    aged = [_source(1, "fMRI-3D: a dataset", "15 participants aged 20 to 30 took part.")]
    assert unstated(old, aged, ("p1",)) is None
    which = analyse("Which multi-modal large language model does fMRI-3D rely on?")
    assert unstated(which, sources, ("p1",)) is not None


def test_a_caret_name_is_one_name_and_a_gain_is_an_improvement() -> None:
    assert "SRe^2L" in analyse("Does CDA beat SRe^2L and TESLA?").names
    sources = [
        _source(
            1,
            "Exploring the Effect of Dataset Diversity in Self-Supervised Learning for Surgery",
            "Procedure-specific data lead to improvements of 13.8%, 9.5%, and 36.8% compared to "
            "ImageNet pretraining.",
        )
    ]
    asked = analyse("What gain over ImageNet pretraining does procedure-specific data bring?")
    assert unstated(asked, sources) is None


def test_who_wrote_a_paper_and_where_it_appeared_are_not_in_its_abstract() -> None:
    sources = [_source(1, "Visual Genome: Dense Annotations", "We present the Visual Genome.")]
    for question in (
        "Who led the team that built the Visual Genome dataset?",
        "Where was the Visual Genome paper published?",
        "At which conference did Visual Genome appear?",
    ):
        assert unstated(analyse(question), sources, ("p1",)) is not None, question
    stated = [_source(1, "Visual Genome", "Visual Genome was published in IJCV in 2017.")]
    asked = analyse("Where was the Visual Genome paper published?")
    assert unstated(asked, stated, ("p1",)) is None


def test_a_which_question_about_named_things_needs_a_sentence_that_names_one() -> None:
    plain = [_source(1, "PatternNet", "PatternNet is evaluated on image classification.")]
    named = [_source(1, "PatternNet", "PatternNet is evaluated on ImageNet and CUB.")]
    asked = analyse("On which datasets was PatternNet evaluated?")
    assert unstated(asked, plain, ("p1",)) is not None
    assert unstated(asked, named, ("p1",)) is None


def test_at_training_time_is_a_moment_not_a_duration() -> None:
    assert not analyse("What choice made at training time affects the system?").wants_duration
    assert analyse("What is the training time of DataDAM?").wants_duration


@pytest.mark.parametrize(
    "question",
    [
        "What two things does the instruction generation task produce for every category?",
        "What symbol does the study use for its label sharpness metric?",
    ],
)
def test_how_many_answers_are_wanted_and_how_a_thing_is_written_are_not_the_focus(
    question: str,
) -> None:
    assert analyse(question).focus == ()


def test_a_span_up_to_now_is_a_duration() -> None:
    asked = analyse("For how long has ImageNet accuracy served as the barometer of progress?")
    assert asked.wants_duration
    spanned = [
        _source(1, "Dough", "For the last decade, ImageNet accuracy has been the barometer.")
    ]
    timeless = [_source(1, "Dough", "ImageNet accuracy has been the barometer of progress.")]
    assert unstated(asked, spanned, ("p1",)) is None
    assert unstated(asked, timeless, ("p1",)) is not None


def test_a_sentence_drawing_a_consequence_is_not_its_own_cause() -> None:
    assert draws_consequence("Dataset distillation has thus recently come to the fore.")
    assert draws_consequence("Therefore, we build a new benchmark.")
    assert not draws_consequence("Hence the model fails, because the labels are noisy.")
    assert not draws_consequence("We build a dataset and train models on it, thus showing gains.")


def test_a_which_question_is_not_answered_by_its_own_name_a_link_or_a_dataset_for_a_model() -> None:
    asked = analyse("On which datasets was PatternNet evaluated?")
    misspelt = [_source(1, "PatternNet", "Our network, PatterNet, outperforms competing methods.")]
    linked = [_source(1, "PatternNet", "PatternNet code is at https://github.com/x/PatternNet.")]
    assert unstated(asked, misspelt, ("p1",)) is not None
    assert unstated(asked, linked, ("p1",)) is not None
    model = analyse("Which network architecture does PatternNet build on?")
    data_only = [_source(1, "PatternNet", "PatternNet mines patterns on the CIFAR-10 dataset.")]
    named = [_source(1, "PatternNet", "PatternNet mines patterns from a VGG16 network.")]
    assert unstated(model, data_only, ("p1",)) is not None
    assert unstated(model, named, ("p1",)) is None


def test_a_span_of_time_is_a_figure_sentence() -> None:
    from assistant.rag.stated import states_figure

    assert states_figure("It has been the barometer of progress over the last decade.")
    assert not states_figure("It has been the barometer of progress in computer vision.")


def test_a_kind_noun_before_of_and_filler_words_name_no_topic() -> None:
    topic = query_terms("Which methods rely on some form of bootstrapping?")
    assert terms("bootstrapping") <= topic
    assert not (terms("some form") & topic)
    # "form" standing on its own is a topic word.
    assert terms("form") <= query_terms("Which papers form clusters of images?")


@pytest.mark.parametrize(
    ("question", "abstract"),
    [
        # The abstract states the content a shell noun labels, in its own words.
        (
            "How many key takeaways does Painter share about distillation?",
            "Painter paints. We provide two important things to share for distillation.",
        ),
        (
            "What speed advantage does Painter have?",
            "Painter is fast since it does not need expensive patch sampling.",
        ),
        (
            "In what application domain is Painter meant to be used?",
            "Painter is a dataset for humanitarian response.",
        ),
    ],
)
def test_a_focus_headed_by_a_shell_noun_is_not_looked_for_word_by_word(
    question: str, abstract: str
) -> None:
    source = _source(17, "Painter", abstract)
    assert unstated(analyse(question), [source], ("p17",)) is None


def test_a_shell_noun_does_not_stop_a_near_miss_on_what_is_not_stated() -> None:
    # its hyphenated (technical) modifiers must be in the paper's text
    source = _source(18, "Painter", "Painter plugs into VL pre-training objectives like X.")
    stated = analyse("Which vision-language pre-training objectives can Painter serve?")
    assert unstated(stated, [source], ("p18",)) is None
    other = analyse("Which audio-visual pre-training objectives can Painter serve?")
    assert unstated(other, [source], ("p18",)) is not None
    # a name the abstract lacks, or a concrete focus, is still not stated
    source = _source(18, "Painter", "Painter is a dataset for humanitarian response.")
    found = unstated(analyse("What benefit does Painter show on MNIST?"), [source], ("p18",))
    assert found is not None and found.what == '"MNIST"'
    found = unstated(analyse("What learning rate does Painter use?"), [source], ("p18",))
    assert found is not None and found.what == "the learning rate"


def test_dimensions_are_counted_in_one_word() -> None:
    source = _source(19, "Mapper", "Practitioners project representations into 2-D with t-SNE.")
    asked = analyse("Into how many dimensions do practitioners project representations?")
    assert unstated(asked, [source], ("p19",)) is None
    flat = _source(19, "Mapper", "Practitioners project high-dimensional representations.")
    found = unstated(asked, [flat], ("p19",))
    assert found is not None and found.what == "how many dimensions"


def test_a_capitalised_word_or_a_dataset_names_no_architecture() -> None:
    asked = analyse("Which network architecture does Painter train?")
    vague = _source(
        20,
        "Painter",
        "When it comes to Neural Networks, Painter trains on the COCO dataset. "
        "Datasets such as ImageNet and ImageNetV2 are not enough for neural networks.",
    )
    found = unstated(asked, [vague], ("p20",))
    assert found is not None and found.what == "the network architecture"
    named = _source(20, "Painter", "Painter trains a ResNet-50 on the COCO dataset.")
    assert unstated(asked, [named], ("p20",)) is None


def test_the_names_abstracts_call_datasets() -> None:
    found = dataset_names(
        [
            "We use the MAMe dataset and 300M images. Experiments across multiple datasets, "
            "including CIFAR, Tiny-ImageNet, and ImageNet-1K, show gains. SN-Net splits data."
        ]
    )
    assert found == {"MAMe", "CIFAR", "Tiny-ImageNet", "ImageNet-1K"}


def test_a_papers_own_coinage_names_it() -> None:
    ppgn = Paper(
        id="p21",
        title="Plug & Play Generative Networks: Conditional Generation",
        abstract="PPGNs are composed of a generator. Text is embedded with BERT on GPUs.",
    )
    assert coined_by("PPGN", ppgn) and coined_by("PPGNs", ppgn)
    assert not coined_by("BERT", ppgn) and not coined_by("GPU", ppgn)
    attsets = Paper(id="p22", title="Robust Aggregation", abstract="A module, named AttSets.")
    assert coined_by("AttSets", attsets)
    metric = Paper(id="p23", title="Reinforce Data", abstract="Expected Calibration Error (ECE).")
    assert not coined_by("ECE", metric)
    stitched = Paper(id="p24", title="Stitchable Networks", abstract="We stitch (SN-Net) models.")
    assert coined_by("SN-Net", stitched)
    # the initials of consecutive title words, small words skipped
    dior = Paper(id="p25", title="Object Detection in Optical Remote Sensing", abstract="")
    assert coined_by("DIOR", dior) and not coined_by("DISR", dior)


def test_a_question_naming_a_papers_coinage_passes_the_gate() -> None:
    from assistant.rag.relevance import assess, coined_papers
    from assistant.rag.scoring import UniformWeights

    ppgn = _source(21, "Plug & Play Generative Networks", "PPGNs are composed of a generator.")
    other = _source(22, "Grouper", "Grouper groups images with BERT features.")
    question = "Could the PPGN approach be applied to sounds?"
    assert coined_papers(question, [ppgn, other]) == {"p21"}
    assert coined_papers("How does BERT mask tokens?", [ppgn, other]) == set()
    relevance = assess(question, [ppgn, other], UniformWeights())
    assert relevance.relevant and relevance.per_source[0] >= relevance.threshold


@pytest.mark.parametrize(
    ("question", "abstract", "stated"),
    [
        ("How much did the Painter annotation cost in dollars?", "Painter has 5k images.", False),
        (
            "How much were the Painter raters paid?",
            "Raters of Painter were paid $12 an hour.",
            True,
        ),
        # compute, not money: "cost" and "pay" alone ask no sum
        ("Which training cost do Painter users pay?", "Users pay 5% more training cost.", True),
    ],
)
def test_a_question_about_money_needs_a_sum(question: str, abstract: str, stated: bool) -> None:
    source = _source(26, "Painter", abstract)
    found = unstated(analyse(question), [source], ("p26",))
    assert (found is None) is stated, found
    if not stated:
        assert found is not None and found.what == "a sum of money"


def test_a_count_the_question_gives_is_not_its_answer() -> None:
    source = _source(27, "Politics", "We sampled 114 dataset publications across vision tasks.")
    asked = analyse("How many of the 114 publications of Politics concern faces?")
    assert asked.figure_focus
    found = unstated(asked, [source], ("p27",))
    assert found is not None and found.what == "how many publications"
    # the count may stand before the first word of a long counted phrase
    wide = _source(
        28, "Clipper", "Clipper is tested on over 30 different existing vision datasets."
    )
    asked = analyse("On how many existing vision datasets is Clipper tested?")
    assert unstated(asked, [wide], ("p28",)) is None


def test_a_share_asks_for_a_figure_of_what_it_is_a_share_of() -> None:
    source = _source(29, "Shopper", "Shopper holds 15 million products from 10 websites.")
    asked = analyse("What share of the Shopper products are clothing?")
    assert asked.figure_focus
    found = unstated(asked, [source], ("p29",))
    assert found is not None and found.what.startswith("the share of")


def test_a_sentence_labelling_the_problem_before_it_needs_that_sentence() -> None:
    assert labels_previous("In this paper, we present SVT to tackle these challenges.")
    assert labels_previous("To address this problem, we introduce FYI.")
    assert not labels_previous("These challenges remain open.")  # an opening anaphor
    assert not labels_previous("We tackle class imbalance in detection.")


def test_an_acronym_far_from_what_is_introduced_is_no_referent() -> None:
    far = (
        "We present a system based on a global ranking objective function which uses a "
        "combination of convolutional neural networks (CNN) and multi layer perceptrons (MLP)."
    )
    assert introduced_name(far, "Deep Learning") is None
    near = "We propose Stitchable Neural Network (SN-Net), a novel framework."
    assert introduced_name(near, "Stitchable Neural Networks") == "SN-Net"


def test_a_measure_asked_by_how_many_may_have_its_figure_after_it() -> None:
    source = _source(
        30, "Segmenter", "Models are small, with their parameters in the tens of millions."
    )
    asked = analyse("How many parameters do the models before Segmenter have?")
    assert unstated(asked, [source], ("p30",)) is None
    bare = _source(30, "Segmenter", "Models are small, with few parameters.")
    found = unstated(asked, [bare], ("p30",))
    assert found is not None and found.what == "how many parameters"
