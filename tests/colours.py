"""WCAG 2's contrast ratio of two colours, as CSS gives them ("#rrggbb", or "rgb(...)"/"rgba(...)" as a browser reports)."""

import re


def channels(colour: str) -> tuple[list[float], float]:
    """Red, green and blue from 0 to 1, and the opacity."""
    if colour.startswith("#"):
        return [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)], 1.0
    parts = [float(part) for part in re.findall(r"[\d.]+", colour)]
    return [c / 255 for c in parts[:3]], parts[3] if len(parts) == 4 else 1.0


def luminance(colour: str) -> float:
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels(colour)[0]]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str = "#ffffff") -> float:
    """The ratio, from 1 to 21; a transparent colour has none (1)."""
    if channels(one)[1] == 0 or channels(other)[1] == 0:
        return 1.0
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
