"""Write the SVG sprite of the icons in trainer/icons.py from node_modules/bootstrap-icons (run by `make assets`).

Each icon becomes a <symbol id="NAME"> with the icon's own viewBox and shapes, so a page draws it with
<svg><use href="…/icons.svg#NAME"></use></svg>: one small cached file instead of the 134 KB icon font.
Usage: python tools/build_icons.py [ROOT]  (ROOT defaults to the repository this script lives in).
"""
from __future__ import annotations

import runpy
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVG_NS = "http://www.w3.org/2000/svg"


def sprite(*, names: tuple[str, ...], source: Path) -> str:
    """The sprite document for these icon names, read from bootstrap-icons' icons/ folder."""
    ET.register_namespace("", SVG_NS)
    root = ET.Element(f"{{{SVG_NS}}}svg")
    for name in names:
        path = source / f"{name}.svg"
        if not path.exists():
            raise SystemExit(f"{path}: no such Bootstrap icon (listed in trainer/icons.py)")
        icon = ET.parse(path).getroot()
        symbol = ET.SubElement(root, f"{{{SVG_NS}}}symbol", {"id": name, "viewBox": icon.get("viewBox", "0 0 16 16")})
        symbol.extend(list(icon))
    for element in root.iter():  # drop the indentation between elements, keep everything else
        element.tail = None
        if element.text is not None and not element.text.strip():
            element.text = None
    return ET.tostring(root, encoding="unicode") + "\n"


def main(root: Path) -> None:
    names = runpy.run_path(str(root / "trainer" / "icons.py"))["ICONS"]
    out = root / "trainer" / "static" / "vendor" / "icons" / "icons.svg"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(sprite(names=names, source=root / "node_modules" / "bootstrap-icons" / "icons"), encoding="utf-8")
    print(f"{out.relative_to(root)}: {len(names)} icons, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1])
