"""Checking an extract: every XML file valid against the National Archives' schemas (our copy, not
the one in the extract), every document present with the SHA-256 and size `arkivstruktur.xml`
gives it, no document left undescribed, the schemas shipped unchanged and the checksums in
`arkivuttrekk.xml` right."""

import hashlib
import tarfile
from functools import cache

from lxml import etree

from .extract import ADDML, N5, SCHEMA_DIR, SCHEMAS

VALIDATED = {
    "arkivstruktur.xml": "arkivstruktur.xsd",
    "endringslogg.xml": "endringslogg.xsd",
    "arkivuttrekk.xml": "addml.xsd",
}


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA_DIR / name)))


def _members(path) -> tuple[str, dict[str, bytes]]:
    """(root folder, {name inside the root: bytes}) of a tar."""
    files, roots = {}, set()
    with tarfile.open(path, mode="r:") as tar:
        for member in tar.getmembers():
            roots.add(member.name.split("/")[0])
            if member.isfile():
                files[member.name] = tar.extractfile(member).read()
    if len(roots) != 1:
        raise ValueError(f"the extract must hold one folder, not {sorted(roots)}")
    root = roots.pop()
    return root, {name.removeprefix(root + "/"): data for name, data in files.items()}


def verify(path) -> list[str]:
    """Every problem of the extract at `path`, each naming its file; empty when it is sound."""
    try:
        _root, files = _members(path)
    except (tarfile.TarError, OSError, ValueError) as exc:
        return [f"{path}: not a readable extract ({exc})"]
    problems = []
    for name in SCHEMAS:
        if files.get(name) != (SCHEMA_DIR / name).read_bytes():
            problems.append(f"{name}: missing or not the National Archives' schema")
    trees = {}
    for name, schema_name in VALIDATED.items():
        if name not in files:
            problems.append(f"{name}: missing")
            continue
        try:
            tree = etree.fromstring(files[name], parser=etree.XMLParser(resolve_entities=False, no_network=True))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name}: not well-formed XML ({exc})")
            continue
        validator = schema(schema_name)
        if not validator.validate(tree):
            problems += [f"{name}: line {error.line}: {error.message}" for error in validator.error_log][:20]
        trees[name] = tree
    described = set()
    if "arkivstruktur.xml" in trees:
        ns = {"n5": N5}
        for obj in trees["arkivstruktur.xml"].iterfind(".//n5:dokumentobjekt", ns):
            reference = obj.findtext("n5:referanseDokumentfil", namespaces=ns)
            described.add(reference)
            algorithm = obj.findtext("n5:sjekksumAlgoritme", namespaces=ns)
            data = files.get(reference)
            if data is None:
                problems.append(f"{reference}: described in arkivstruktur.xml but not in the extract")
                continue
            if algorithm != "SHA-256":
                problems.append(f"{reference}: checksum algorithm {algorithm!r}, not SHA-256")
            elif hashlib.sha256(data).hexdigest() != (obj.findtext("n5:sjekksum", namespaces=ns) or "").lower():
                problems.append(f"{reference}: its SHA-256 is not the sjekksum in arkivstruktur.xml")
            if str(len(data)) != obj.findtext("n5:filstoerrelse", namespaces=ns):
                problems.append(f"{reference}: its size is not the filstoerrelse in arkivstruktur.xml")
    for name in sorted(files):
        if name.startswith("dokumenter/") and name not in described:
            problems.append(f"{name}: in the extract but described by no dokumentobjekt")
    if "arkivuttrekk.xml" in trees:
        problems += _check_description(trees["arkivuttrekk.xml"], files)
    return problems


def _check_description(tree, files) -> list[str]:
    """The SHA-256 that arkivuttrekk.xml gives each file it names."""
    problems = []
    ns = {"a": ADDML}
    for prop in tree.iterfind(".//a:property[@name='file']", ns):
        for holder in [prop] + prop.findall("a:properties/a:property[@name='schema']", ns):
            name = holder.findtext("a:properties/a:property[@name='name']/a:value", namespaces=ns)
            value = holder.findtext(
                "a:properties/a:property[@name='checksum']/a:properties/a:property[@name='value']/a:value",
                namespaces=ns,
            )
            if name not in files:
                problems.append(f"{name}: named in arkivuttrekk.xml but not in the extract")
            elif value != hashlib.sha256(files[name]).hexdigest():
                problems.append(f"{name}: its SHA-256 is not the checksum in arkivuttrekk.xml")
    return problems
