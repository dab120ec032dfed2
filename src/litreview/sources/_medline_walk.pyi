from lxml import etree

from litreview.sources.pubmed_xml import MedlineParts

def medline_parts(medline: etree._Element) -> MedlineParts: ...
