"""Names of people and companies, Chinese and international, drawn from one generator."""

from __future__ import annotations

import unicodedata

import numpy as np

from opensrm.demo import catalog as C
from opensrm.demo import namedata as N
from opensrm.demo.geo import load_cities


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def person_names(rng: np.random.Generator, chinese: np.ndarray) -> tuple[list[str], list[str]]:
    """A name and an e-mail local part per row; ``chinese`` picks the naming tradition."""
    n = len(chinese)
    sur = rng.integers(len(N.SURNAMES), size=n)
    g1 = rng.integers(len(N.GIVEN_CHARS), size=n)
    g2 = rng.integers(len(N.GIVEN_CHARS), size=n)
    two = rng.random(n) < 0.6
    first = rng.integers(len(N.WESTERN_FIRST), size=n)
    last = rng.integers(len(N.WESTERN_LAST), size=n)
    names: list[str] = []
    emails: list[str] = []
    for i in range(n):
        if chinese[i]:
            s_zh, s_py = N.SURNAMES[sur[i]]
            a_zh, a_py = N.GIVEN_CHARS[g1[i]]
            b_zh, b_py = N.GIVEN_CHARS[g2[i]] if two[i] else ("", "")
            names.append(f"{s_zh}{a_zh}{b_zh}")
            emails.append(f"{a_py}{b_py}.{s_py}")
        else:
            f, la = N.WESTERN_FIRST[first[i]], N.WESTERN_LAST[last[i]]
            names.append(f"{f} {la}")
            emails.append(f"{_ascii(f)}.{_ascii(la)}")
    return names, emails


# Company kinds: a Chinese company, a foreign company's subsidiary in China, a company abroad.
KIND_CHINESE, KIND_FOREIGN_IN_CHINA, KIND_ABROAD = 0, 1, 2


def company_names(
    rng: np.random.Generator,
    *,
    kind: np.ndarray,
    industry: np.ndarray,
    city: np.ndarray,
    taken: set[str] | None = None,
) -> tuple[list[str], list[str]]:
    """Unique company names and web domains. ``industry`` indexes ``catalog.INDUSTRY_KEYS``."""
    cities = load_cities()
    taken = set() if taken is None else taken
    names: list[str] = []
    domains: list[str] = []
    n = len(kind)
    draws = rng.integers(1 << 30, size=(n, 4))
    for i in range(n):
        ind = C.INDUSTRY_KEYS[industry[i]]
        c = int(city[i])
        a, b, w, legal = (int(x) for x in draws[i])
        for attempt in range(50):
            if kind[i] == KIND_CHINESE:
                f_zh, f_py = N.BRAND_FIRST[(a + attempt) % len(N.BRAND_FIRST)]
                s_zh, s_py = N.BRAND_SECOND[(b + 7 * attempt) % len(N.BRAND_SECOND)]
                words = N.INDUSTRY_WORDS_ZH[ind]
                legal_form = N.LEGAL_ZH[legal % len(N.LEGAL_ZH)]
                name = f"{cities.city[c]}{f_zh}{s_zh}{words[w % len(words)]}{legal_form}"
                domain = f"{f_py}{s_py}-{_ascii(cities.city_en[c])}.com.cn"
            else:
                brand = N.BRANDS_EN[(a + attempt) % len(N.BRANDS_EN)]
                words = N.INDUSTRY_WORDS_EN[ind]
                word = words[(w + attempt // len(N.BRANDS_EN)) % len(words)]
                if kind[i] == KIND_FOREIGN_IN_CHINA:
                    name = f"{brand} {word} ({cities.city_en[c]}) Co., Ltd."
                else:
                    legal_form = N.LEGAL_EN.get(cities.country[c], "Ltd")
                    name = f"PT {brand} {word}" if legal_form == "PT" else f"{brand} {word} {legal_form}"
                    if attempt >= len(N.BRANDS_EN):
                        name = f"{brand} {word} {cities.city_en[c]} {legal_form}"
                domain = f"{_ascii(brand)}{_ascii(word)}.com"
            if name not in taken:
                break
        else:
            name = f"{name} ({i})"
        taken.add(name)
        names.append(name)
        domains.append(domain)
    return names, domains
