"""Parse fidelity: the share of entries stored and the share whose title, authors, year, DOI
and abstract equal the expected ones, per format and dialect and overall.

    .venv/bin/python benchmarks/parse_fidelity.py [--verbose]

Two sets, both read through `assistant.sources.parse_file` exactly as `litassist ingest`
reads a file:

* **hand-made**: the fixtures in `tests/fixtures/sources/` (shaped on real exports, one or
  more per format) against the records written down in `tests/fixtures/sources/expected.json`;
* **generated**: records with the quirks real exports carry (accented and particle names,
  LaTeX and HTML markup, subtitles, structured abstracts, `&`, quotes) written in every
  format and CSV dialect by the small writers below, in two halves drawn from different
  name and title pools: a *tuning* half and a *held-out* half, reported apart.

Also checked: no paper from any file in `tests/fixtures/nonbib/` (ProQuest, OVID,
RefWorks citation lists, READMEs, logs, code, CSV/JSON/XML of other things).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import random
import sys
import tempfile
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.sources import UnsupportedFormatError, parse_file  # noqa: E402
from benchmarks.field_match import field_equal, match  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "sources"
NONBIB = ROOT / "tests" / "fixtures" / "nonbib"
FIELDS = ("title", "authors", "year", "doi", "abstract")


@dataclass(frozen=True)
class Person:
    given: str
    family: str
    particle: str = ""

    @property
    def last_first(self) -> str:
        family = f"{self.particle} {self.family}".strip()
        return f"{family}, {self.given}"

    @property
    def first_last(self) -> str:
        return " ".join(part for part in (self.given, self.particle, self.family) if part)


@dataclass(frozen=True)
class Record:
    title: str
    subtitle: str
    authors: tuple[Person, ...]
    year: int
    doi: str
    abstract: str
    venue: str

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title


POOLS = {
    "tuning": {
        "people": [
            Person("Ana", "Briseño-García"),
            Person("Jürgen", "Müller"),
            Person("Jan", "Berg", "van der"),
            Person("Ray", "O'Neil"),
            Person("Zoë", "Dupré"),
            Person("Søren", "Kierkegaard"),
            Person("Li", "Wei"),
            Person("Marta", "Łukasiewicz"),
        ],
        "topics": [
            ("Seagrass carbon burial", "a Mediterranean synthesis"),
            ("Deep learning for coral reef mapping", ""),
            ("Ocean warming & kelp decline", "evidence from 30 years"),
            ("The “blue carbon” debate", ""),
            ("Measuring CO2 fluxes over tidal flats", "methods and pitfalls"),
            ("Satellite-derived bathymetry", ""),
        ],
    },
    "held-out": {
        "people": [
            Person("José", "Peña"),
            Person("Renée", "Lefèvre"),
            Person("Ludwig", "Beethoven", "van"),
            Person("Siobhán", "Ní Bhriain"),
            Person("Hiroshi", "Tanaka"),
            Person("Ümit", "Çelik"),
            Person("Anne-Marie", "Dubois-Roy"),
            Person("Miloš", "Novák"),
        ],
        "topics": [
            ("Mangrove loss and coastal protection", "a global assessment"),
            ("Transformers for benthic image segmentation", ""),
            ("Nitrogen & phosphorus loads in estuaries", ""),
            ("Why “nature-based” solutions fail", "lessons from restoration"),
            ("pH variability in upwelling systems", "a 10-year record"),
            ("Acoustic monitoring of fish spawning", ""),
        ],
    },
}
SENTENCES = [
    "We compiled sediment cores from 42 sites and measured organic carbon stocks.",
    "Burial rates were highest in sheltered meadows (p < 0.01) and declined with depth.",
    "Models trained on Sentinel-2 imagery reached an accuracy of 91% on held-out scenes.",
    "These results matter for national carbon inventories & restoration targets.",
    "We release the data and code under an open licence.",
]


def make_records(pool: str, count: int, seed: int) -> list[Record]:
    rng = random.Random(seed)
    people = POOLS[pool]["people"]
    topics = POOLS[pool]["topics"]
    records: list[Record] = []
    for index in range(count):
        title, subtitle = topics[index % len(topics)]
        title = f"{title} {index + 1}" if index >= len(topics) else title
        authors = tuple(rng.sample(people, rng.randint(1, 4)))
        abstract = " ".join(rng.sample(SENTENCES, rng.randint(2, 4)))
        records.append(
            Record(
                title=title,
                subtitle=subtitle,
                authors=authors,
                year=rng.randint(1995, 2024),
                doi=f"10.{rng.randint(1000, 9999)}/{pool[:4]}.{seed}.{index}",
                abstract=abstract,
                venue=rng.choice(
                    ["Marine Ecology Progress Series", "Remote Sensing of Environment"]
                ),
            )
        )
    return records


# --- writers: (file text, expected records) ---------------------------------------------

Expected = dict[str, object]


def expected(record: Record, authors: list[str], *, title: str | None = None) -> Expected:
    return {
        "title": title if title is not None else record.full_title,
        "authors": authors,
        "year": record.year,
        "doi": record.doi.lower(),
        "abstract": record.abstract,
    }


LATEX = {"á": "{\\'a}", "é": "\\'e", "í": "\\'{i}", "ñ": "\\~n", "ü": '{\\"u}', "è": "\\`e",
         "ø": "{\\o}", "Ł": "{\\L}", "ö": '\\"o', "ç": "\\c{c}", "Ç": "\\c{C}", "š": "\\v{s}",
         "ë": '\\"e', "ó": "\\'o", "Ü": '\\"U', "â": "\\^a"}  # fmt: skip


def latex(text: str) -> str:
    out = text.replace("&", "\\&").replace("%", "\\%")
    for char, command in LATEX.items():
        out = out.replace(char, command)
    return out


def write_bibtex(records: list[Record]) -> tuple[str, list[Expected]]:
    entries = []
    for index, record in enumerate(records):
        authors = " and ".join(latex(person.last_first) for person in record.authors)
        subtitle = f"  subtitle = {{{latex(record.subtitle)}}},\n" if record.subtitle else ""
        entries.append(
            f"@article{{key{index},\n  author = {{{authors}}},\n"
            f"  title = {{{{{latex(record.title)}}}}},\n{subtitle}"
            f"  journaltitle = {{{record.venue}}},\n  date = {{{record.year}-03}},\n"
            f"  doi = {{{record.doi}}},\n  abstract = {{{latex(record.abstract)}}},\n}}\n"
        )
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "% Encoding: UTF-8\n\n" + "\n".join(entries), exp


def write_ris(records: list[Record], *, spaces: str = "  ") -> tuple[str, list[Expected]]:
    lines = []
    for record in records:
        tag = lambda name, value: f"{name}{spaces}- {value}"  # noqa: E731
        lines.append(tag("TY", "JOUR"))
        lines.append(tag("TI", record.full_title))
        lines.extend(tag("AU", person.last_first) for person in record.authors)
        lines += [tag("PY", record.year), tag("T2", record.venue), tag("DO", record.doi)]
        lines += [tag("AB", record.abstract), tag("ER", "")]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "\r\n".join(lines) + "\r\n", exp


def write_wos(records: list[Record]) -> tuple[str, list[Expected]]:
    lines = ["FN Clarivate Analytics Web of Science", "VR 1.0"]
    for record in records:
        lines.append("PT J")
        for index, person in enumerate(record.authors):
            lines.append(("AF " if index == 0 else "   ") + person.last_first)
        words = record.full_title.split()
        half = len(words) // 2
        lines += ["TI " + " ".join(words[:half]), "   " + " ".join(words[half:])]
        lines += [f"SO {record.venue.upper()}", f"AB {record.abstract}", f"PY {record.year}"]
        lines += [f"DI {record.doi}", "ER", ""]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "\n".join([*lines, "EF"]) + "\n", exp


def write_medline(records: list[Record]) -> tuple[str, list[Expected]]:
    blocks = []
    for index, record in enumerate(records):
        lines = [f"PMID- {30000000 + index}", "OWN - NLM", f"DP  - {record.year} Mar"]
        lines.append(f"TI  - {record.full_title}.")
        lines.append(f"LID - {record.doi} [doi]")
        wrapped = textwrap.wrap(
            record.abstract, 72, break_on_hyphens=False
        )  # MEDLINE wraps at spaces
        lines.append(f"AB  - {wrapped[0]}")
        lines.extend(f"      {line}" for line in wrapped[1:])
        for person in record.authors:
            lines.append(f"FAU - {person.last_first}")
        lines.append(f"JT  - {record.venue}")
        blocks.append("\n".join(lines))
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "\n\n".join(blocks) + "\n", exp


def write_enw(records: list[Record]) -> tuple[str, list[Expected]]:
    blocks = []
    for record in records:
        lines = ["%0 Journal Article", f"%T {record.full_title}"]
        lines += [f"%A {person.last_first}" for person in record.authors]
        lines += [f"%J {record.venue}", f"%D {record.year}", f"%R {record.doi}"]
        lines.append(f"%X {record.abstract}")
        blocks.append("\n".join(lines))
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "\n\n".join(blocks) + "\n", exp


def write_refworks(records: list[Record]) -> tuple[str, list[Expected]]:
    blocks = []
    for index, record in enumerate(records):
        lines = ["RT Journal Article", "SR Electronic(1)", f"ID {index}"]
        lines += [f"A1 {person.last_first}" for person in record.authors]
        lines += [f"T1 {record.full_title}", f"JF {record.venue}", f"YR {record.year}"]
        lines += [f"AB {record.abstract}", f"DO {record.doi}"]
        blocks.append("\n".join(lines))
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return "\n\n".join(blocks) + "\n", exp


def csl_item(record: Record, index: int, *, rich: bool) -> dict[str, object]:
    title = record.title.replace("&", "&amp;") if rich else record.title
    if rich:
        first, *rest = title.split(" ", 1)
        title = f"<i>{first}</i> {rest[0]}" if rest else f"<i>{first}</i>"
    full = f"{title}: {record.subtitle}" if record.subtitle else title
    names = []
    for person in record.authors:
        name: dict[str, str] = {"family": person.family, "given": person.given}
        if person.particle:
            name["non-dropping-particle"] = person.particle
        names.append(name)
    return {
        "id": f"key{index}",
        "type": "article-journal",
        "title": full,
        "author": names,
        "issued": {"date-parts": [[record.year, 3]]},
        "container-title": record.venue,
        "DOI": record.doi,
        "abstract": record.abstract,
    }


def write_csljson(records: list[Record]) -> tuple[str, list[Expected]]:
    items = [csl_item(r, i, rich=True) for i, r in enumerate(records)]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return json.dumps(items, ensure_ascii=False, indent=2), exp


def write_cslyaml(records: list[Record]) -> tuple[str, list[Expected]]:
    import yaml

    items = [csl_item(r, i, rich=False) for i, r in enumerate(records)]
    text = "---\n" + yaml.safe_dump({"references": items}, allow_unicode=True, sort_keys=False)
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return text + "---\n", exp


def write_jsonl(records: list[Record]) -> tuple[str, list[Expected]]:
    lines = [
        json.dumps(
            {
                "title": r.full_title,
                "authors": [{"name": p.first_last} for p in r.authors] + [{"name": None}],
                "year": r.year,
                "doi": f"https://doi.org/{r.doi}",
                "abstract": r.abstract,
            },
            ensure_ascii=False,
        )
        for r in records
    ]
    exp = [expected(r, [p.first_last for p in r.authors]) for r in records]
    return "\n".join(lines) + "\n", exp


def write_crossref(records: list[Record]) -> tuple[str, list[Expected]]:
    items = []
    for r in records:
        items.append(
            {
                "DOI": r.doi.upper(),
                "type": "journal-article",
                "prefix": r.doi.split("/")[0],
                "member": "78",
                "reference-count": 0,
                "title": [r.title.replace("&", "&amp;")],
                "subtitle": [r.subtitle] if r.subtitle else [],
                "author": [
                    {"given": p.given, "family": f"{p.particle} {p.family}".strip()}
                    for p in r.authors
                ],
                "container-title": [r.venue],
                "issued": {"date-parts": [[r.year, 5, 1]]},
                "abstract": "<jats:title>Abstract</jats:title><jats:p>"
                + xml_escape(r.abstract)
                + "</jats:p>",
            }
        )
    payload = {"status": "ok", "message-type": "work-list", "message": {"items": items}}
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return json.dumps(payload, ensure_ascii=False, indent=1), exp


def write_openalex(records: list[Record]) -> tuple[str, list[Expected]]:
    results = []
    for index, r in enumerate(records):
        inverted: dict[str, list[int]] = defaultdict(list)
        for position, word in enumerate(r.abstract.split(" ")):
            inverted[word].append(position)
        results.append(
            {
                "id": f"https://openalex.org/W{4000000 + index}",
                "doi": f"https://doi.org/{r.doi}",
                "title": r.full_title.replace("&", "&amp;"),
                "publication_year": r.year,
                "primary_location": {"source": {"display_name": r.venue}},
                "authorships": [{"author": {"display_name": p.first_last}} for p in r.authors],
                "abstract_inverted_index": inverted,
            }
        )
    exp = [expected(r, [p.first_last for p in r.authors]) for r in records]
    return json.dumps({"meta": {"count": len(results)}, "results": results}), exp


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_arxiv(records: list[Record]) -> tuple[str, list[Expected]]:
    entries = []
    for index, r in enumerate(records):
        authors = "".join(
            f"<author><name>{xml_escape(p.first_last)}</name></author>" for p in r.authors
        )
        words = r.abstract.split(" ")
        summary = " ".join(words[:8]) + "\n  " + " ".join(words[8:])
        entries.append(
            f"<entry><id>http://arxiv.org/abs/2301.{10000 + index}v2</id>"
            f"<title>{xml_escape(r.full_title)}</title><summary>{xml_escape(summary)}</summary>"
            f"<published>{r.year}-01-02T00:00:00Z</published>{authors}"
            f"<arxiv:doi>{r.doi}</arxiv:doi></entry>"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom">\n' + "\n".join(entries) + "\n</feed>\n"
    )
    exp = [expected(r, [p.first_last for p in r.authors]) for r in records]
    return text, exp


def write_pubmed_xml(records: list[Record]) -> tuple[str, list[Expected]]:
    articles = []
    for index, r in enumerate(records):
        authors = "".join(
            f"<Author><LastName>{xml_escape(f'{p.particle} {p.family}'.strip())}</LastName>"
            f"<ForeName>{xml_escape(p.given)}</ForeName></Author>"
            for p in r.authors
        )
        articles.append(
            f"<PubmedArticle><MedlineCitation><PMID>{31000000 + index}</PMID><Article>"
            f"<Journal><JournalIssue><PubDate><Year>{r.year}</Year></PubDate></JournalIssue>"
            f"<Title>{r.venue}</Title></Journal><ArticleTitle>{xml_escape(r.full_title)}."
            f"</ArticleTitle><Abstract><AbstractText>{xml_escape(r.abstract)}</AbstractText>"
            f"</Abstract><AuthorList>{authors}</AuthorList></Article></MedlineCitation>"
            f'<PubmedData><ArticleIdList><ArticleId IdType="doi">{r.doi}</ArticleId>'
            f"</ArticleIdList></PubmedData></PubmedArticle>"
        )
    text = (
        '<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle//EN"'
        ' "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_240101.dtd">\n<PubmedArticleSet>\n'
        + "\n".join(articles)
        + "\n</PubmedArticleSet>\n"
    )
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return text, exp


def write_endnote_xml(records: list[Record]) -> tuple[str, list[Expected]]:
    def style(text: str) -> str:
        return f'<style face="normal" font="default" size="100%">{xml_escape(text)}</style>'

    items = []
    for r in records:
        authors = "".join(f"<author>{style(p.last_first)}</author>" for p in r.authors)
        items.append(
            f'<record><ref-type name="Journal Article">17</ref-type><contributors><authors>'
            f"{authors}</authors></contributors><titles><title>{style(r.full_title)}</title>"
            f"<secondary-title>{style(r.venue)}</secondary-title></titles>"
            f"<dates><year>{style(str(r.year))}</year></dates><abstract>{style(r.abstract)}"
            f"</abstract><electronic-resource-num>{style(r.doi)}</electronic-resource-num></record>"
        )
    text = '<?xml version="1.0" encoding="UTF-8"?>\n<xml><records>' + "\n".join(items)
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return text + "</records></xml>\n", exp


def table(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def initials(person: Person) -> str:
    parts = [p for p in person.given.replace("-", " ").split() if p]
    return "".join(f"{p[0]}." for p in parts)


def write_csv_zotero(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["Key", "Item Type", "Publication Year", "Author", "Title", "Publication Title",
              "DOI", "Abstract Note"]  # fmt: skip
    rows = [
        [
            "K" + str(i),
            "journalArticle",
            str(r.year),
            "; ".join(p.last_first for p in r.authors),
            r.full_title,
            r.venue,
            r.doi,
            r.abstract,
        ]
        for i, r in enumerate(records)
    ]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return table(header, rows), exp


def write_csv_scopus(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["Authors", "Author full names", "Title", "Year", "Source title", "DOI", "Abstract"]
    rows = []
    for i, r in enumerate(records):
        short = ", ".join(f"{f'{p.particle} {p.family}'.strip()} {initials(p)}" for p in r.authors)
        full = "; ".join(f"{p.last_first} ({57000000 + i})" for p in r.authors)
        title = r.full_title.replace("CO2", "CO<inf>2</inf>").replace("&", "&amp;")
        rows.append([short, full, title, str(r.year), r.venue, r.doi, r.abstract + " © 2024"])
    exp = []
    for r in records:
        item = expected(r, [p.last_first for p in r.authors])
        item["abstract"] = r.abstract + " © 2024"
        exp.append(item)
    return table(header, rows), exp


def write_csv_ieee(records: list[Record]) -> tuple[str, list[Expected]]:
    header = [
        "Document Title",
        "Authors",
        "Publication Title",
        "Publication Year",
        "Abstract",
        "DOI",
    ]
    rows = [
        [
            r.full_title,
            "; ".join(f"{initials(p)} {p.family}" for p in r.authors),
            r.venue,
            str(r.year),
            r.abstract,
            r.doi,
        ]
        for r in records
    ]
    exp = [expected(r, [f"{initials(p)} {p.family}" for p in r.authors]) for r in records]
    return table(header, rows), exp


def write_csv_springer(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["Item Title", "Publication Title", "Item DOI", "Authors", "Publication Year", "URL"]
    rows = [
        [
            r.full_title,
            r.venue,
            r.doi,
            "".join(p.first_last for p in r.authors),
            str(r.year),
            f"http://link.springer.com/{r.doi}",
        ]
        for r in records
    ]
    exp = []
    for r in records:
        item = expected(r, [p.first_last for p in r.authors])
        item["abstract"] = ""  # Springer's CSV has no abstracts
        exp.append(item)
    return table(header, rows), exp


def write_csv_pubmed(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["PMID", "Title", "Authors", "Citation", "First Author", "Journal/Book",
              "Publication Year", "Create Date", "PMCID", "NIHMS ID", "DOI"]  # fmt: skip
    rows = []
    for i, r in enumerate(records):
        names = [
            f"{f'{p.particle} {p.family}'.strip()} {initials(p).replace('.', '')}"
            for p in r.authors
        ]
        rows.append([str(i), r.full_title + ".", ", ".join(names) + ".", "x", names[0], r.venue,
                     str(r.year), "2024/01/01", "", "", r.doi])  # fmt: skip
    exp = []
    for r in records:
        names = [
            f"{f'{p.particle} {p.family}'.strip()} {initials(p).replace('.', '')}"
            for p in r.authors
        ]
        item = expected(r, names)
        item["abstract"] = ""  # PubMed's CSV has no abstracts
        exp.append(item)
    return table(header, rows), exp


def write_csv_asreview(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["record_id", "primary_title", "notes_abstract", "first_authors",
              "publication_year", "doi", "label_included"]  # fmt: skip
    rows = [
        [
            str(i),
            r.full_title,
            r.abstract,
            "; ".join(p.last_first for p in r.authors),
            str(r.year),
            r.doi,
            "1",
        ]
        for i, r in enumerate(records)
    ]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return table(header, rows), exp


def write_csv_wos_tab(records: list[Record]) -> tuple[str, list[Expected]]:
    header = ["PT", "AU", "AF", "TI", "SO", "AB", "PY", "DI", "UT"]
    rows = [
        [
            "J",
            "; ".join(f"{p.family}, {initials(p).replace('.', '')}" for p in r.authors),
            "; ".join(p.last_first for p in r.authors),
            r.full_title,
            r.venue.upper(),
            r.abstract,
            str(r.year),
            r.doi,
            f"WOS:{i:015d}",
        ]
        for i, r in enumerate(records)
    ]
    exp = [expected(r, [p.last_first for p in r.authors]) for r in records]
    return table(header, rows, delimiter="\t"), exp


def encodable(records: list[Record], encoding: str) -> list[Record]:
    """The records whose text the (single-byte) `encoding` can write."""
    kept = []
    for record in records:
        try:
            repr_text = "".join(
                [record.full_title, record.abstract, *(p.last_first for p in record.authors)]
            )
            repr_text.encode(encoding)
        except UnicodeEncodeError:
            continue
        kept.append(record)
    return kept


Writer = Callable[[list[Record]], tuple[str, list[Expected]]]
WRITERS: dict[str, tuple[str, Writer, str]] = {
    # name: (file name, writer, encoding)
    "bibtex (biblatex, LaTeX)": ("refs.bib", write_bibtex, "utf-8"),
    "ris": ("refs.ris", write_ris, "utf-8"),
    "ris (one space)": ("vendor.ris", lambda r: write_ris(r, spaces=" "), "utf-8"),
    "ris (windows-1252)": ("cp1252.ris", lambda r: write_ris(encodable(r, "cp1252")), "cp1252"),
    "wos plain text": ("savedrecs.txt", write_wos, "utf-8-sig"),
    "medline nbib": ("pubmed.nbib", write_medline, "utf-8"),
    "endnote enw": ("refs.enw", write_enw, "utf-8"),
    "refworks tagged": ("refworks.txt", write_refworks, "utf-8"),
    "csl-json (rich text)": ("refs.json", write_csljson, "utf-8"),
    "csl-yaml": ("refs.yaml", write_cslyaml, "utf-8"),
    "jsonl": ("refs.jsonl", write_jsonl, "utf-8"),
    "crossref api": ("crossref.json", write_crossref, "utf-8"),
    "openalex api": ("openalex.json", write_openalex, "utf-8"),
    "arxiv atom": ("arxiv.xml", write_arxiv, "utf-8"),
    "pubmed xml": ("pubmed.xml", write_pubmed_xml, "utf-8"),
    "endnote xml": ("endnote.xml", write_endnote_xml, "utf-8"),
    "csv zotero": ("zotero.csv", write_csv_zotero, "utf-8-sig"),
    "csv scopus": ("scopus.csv", write_csv_scopus, "utf-8-sig"),
    "csv ieee": ("ieee.csv", write_csv_ieee, "utf-8"),
    "csv springer": ("springer.csv", write_csv_springer, "utf-8"),
    "csv pubmed": ("pubmed.csv", write_csv_pubmed, "utf-8"),
    "csv asreview": ("asreview.csv", write_csv_asreview, "utf-8"),
    "wos tab-delimited": ("savedrecs-tab.txt", write_csv_wos_tab, "utf-16"),
}


# --- scoring --------------------------------------------------------------------------------


@dataclass
class Score:
    entries: int = 0
    stored: int = 0
    exact: int = 0
    field_hits: dict[str, int] | None = None

    def add(self, other: Score) -> None:
        self.entries += other.entries
        self.stored += other.stored
        self.exact += other.exact
        for name in FIELDS:
            self.hits[name] += other.hits[name]

    @property
    def hits(self) -> dict[str, int]:
        if self.field_hits is None:
            self.field_hits = dict.fromkeys(FIELDS, 0)
        return self.field_hits


def score_file(path: Path, wanted: list[Expected], verbose: bool, label: str) -> Score:
    score = Score(entries=len(wanted))
    try:
        papers = parse_file(path).papers
    except UnsupportedFormatError as exc:
        if verbose:
            print(f"  {label}: {exc}")
        return score
    got = [
        {
            "title": p.title,
            "authors": list(p.authors),
            "year": p.year,
            "doi": p.doi,
            "abstract": p.abstract,
        }
        for p in papers
    ]
    by_title = {item["title"]: item for item in got}
    score.stored = min(len(got), len(wanted))
    for want in wanted:
        have = by_title.get(want["title"]) or next(
            (g for g in got if want["doi"] and g["doi"] == want["doi"]), None
        )
        if have is None:
            if verbose:
                print(f"  {label}: missing {want['title']!r}")
            continue
        same = {name: have[name] == want[name] for name in FIELDS}
        for name, ok in same.items():
            score.hits[name] += ok
        score.exact += all(same.values())
        if verbose and not all(same.values()):
            for name in FIELDS:
                if not same[name]:
                    print(f"  {label}: {name}: got {have[name]!r}, want {want[name]!r}")
    return score


def print_table(title: str, scores: dict[str, Score]) -> Score:
    total = Score()
    print(f"\n{title}")
    print(
        f"{'format':32} {'entries':>7} {'stored':>7} {'exact':>7}  "
        + " ".join(f"{f:>8}" for f in FIELDS)
    )
    for name, score in scores.items():
        total.add(score)
        print(_row(name, score))
    print(_row("overall", total))
    return total


def _row(name: str, score: Score) -> str:
    n = max(score.entries, 1)
    fields = " ".join(f"{score.hits[f] / n:8.1%}" for f in FIELDS)
    return f"{name:32} {score.entries:7d} {score.stored / n:7.1%} {score.exact / n:7.1%}  {fields}"


def independent(verbose: bool) -> None:
    """The hand-made fixtures against `expected-by-hand.json`: records written down by reading
    each fixture's source text, not the parser's output (compared as in `field_match`)."""
    written = json.loads((FIXTURES / "expected-by-hand.json").read_text(encoding="utf-8"))
    written.pop("about", None)
    print("\nhand-made fixtures, expected records written by hand (expected-by-hand.json)")
    print(f"{'file':<24}{'entries':>8}{'stored':>9}{'fields':>8}{'exact':>9}")
    totals = [0, 0, 0, 0]
    for name, records in sorted(written.items()):
        papers = list(parse_file(FIXTURES / name).papers)
        found = match(papers, records)
        stored = sum(hit is not None for hit in found)
        fields = exact = 0
        for record, hit in zip(records, found, strict=True):
            for field in FIELDS:
                if field not in record:
                    continue
                fields += 1
                if hit is not None and field_equal(field, hit, record):
                    exact += 1
                elif verbose:
                    got = getattr(hit, field) if hit is not None else "(not stored)"
                    print(f"  {name}: {field}: got {got!r}, want {record[field]!r}")
        for index, value in enumerate((len(records), stored, fields, exact)):
            totals[index] += value
        share = _pct(stored, len(records))
        print(f"{name:<24}{len(records):>8}{share:>9}{fields:>8}{_pct(exact, fields):>9}")
    entries, stored, fields, exact = totals
    print(
        f"{'overall':<24}{entries:>8}{_pct(stored, entries):>9}{fields:>8}{_pct(exact, fields):>9}"
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verbose", action="store_true", help="print every mismatch")
    parser.add_argument("--count", type=int, default=24, help="generated records per format")
    args = parser.parse_args()

    hand = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))
    scores = {
        name: score_file(FIXTURES / name, wanted, args.verbose, name)
        for name, wanted in sorted(hand.items())
        if wanted
    }
    print_table("hand-made fixtures (tests/fixtures/sources, expected.json)", scores)
    independent(args.verbose)

    with tempfile.TemporaryDirectory(prefix="litassist-fidelity-") as tmp:
        for half, seed in (("tuning", 1), ("held-out", 2)):
            records = make_records(half, args.count, seed)
            half_scores: dict[str, Score] = {}
            for name, (file_name, writer, encoding) in WRITERS.items():
                text, wanted = writer(records)
                path = Path(tmp) / half / file_name
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding=encoding, newline="")
                half_scores[name] = score_file(path, wanted, args.verbose, f"{half}/{name}")
            print_table(f"generated, {half} half ({args.count} records per format)", half_scores)

    invented = 0
    for path in sorted(NONBIB.iterdir()):
        with contextlib.suppress(UnsupportedFormatError):
            invented += len(parse_file(path).papers)
    files = len(list(NONBIB.iterdir()))
    print(f"\nnon-bibliographic files: {files}, papers invented from them: {invented}")


if __name__ == "__main__":
    main()
