"""The library described as DCAT-AP-SE, the Swedish profile of DCAT-AP that Sweden's data
portal harvests: a catalogue with one dataset (the library's metadata), whose distributions
are the JSON and CSV exports and the feeds; publisher, contact point, licences, themes and
keywords. Built as an rdflib graph, served as Turtle, JSON-LD and RDF/XML."""

from __future__ import annotations

from datetime import datetime

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from media_service.models import MediaItem
from media_service.services import open_data
from media_service.services.licences import METADATA_LICENCE
from media_service.services.open_data import Site

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_LANGUAGE = Namespace("http://publications.europa.eu/resource/authority/language/")
EU_THEME = Namespace("http://publications.europa.eu/resource/authority/data-theme/")
EU_FILE_TYPE = Namespace("http://publications.europa.eu/resource/authority/file-type/")
EU_ACCESS = Namespace("http://publications.europa.eu/resource/authority/access-right/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
IANA = "https://www.iana.org/assignments/media-types/"
THEMES = ("EDUC", "SOCI")  # education, culture and sport; population and society
FORMATS = {"turtle": "text/turtle", "json-ld": "application/ld+json", "xml": "application/rdf+xml"}

_TEXT = {
    "catalog_title": {"sv": "{publisher}: mediebibliotek", "en": "{publisher}: media library"},
    "catalog_description": {
        "sv": "Filmer och sånger med textning, teckenspråkstolkning och syntolkning.",
        "en": "Films and songs with captions, sign-language interpretation and audio description.",
    },
    "dataset_title": {"sv": "Mediebibliotekets innehåll", "en": "The media library's contents"},
    "dataset_description": {
        "sv": "Metadata för varje publicerad film och sång: titel, beskrivning, språk, längd, licens, "
        "adresser och vilken tillgänglighet den har (textning, teckenspråk, syntolkning, utskrift).",
        "en": "Metadata of every published film and song: title, description, language, duration, "
        "licence, addresses and what makes it accessible (captions, sign language, audio "
        "description, transcript).",
    },
}
# The distributions: (path, title in sv and en, media type, EU file type).
DISTRIBUTIONS = (
    (
        "/api/catalogue.json",
        {"sv": "Katalogen som JSON", "en": "The catalogue as JSON"},
        "application/json",
        "JSON",
    ),
    ("/api/catalogue.csv", {"sv": "Katalogen som CSV", "en": "The catalogue as CSV"}, "text/csv", "CSV"),
    ("/feeds/all.rss", {"sv": "RSS-flöde", "en": "RSS feed"}, "application/rss+xml", "RSS"),
    ("/feeds/all.atom", {"sv": "Atom-flöde", "en": "Atom feed"}, "application/atom+xml", "ATOM"),
)


def _both(graph: Graph, subject: URIRef | BNode, predicate: URIRef, key: str, **values: str) -> None:
    for language in ("sv", "en"):
        graph.add((subject, predicate, Literal(_TEXT[key][language].format(**values), lang=language)))


def _date(moment: datetime) -> Literal:
    return Literal(open_data.as_utc(moment).isoformat(), datatype=XSD.dateTime)


def catalogue_graph(site: Site, items: list[MediaItem], now: datetime) -> Graph:
    """The DCAT-AP-SE graph of the library, whose published ``items`` give keywords and dates."""
    graph = Graph()
    for prefix, namespace in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD)):
        graph.bind(prefix, namespace)
    catalog = URIRef(site.url("/dcat/catalog"))
    dataset = URIRef(site.url("/dcat/catalog#library"))
    publisher = URIRef(site.publisher_url)
    licence = URIRef(METADATA_LICENCE.url)
    issued = min((open_data.published_on(i) for i in items), default=now)
    modified = max((open_data.modified_on(i) for i in items), default=now)

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal(site.publisher_name)))
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    _both(graph, catalog, DCTERMS.title, "catalog_title", publisher=site.publisher_name)
    _both(graph, catalog, DCTERMS.description, "catalog_description")
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, licence))
    graph.add((catalog, FOAF.homepage, URIRef(site.url("/"))))
    graph.add((catalog, DCTERMS.language, EU_LANGUAGE.SWE))
    graph.add((catalog, DCTERMS.language, EU_LANGUAGE.ENG))
    graph.add((catalog, DCTERMS.issued, _date(issued)))
    graph.add((catalog, DCTERMS.modified, _date(modified)))
    graph.add(
        (catalog, DCAT.themeTaxonomy, URIRef("http://publications.europa.eu/resource/authority/data-theme"))
    )
    graph.add((catalog, DCAT.dataset, dataset))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    _both(graph, dataset, DCTERMS.title, "dataset_title")
    _both(graph, dataset, DCTERMS.description, "dataset_description")
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.landingPage, URIRef(site.url("/"))))
    graph.add((dataset, DCTERMS.accessRights, EU_ACCESS.PUBLIC))
    graph.add((dataset, DCTERMS.accrualPeriodicity, EU_FREQUENCY.CONT))
    graph.add((dataset, DCTERMS.issued, _date(issued)))
    graph.add((dataset, DCTERMS.modified, _date(modified)))
    graph.add((dataset, DCTERMS.language, EU_LANGUAGE.SWE))
    for theme in THEMES:
        graph.add((dataset, DCAT.theme, EU_THEME[theme]))
    words = sorted({word for item in items for word in open_data.keywords(item)})
    for word in words:
        graph.add((dataset, DCAT.keyword, Literal(word, lang="sv")))

    contact = URIRef(site.url("/dcat/catalog#contact"))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((contact, RDF.type, VCARD.Kind))  # said outright: a harvester need not infer it
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal(site.publisher_name)))
    if site.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{site.contact_email}")))
    graph.add((contact, VCARD.hasURL, URIRef(site.publisher_url)))

    for path, title, media_type, file_type in DISTRIBUTIONS:
        distribution = URIRef(site.url(path) + "#distribution")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCAT.accessURL, URIRef(site.url(path))))
        graph.add((distribution, DCAT.downloadURL, URIRef(site.url(path))))
        for language in ("sv", "en"):
            graph.add((distribution, DCTERMS.title, Literal(title[language], lang=language)))
        graph.add((distribution, DCAT.mediaType, URIRef(IANA + media_type)))
        graph.add((distribution, DCTERMS.format, EU_FILE_TYPE[file_type]))
        graph.add((distribution, DCTERMS.license, licence))
    return graph


def serialise(graph: Graph, rdf_format: str) -> bytes:
    """The graph as ``turtle``, ``json-ld`` or ``xml`` (RDF/XML)."""
    data = graph.serialize(format=rdf_format, encoding="utf-8")
    return data if isinstance(data, bytes) else data.encode()
