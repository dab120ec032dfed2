from lxml import etree

def medline_parts(
    medline: etree._Element,
) -> tuple[
    str,
    str,
    dict[str, str],
    str,
    str,
    str,
    str,
    str,
    list[str],
    list[str],
    list[str],
    list[str],
    list[str],
    bool,
]: ...
